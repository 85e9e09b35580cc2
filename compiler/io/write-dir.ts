/**
 * Writing a set of files into a folder the user named (`compile -o DIR`),
 * replacing exactly what convspec wrote there before and nothing else.
 *
 * `DIR/convspec-manifest.json` lists the files convspec wrote last time.
 * A new write replaces those, removes the ones it no longer produces (stale
 * kernels of an earlier compile), and refuses to touch any other file whose
 * name it would use. The manifest always covers every file convspec may have
 * written, even if the process is killed halfway: it is first extended with
 * the new names, then the files are renamed into place, then stale files are
 * removed and the manifest trimmed.
 */
import { lstatSync, mkdirSync, statSync, unlinkSync } from "node:fs";
import { open, rename } from "node:fs/promises";
import { join } from "node:path";
import { UserError } from "../errors.js";
import type { CommandInputs } from "./input-files.js";
import { describeErrno, fileAncestor } from "./output-target.js";
import { FILE_KINDS, readRegularText } from "./read-file.js";
import { removeQuietly, trackTempFile } from "./temp-files.js";
import { tempNameFor } from "./write-file.js";

export const MANIFEST_NAME = "convspec-manifest.json";
const MANIFEST_FORMAT = "convspec-manifest/1";

export interface DirWriteResult {
  written: string[];
  /** Files of the previous write that this one no longer produces, now removed. */
  removed: string[];
}

/** Writes `files` (name -> contents) into `dir`, creating it if needed; `label` names the folder in errors. */
export async function writeOutputDir(
  dir: string,
  files: ReadonlyMap<string, string | Uint8Array>,
  options: { label?: string; inputs?: CommandInputs } = {},
): Promise<DirWriteResult> {
  const label = options.label ?? dir;
  for (const name of files.keys()) checkName(name, "convspec");
  ensureFolder(dir, label);
  const manifestPath = join(dir, MANIFEST_NAME);
  const previous = readManifest(manifestPath);
  const names = [...files.keys()];
  for (const name of names) checkReplaceable(join(dir, name), previous.has(name), options.inputs, manifestPath);

  const stale = [...previous].filter((name) => !files.has(name));
  const temps = names.map((name) => tempNameFor(join(dir, name)));
  const untrack = temps.map(trackTempFile);
  try {
    for (const [i, contents] of [...files.values()].entries()) await writeNew(temps[i], contents);
    await writeManifest(manifestPath, [...new Set([...previous, ...names])]);
    for (const [i, name] of names.entries()) await rename(temps[i], join(dir, name));
  } catch (e) {
    for (const temp of temps) removeQuietly(temp);
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot write ${label}: ${describeErrno(e)}`, { cause: e });
  } finally {
    for (const done of untrack) done();
  }
  const removed = stale.filter((name) => removeStale(join(dir, name), options.inputs));
  await writeManifest(manifestPath, [...names, ...stale.filter((name) => !removed.includes(name))]);
  return { written: names, removed };
}

/** Only plain names: a manifest (or a kernel name) must never reach outside DIR. */
function checkName(name: string, source: string): void {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\\") || name.includes("\0") || name === MANIFEST_NAME) {
    throw new UserError(`${source} names the file ${JSON.stringify(name)}, which is not a plain file name inside the output folder`);
  }
}

function ensureFolder(dir: string, label: string): void {
  const throughFile = () => {
    const file = fileAncestor(dir);
    return new UserError(`cannot create output directory ${dir}: ${file ? `${file} is a file, not a folder` : "a part of the path is a file, not a folder"}`);
  };
  try {
    if (statSync(dir).isDirectory()) return;
    throw new UserError(`cannot write ${label}: ${dir} exists and is not a folder`);
  } catch (e) {
    if (e instanceof UserError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR") throw throughFile();
    if (code !== "ENOENT") throw new UserError(`cannot write ${label}: ${describeErrno(e)}`);
  }
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTDIR" || code === "EEXIST") throw throughFile();
    throw new UserError(`cannot create output directory ${dir}: ${describeErrno(e)}`);
  }
}

function readManifest(path: string): Set<string> {
  try {
    lstatSync(path);
  } catch {
    return new Set();
  }
  const text = readRegularText(path, { what: "convspec manifest", maxBytes: FILE_KINDS.json.maxBytes });
  let files: unknown;
  try {
    const json = JSON.parse(text) as { format?: unknown; files?: unknown };
    if (json.format !== MANIFEST_FORMAT) throw new Error("unknown format");
    files = json.files;
  } catch {
    throw new UserError(`${path} is not a convspec manifest; move it away (convspec lists the files it writes there)`);
  }
  if (!Array.isArray(files) || !files.every((f) => typeof f === "string")) {
    throw new UserError(`${path} is not a convspec manifest; move it away (convspec lists the files it writes there)`);
  }
  for (const name of files) checkName(name, path);
  return new Set(files);
}

/** A file about to be replaced must be one convspec wrote, a regular file, and no input of this command. */
function checkReplaceable(path: string, listed: boolean, inputs: CommandInputs | undefined, manifestPath: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return; // a new name
  }
  const input = inputs?.find(path);
  if (input) throw new UserError(`cannot write ${path}: it is ${input.what}, an input of this command`);
  if (!listed) {
    throw new UserError(`${path} exists and convspec did not write it (${manifestPath} does not list it); move it away or choose another folder`);
  }
  if (!stat.isFile()) throw new UserError(`${path} is not a regular file; convspec replaces only the files it wrote`);
}

/** Removes a stale file of the previous write if it is still a plain file and not an input; true when removed. */
function removeStale(path: string, inputs: CommandInputs | undefined): boolean {
  try {
    if (!lstatSync(path).isFile() || inputs?.find(path)) return false;
    unlinkSync(path);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "ENOENT";
  }
}

async function writeNew(path: string, contents: string | Uint8Array): Promise<void> {
  const handle = await open(path, "wx", 0o666);
  try {
    await handle.writeFile(contents);
  } finally {
    await handle.close();
  }
}

async function writeManifest(path: string, files: readonly string[]): Promise<void> {
  const temp = tempNameFor(path);
  const untrack = trackTempFile(temp);
  try {
    const text = JSON.stringify({ format: MANIFEST_FORMAT, generator: "convspec", files: [...files].sort() }, null, 1) + "\n";
    await writeNew(temp, text);
    await rename(temp, path);
  } catch (e) {
    removeQuietly(temp);
    throw new UserError(`cannot write ${path}: ${describeErrno(e)}`, { cause: e });
  } finally {
    untrack();
  }
}
