/**
 * Located errors for spec files: `file:line:column: message`, the source line
 * and a caret line under the culprit. A `SpecError` carries every diagnostic of
 * a run (syntax errors are recovered from, semantic checks all run), so one
 * `convspec check` shows all of them.
 */
import { distance } from "fastest-levenshtein";
import { UserError, type SourceLocation } from "../errors.js";

export interface Diagnostic {
  loc: SourceLocation;
  message: string;
}

export class SpecError extends UserError {
  readonly diagnostics: readonly Diagnostic[];
  /** Text of every file a diagnostic points into, to print the source lines. */
  readonly sources: ReadonlyMap<string, string>;

  constructor(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map()) {
    const first = diagnostics[0];
    super(first ? `${locationText(first.loc)}: ${first.message}` : "invalid spec");
    this.name = "SpecError";
    this.diagnostics = diagnostics;
    this.sources = sources;
  }

  override format(): string {
    const parts = this.diagnostics.map((d) => formatDiagnostic(d, this.sources.get(d.loc.file)));
    const count = this.diagnostics.length;
    if (count > 1) parts.push(`${count} errors`);
    return parts.join("\n");
  }
}

export function locationText(loc: SourceLocation): string {
  return `${loc.file}:${loc.line}:${loc.column}`;
}

export function formatDiagnostic(d: Diagnostic, source?: string): string {
  const head = `${locationText(d.loc)}: error: ${d.message}`;
  const line = source?.split(/\r?\n/)[d.loc.line - 1];
  if (line === undefined) return head;
  const gutter = `${d.loc.line} | `;
  const caretWidth = Math.max(1, Math.min(d.loc.length ?? 1, line.length - d.loc.column + 1));
  const caret = " ".repeat(gutter.length - 2) + "| " + line.slice(0, d.loc.column - 1).replace(/[^\t]/g, " ") + "^".repeat(caretWidth);
  return `${head}\n${gutter}${line}\n${caret}`;
}

/** 1-based line and column of a character offset. */
export function offsetToLocation(text: string, offset: number, file: string, length = 1): SourceLocation {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { file, line, column: offset - lineStart + 1, length };
}

/** The closest candidate within 1 edit for words up to 3 letters, 2 up to 6, else 3; if any. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const limit = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  const letters = (w: string) => [...w.toLowerCase()].sort().join("");
  for (const candidate of candidates) {
    // A swap of two letters (tide -> tied) counts 2 edits: prefer anagrams among equals.
    const d = distance(word.toLowerCase(), candidate.toLowerCase()) - (letters(word) === letters(candidate) ? 0.5 : 0);
    if (d < bestDistance && d <= limit && candidate !== word) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

export function suggestion(word: string, candidates: Iterable<string>): string {
  const best = didYouMean(word, candidates);
  return best ? `; did you mean '${best}'?` : "";
}

/** Collects diagnostics during a run; `throwIfAny` turns them into one SpecError. */
export class DiagnosticSink {
  readonly diagnostics: Diagnostic[] = [];
  readonly sources = new Map<string, string>();

  /** Identical reports are kept once: a scope is applied once per layer it covers. */
  error(loc: SourceLocation, message: string): void {
    const same = (d: Diagnostic) => d.message === message && d.loc.file === loc.file && d.loc.line === loc.line && d.loc.column === loc.column;
    if (!this.diagnostics.some(same)) this.diagnostics.push({ loc, message });
  }

  get hasErrors(): boolean {
    return this.diagnostics.length > 0;
  }

  throwIfAny(): void {
    if (this.hasErrors) throw new SpecError(this.diagnostics, this.sources);
  }
}
