/**
 * Errors a user can cause (bad spec, bad checkpoint, bad inputs) are
 * `UserError`s: the CLI prints their message and exits 1, never a stack trace.
 * Anything else is a bug in convspec and keeps its stack.
 */

export interface SourceLocation {
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
  /** Characters to underline; 1 when unknown. */
  length?: number;
}

export class UserError extends Error {
  /** What was being resolved when this failed, outermost first (e.g. a spec file, then an extends). */
  readonly chain: readonly string[];

  constructor(message: string, options: { chain?: readonly string[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "UserError";
    this.chain = options.chain ?? [];
  }

  /** The text the CLI prints. Subclasses with source locations override it. */
  format(): string {
    const via = this.chain.length > 0 ? `\n  while ${this.chain.join("\n  while ")}` : "";
    return `error: ${this.message}${via}`;
  }
}

export function isUserError(e: unknown): e is UserError {
  return e instanceof UserError;
}
