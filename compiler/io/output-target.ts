/**
 * Where an output path leads, decided before anything is written:
 *  - a regular file, or a name that does not exist yet: written to a temporary
 *    file beside it and renamed over it once complete (never half-written);
 *    an existing file keeps its permissions, and a symlink keeps pointing at
 *    the file it names (the file it resolves to is replaced);
 *  - /dev/stdout, /dev/stderr (and /dev/fd/1, /proc/self/fd/2, ...): written
 *    to the process's own stream, as the shell set it up;
 *  - a FIFO, /dev/null or a terminal: written in place, never renamed over;
 *  - anything else (a directory, a block or other character device, a
 *    socket) is refused, so no device is ever replaced by a regular file.
 */
import { accessSync, constants, fstatSync, realpathSync, statSync, type Stats } from "node:fs";
import { dirname } from "node:path";
import { isatty } from "node:tty";
import { UserError } from "../errors.js";

export type OutputTarget =
  /** Temp file beside `finalPath` (the symlink-resolved path), renamed over it; `mode` of the file replaced. */
  | { kind: "file"; finalPath: string; mode?: number }
  /** Opened and written in place (no create, no truncate): a FIFO, /dev/null or a terminal. */
  | { kind: "special"; path: string; fifo: boolean }
  /** The process's stdout (1) or stderr (2). */
  | { kind: "stdio"; fd: 1 | 2 };

const STDIO_PATHS: ReadonlyMap<string, 1 | 2> = new Map([
  ["/dev/stdout", 1], ["/dev/fd/1", 1], ["/proc/self/fd/1", 1],
  ["/dev/stderr", 2], ["/dev/fd/2", 2], ["/proc/self/fd/2", 2],
]);

/** Classifies `path` for writing; `label` names it in errors (e.g. "--output out.safetensors"). Throws a UserError when refused. */
export function resolveOutputTarget(path: string, label: string): OutputTarget {
  const fd = STDIO_PATHS.get(path);
  if (fd !== undefined) return { kind: "stdio", fd };
  if (path === "" || path.endsWith("/")) throw new UserError(`${label}: '${path}' names a folder; give a file name`);
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") return newFile(path, label);
    if (code === "ENOTDIR") throw notAFolder(path, label);
    throw new UserError(`cannot write ${label}: ${describeErrno(e)}`);
  }
  if (stat.isFile()) {
    try {
      accessSync(path, constants.W_OK);
    } catch {
      throw new UserError(`cannot write ${label}: the file is read-only; convspec does not replace it`);
    }
    return { kind: "file", finalPath: realpathSync(path), mode: stat.mode & 0o7777 };
  }
  if (stat.isDirectory()) throw new UserError(`${label} is a directory; give a file name`);
  if (stat.isFIFO()) return { kind: "special", path, fifo: true };
  if (stat.isCharacterDevice() && (isNullDevice(stat) || isTerminal(stat))) return { kind: "special", path, fifo: false };
  const what = stat.isBlockDevice() ? "a block device" : stat.isSocket() ? "a socket" : "a device";
  throw new UserError(
    `${label} is ${what}; convspec writes outputs only to regular files, FIFOs, /dev/null, a terminal or /dev/stdout, and never replaces a device`,
  );
}

function newFile(path: string, label: string): OutputTarget {
  const parent = dirname(path);
  let stat: Stats;
  try {
    stat = statSync(parent);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UserError(`cannot write ${label}: folder ${parent} does not exist`);
    if (code === "ENOTDIR") throw notAFolder(path, label);
    throw new UserError(`cannot write ${label}: ${describeErrno(e)}`);
  }
  if (!stat.isDirectory()) throw notAFolder(path, label);
  return { kind: "file", finalPath: path };
}

function notAFolder(path: string, label: string): UserError {
  const file = fileAncestor(path);
  return new UserError(`cannot write ${label}: ${file ? `${file} is a file, not a folder` : "a part of the path is not a folder"}`);
}

/** The nearest ancestor of `path` that exists but is not a directory (why a write got ENOTDIR). */
export function fileAncestor(path: string): string | undefined {
  for (let p = dirname(path); p !== dirname(p); p = dirname(p)) {
    try {
      if (!statSync(p).isDirectory()) return p;
    } catch {
      // missing or unreadable: look further up
    }
  }
  return undefined;
}

function isNullDevice(stat: Stats): boolean {
  try {
    return statSync("/dev/null").rdev === stat.rdev;
  } catch {
    return false;
  }
}

/** A terminal this process already has (its stdin/stdout/stderr), or /dev/tty. */
function isTerminal(stat: Stats): boolean {
  for (const fd of [0, 1, 2]) {
    try {
      if (isatty(fd) && fstatSync(fd).rdev === stat.rdev) return true;
    } catch {
      // closed descriptor
    }
  }
  try {
    return statSync("/dev/tty").rdev === stat.rdev;
  } catch {
    return false;
  }
}

export function describeErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file or folder";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "it is a directory";
  if (code === "ENOSPC") return "no space left on the device";
  if (code === "EROFS") return "read-only file system";
  if (code === "ENAMETOOLONG") return "the name is too long";
  return (e as Error).message;
}
