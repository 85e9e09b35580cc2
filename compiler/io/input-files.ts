/**
 * The files a command reads, remembered by identity (device and inode): an
 * output that reaches one of them, by the same path, another spelling, a
 * symlink or a hard link, would destroy an input. Commands refuse such an
 * output before doing any work.
 */
import { statSync } from "node:fs";
import { UserError } from "../errors.js";

interface InputFile {
  path: string;
  /** How messages name it: "--weights", "the model spec", ... */
  what: string;
  dev: bigint;
  ino: bigint;
}

export class CommandInputs {
  readonly #files: InputFile[] = [];

  /** Remembers `path` as an input; a path that does not exist is skipped (reading it fails later, located). */
  add(path: string | undefined, what: string): this {
    if (path === undefined) return this;
    const id = identity(path);
    if (id) this.#files.push({ path, what, ...id });
    return this;
  }

  addAll(paths: readonly string[], what: string): this {
    for (const path of paths) this.add(path, what);
    return this;
  }

  /** What `loadSpecWithSources` read: the spec itself, then every file reached through `extends`. */
  addSpec(sources: readonly string[], what = "the model spec"): this {
    sources.forEach((path, i) => this.add(path, i === 0 ? what : "a spec it extends,"));
    return this;
  }

  /** The input that writing to `path` would overwrite, if any. */
  find(path: string): { path: string; what: string } | undefined {
    const id = identity(path);
    return id ? this.#files.find((f) => f.dev === id.dev && f.ino === id.ino) : undefined;
  }

  /** Throws a UserError when the output `path` is one of the inputs; `label` names it, e.g. "--output out.safetensors". */
  refuseOutput(path: string | undefined, label: string): void {
    if (path === undefined) return;
    const input = this.find(path);
    if (!input) return;
    throw new UserError(`${label} is the same file as ${input.what} ${input.path}, an input of this command: writing it would destroy it; choose another output`);
  }
}

function identity(path: string): { dev: bigint; ino: bigint } | undefined {
  try {
    const stat = statSync(path, { bigint: true });
    return { dev: stat.dev, ino: stat.ino };
  } catch {
    return undefined;
  }
}
