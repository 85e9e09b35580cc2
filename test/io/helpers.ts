/** Shared by the file-safety tests: the CLI in-process and as a child process, temp folders, FIFOs. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, lstatSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { vi } from "vitest";
import { main } from "../../cli/main.js";
import { repoRoot } from "../helpers/golden.js";

export { repoRoot };

export function tempDir(prefix = "convspec-io-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Runs `convspec ...args` through main(): the exit code it returns, what it printed. A bug (non-user error) rejects. */
export async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const capture = (append: (s: string) => void) => (chunk: unknown, ...rest: unknown[]) => {
    append(typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("latin1"));
    const done = rest.find((r) => typeof r === "function") as (() => void) | undefined;
    done?.();
    return true;
  };
  const out = vi.spyOn(process.stdout, "write").mockImplementation(capture((s) => (stdout += s)) as typeof process.stdout.write);
  const err = vi.spyOn(process.stderr, "write").mockImplementation(capture((s) => (stderr += s)) as typeof process.stderr.write);
  process.exitCode = undefined;
  try {
    const code = await main(["node", "convspec", ...args]);
    return { code, stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    process.exitCode = undefined;
  }
}

/** `convspec ...args` as a child process (stdout as bytes). */
export function cliProcess(args: readonly string[], options: { timeoutMs?: number } = {}) {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/convspec.mjs"), ...args], { cwd: repoRoot, timeout: options.timeoutMs ?? 60_000 });
  return { code: result.status, signal: result.signal, stdout: result.stdout, stderr: result.stderr.toString("utf8") };
}

export function makeFifo(path: string): void {
  const r = spawnSync("mkfifo", [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

/** Starts `cat FIFO` and resolves with everything it read, once the writer closes. */
export function readFifo(path: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn("cat", [path]);
    const chunks: Buffer[] = [];
    child.stdout.on("data", (c: Buffer) => chunks.push(c));
    child.on("error", reject);
    child.on("close", () => resolve(Buffer.concat(chunks)));
  });
}

/** Starts `wc -c < FIFO` and resolves with the byte count it read. */
export function countFifoBytes(path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("sh", ["-c", 'wc -c < "$1"', "sh", path]);
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("close", () => resolve(Number(out.trim())));
  });
}

/**
 * Holds the FIFO open read-write while `work` runs, so that a writer's "is anyone reading?" probe
 * never races the reader's start-up; closing it afterwards lets the reader see the end of file.
 */
export async function withFifoHeld<T>(path: string, work: () => Promise<T>): Promise<T> {
  const { openSync, closeSync } = await import("node:fs");
  const held = openSync(path, "r+");
  try {
    return await work();
  } finally {
    closeSync(held);
  }
}

export function isCharacterDevice(path: string): boolean {
  return lstatSync(path).isCharacterDevice();
}

/** No stack frame lines ("    at f (file:1:2)") in CLI output. */
export const STACK_FRAME = /\n\s+at /;
