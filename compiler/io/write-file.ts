/**
 * The one way convspec writes an output file (`run --output`, `export -o`,
 * `import-hf -o`, the files of `compile -o DIR`). Where it writes is decided
 * by `resolveOutputTarget` (regular files atomically, special files in
 * place, devices refused); the bytes are streamed in chunks, so an output
 * may exceed 2 GiB and a signal can interrupt the write, removing the
 * temporary file.
 */
import { randomBytes } from "node:crypto";
import { closeSync, constants, openSync } from "node:fs";
import { open, rename, type FileHandle } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { isUserError, UserError } from "../errors.js";
import type { CommandInputs } from "./input-files.js";
import { describeErrno, resolveOutputTarget, type OutputTarget } from "./output-target.js";
import { removeQuietly, trackTempFile } from "./temp-files.js";

/** Receives an output's bytes in order. */
export interface ByteSink {
  write(chunk: Uint8Array | string): Promise<void>;
}

export interface OutputOptions {
  /** How errors name the output, e.g. "--output out.safetensors"; default: the path. */
  label?: string;
  /** The command's inputs: an output that is one of them is refused. */
  inputs?: CommandInputs;
}

/** One write call at most this big: fs writes are limited to 2 GiB, and smaller chunks let signals in. */
const CHUNK_BYTES = 64 * 2 ** 20;

/**
 * Checks, before any work, that `path` can take an output: not an input, not
 * a device, its folder exists. Throws the UserError the write would.
 */
export function checkOutputPath(path: string | undefined, options: OutputOptions = {}): void {
  if (path === undefined) return;
  const label = options.label ?? path;
  resolveOutputTarget(path, label);
  options.inputs?.refuseOutput(path, label);
}

/** Writes what `produce` emits to `path`; nothing is left half-written where a regular file is concerned. */
export async function writeOutputFile(path: string, produce: (sink: ByteSink) => Promise<void>, options: OutputOptions = {}): Promise<void> {
  const label = options.label ?? path;
  const target = resolveOutputTarget(path, label);
  options.inputs?.refuseOutput(path, label);
  try {
    if (target.kind === "stdio") await writeStdio(target.fd, produce);
    else if (target.kind === "special") await writeSpecial(target, label, produce);
    else await writeReplacing(target, produce);
  } catch (e) {
    if (isUserError(e) || !isErrno(e)) throw e;
    throw new UserError(`cannot write ${label}: ${describeErrno(e)}`, { cause: e });
  }
}

export function writeOutputText(path: string, text: string, options: OutputOptions = {}): Promise<void> {
  return writeOutputFile(path, (sink) => sink.write(text), options);
}

/** A name for a temporary file beside `path`, unique to this process and call. */
export function tempNameFor(path: string): string {
  return join(dirname(path), `.${basename(path).slice(0, 200)}.${process.pid}-${randomBytes(4).toString("hex")}.tmp`);
}

async function writeReplacing(target: Extract<OutputTarget, { kind: "file" }>, produce: (sink: ByteSink) => Promise<void>): Promise<void> {
  const temp = tempNameFor(target.finalPath);
  const untrack = trackTempFile(temp);
  let handle: FileHandle | undefined;
  try {
    // wx: never follow a symlink someone planted at the temporary name.
    handle = await open(temp, "wx", 0o666);
    await produce(fileSink(handle));
    if (target.mode !== undefined) await handle.chmod(target.mode);
    await handle.close();
    handle = undefined;
    await rename(temp, target.finalPath);
  } catch (e) {
    await handle?.close().catch(() => undefined);
    removeQuietly(temp);
    throw e;
  } finally {
    untrack();
  }
}

async function writeSpecial(target: Extract<OutputTarget, { kind: "special" }>, label: string, produce: (sink: ByteSink) => Promise<void>): Promise<void> {
  // A FIFO nobody reads would block the open forever: probe without blocking first, and keep the
  // probe open until the real descriptor is (closing it first would show the reader an end of file).
  let probe: number | undefined;
  if (target.fifo) {
    try {
      probe = openSync(target.path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === "ENXIO") throw new UserError(`cannot write ${label}: it is a FIFO and nothing is reading it`);
      throw e;
    }
  }
  let handle: FileHandle;
  try {
    // No O_CREAT, no O_TRUNC: the special file is written, never replaced.
    handle = await open(target.path, constants.O_WRONLY);
  } finally {
    if (probe !== undefined) closeSync(probe);
  }
  try {
    await produce(fileSink(handle));
  } finally {
    await handle.close();
  }
}

async function writeStdio(fd: 1 | 2, produce: (sink: ByteSink) => Promise<void>): Promise<void> {
  const stream = fd === 1 ? process.stdout : process.stderr;
  let failure: Error | undefined;
  const onError = (e: Error) => (failure = e);
  stream.on("error", onError);
  try {
    await produce({
      async write(chunk) {
        for (const piece of chunks(chunk)) {
          await new Promise<void>((resolve, reject) => stream.write(piece, (e) => (e ? reject(e) : resolve())));
          if (failure) throw failure;
        }
      },
    });
  } finally {
    stream.removeListener("error", onError);
  }
}

function fileSink(handle: FileHandle): ByteSink {
  return {
    async write(chunk) {
      for (const piece of chunks(chunk)) {
        for (let done = 0; done < piece.byteLength; ) {
          const { bytesWritten } = await handle.write(piece, done, piece.byteLength - done);
          done += bytesWritten;
        }
      }
    },
  };
}

function* chunks(chunk: Uint8Array | string): Generator<Uint8Array> {
  const bytes = typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
  for (let at = 0; at < bytes.byteLength; at += CHUNK_BYTES) {
    yield bytes.subarray(at, Math.min(at + CHUNK_BYTES, bytes.byteLength));
  }
}

/** An operating-system error (it names a syscall), as opposed to a bug. */
function isErrno(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).syscall === "string";
}
