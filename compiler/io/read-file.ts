/**
 * The one way convspec reads a file the user named: only regular files (a
 * FIFO would block forever, /dev/zero never ends, a directory is a mistake),
 * with a size cap per kind checked with fstat BEFORE anything is allocated.
 * Every refusal is a UserError that names only the path, never the content.
 */
import { closeSync, fstatSync, openSync, readSync, constants } from "node:fs";
import { UserError } from "../errors.js";

/** What a file is for: its size cap and how errors name it. */
export interface FileKind {
  /** "spec", "inputs file", "safetensors checkpoint", ... */
  what: string;
  maxBytes: number;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Caps per kind: a spec of more than a few MB is not a spec. */
export const FILE_KINDS = {
  spec: { what: "spec", maxBytes: 4 * MiB },
  json: { what: "JSON file", maxBytes: 16 * MiB },
  inputs: { what: "inputs file", maxBytes: 256 * MiB },
  vocab: { what: "vocabulary", maxBytes: 64 * MiB },
  weights: { what: "safetensors checkpoint", maxBytes: 64 * GiB },
} as const satisfies Record<string, FileKind>;

/**
 * Opens `path` without blocking (O_NONBLOCK: opening a FIFO with no writer
 * must not hang) and checks it is a regular file within the kind's cap.
 * The caller reads from `fd` (positioned reads) and closes it.
 */
export function openRegularFile(path: string, kind: FileKind): { fd: number; size: number } {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw new UserError(`cannot read ${kind.what} ${path}: ${describeErrno(e)}`);
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new UserError(`${kind.what} ${path} is a directory, not a file`);
    if (!stat.isFile()) throw new UserError(`${kind.what} ${path} is not a regular file (a device, FIFO or socket); convspec reads only regular files`);
    if (stat.size > kind.maxBytes) {
      throw new UserError(`${kind.what} ${path} is ${formatBytes(stat.size)}, more than the ${formatBytes(kind.maxBytes)} a ${kind.what} may be`);
    }
    return { fd, size: stat.size };
  } catch (e) {
    closeSync(fd);
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${kind.what} ${path}: ${describeErrno(e)}`);
  }
}

/** Reads `length` bytes at `position` of `fd` into `into` (at most 1 GiB per read call: fs reads are limited to 2 GiB); returns the bytes read. */
export function readFully(fd: number, into: Uint8Array, position: number): number {
  let read = 0;
  while (read < into.byteLength) {
    const n = readSync(fd, into, read, Math.min(into.byteLength - read, 2 ** 30), position + read);
    if (n === 0) break; // the file shrank while reading
    read += n;
  }
  return read;
}

/** Reads a regular file whole (see `openRegularFile`). */
export function readRegularFile(path: string, kind: FileKind): Buffer {
  const { fd, size } = openRegularFile(path, kind);
  try {
    const buffer = Buffer.allocUnsafe(size);
    const read = readFully(fd, buffer, 0);
    return read === size ? buffer : buffer.subarray(0, read);
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read ${kind.what} ${path}: ${describeErrno(e)}`);
  } finally {
    closeSync(fd);
  }
}

/** The file as UTF-8 text (a leading byte-order mark removed). */
export function readRegularText(path: string, kind: FileKind): string {
  const text = readRegularFile(path, kind).toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  return (e as Error).message;
}

/** Bytes in binary units, one decimal ("1.5 GiB"); absurd sizes in exponent form ("9.09e+11 PiB"). */
export function formatBytes(bytes: number): string {
  const units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = value >= 1e6 ? value.toExponential(2) : unit === 0 ? String(value) : value.toFixed(1);
  return `${digits} ${units[unit]}`;
}
