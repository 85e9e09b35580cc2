/**
 * Writing a command's output file safely, in one function until the shared
 * safe-writer (compiler/io/write-file.ts) lands: the output is never one of
 * the command's inputs, never a device or FIFO, and a reader never sees it
 * half-written (temporary file in the same folder, then rename).
 */
import { realpathSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { UserError } from "../compiler/errors.js";

export function writeOutputFile(path: string, content: string | Uint8Array, inputs: readonly string[]): void {
  const target = resolve(path);
  const existing = statSync(target, { throwIfNoEntry: false });
  if (existing && !existing.isFile()) throw new UserError(`refusing to write '${path}': it exists and is not a regular file`);
  const identity = (p: string) => {
    const s = statSync(p, { throwIfNoEntry: false });
    return s ? `${s.dev}:${s.ino}` : `path:${resolve(p)}`;
  };
  const targetId = existing ? identity(target) : `path:${target}`;
  for (const input of inputs) {
    if (identity(input) === targetId || resolve(input) === target) throw new UserError(`refusing to write '${path}': it is one of the inputs ('${input}')`);
  }
  let dir: string;
  try {
    dir = realpathSync(dirname(target));
  } catch {
    throw new UserError(`cannot write '${path}': folder '${dirname(path)}' does not exist`);
  }
  const temp = join(dir, `.${basename(target)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, content, { flag: "wx" });
    renameSync(temp, join(dir, basename(target)));
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UserError(`cannot write '${path}': ${(e as Error).message}`);
  }
}
