/**
 * Located errors for spec files: `file:line:column: message`, the source line
 * and a caret line under the culprit. A `SpecError` carries every diagnostic of
 * a run (syntax errors are recovered from, semantic checks all run), so one
 * `convspec check` shows all of them; printing stops after a fixed number.
 *
 * Below both `dsl/` and `spec/`: every front-end stage reports through here.
 */
import { distance } from "fastest-levenshtein";
import { UserError, type SourceLocation } from "./errors.js";

/** A second place that explains a diagnostic (the child's line behind a parent's error). */
export interface RelatedLocation {
  loc: SourceLocation;
  message: string;
}

export interface Diagnostic {
  loc: SourceLocation;
  message: string;
  related?: readonly RelatedLocation[];
}

/** The start of the notice a parse gives when it stops after too many syntax errors. */
export const STOPPED_READING = "stopped reading after";

/** More diagnostics than this are counted, not printed: a 100,000-line file of mistakes is one mistake repeated. */
export const MAX_PRINTED_DIAGNOSTICS = 50;

export class SpecError extends UserError {
  readonly diagnostics: readonly Diagnostic[];
  /** Text of every file a diagnostic points into, to print the source lines. */
  readonly sources: ReadonlyMap<string, string>;
  /** file -> where a child spec `extends` it, to print the "required by" chain of a parent's error. */
  readonly extendedBy: ReadonlyMap<string, SourceLocation>;

  constructor(diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, string> = new Map(), extendedBy: ReadonlyMap<string, SourceLocation> = new Map()) {
    const first = diagnostics[0];
    super(first ? `${locationText(first.loc)}: ${first.message}` : "invalid spec");
    this.name = "SpecError";
    this.diagnostics = diagnostics;
    this.sources = sources;
    this.extendedBy = extendedBy;
  }

  override format(limit = MAX_PRINTED_DIAGNOSTICS): string {
    const lines = new SourceLines(this.sources);
    const shown = this.diagnostics.slice(0, limit);
    const parts = shown.map((d) => formatDiagnostic(d, lines, this.extendedBy));
    const count = this.diagnostics.length;
    if (count > shown.length) {
      // A parse that stopped early says so even when its notice is among the hidden ones.
      const stopped = this.diagnostics.slice(limit).find((d) => d.message.startsWith(STOPPED_READING));
      parts.push(`... and ${count - shown.length} more${stopped ? ` (${stopped.message})` : ""}`);
    }
    if (count > 1) parts.push(`${count} errors`);
    return parts.join("\n");
  }
}

export function locationText(loc: SourceLocation): string {
  return `${printable(loc.file)}:${loc.line}:${loc.column}`;
}

/** The lines of each source file, split once (not once per diagnostic). */
export class SourceLines {
  private readonly split = new Map<string, string[]>();
  constructor(private readonly sources: ReadonlyMap<string, string>) {}

  line(file: string, line: number): string | undefined {
    let lines = this.split.get(file);
    if (!lines) {
      const text = this.sources.get(file);
      if (text === undefined) return undefined;
      lines = text.split(/\r?\n/);
      this.split.set(file, lines);
    }
    return lines[line - 1];
  }
}

/** `file:line:col: error: message`, the source line and a caret; then related lines and the extends chain. */
export function formatDiagnostic(d: Diagnostic, lines: SourceLines, extendedBy: ReadonlyMap<string, SourceLocation> = new Map()): string {
  const out = [`${locationText(d.loc)}: error: ${printable(d.message)}`, ...sourceExcerpt(d.loc, lines)];
  for (const r of d.related ?? []) out.push(`${locationText(r.loc)}: note: ${printable(r.message)}`, ...sourceExcerpt(r.loc, lines));
  const seen = new Set<string>();
  for (let at = extendedBy.get(d.loc.file); at && !seen.has(at.file); at = extendedBy.get(at.file)) {
    seen.add(at.file);
    out.push(`  required by ${locationText(at)}${excerptText(at, lines)}`);
  }
  return out.join("\n");
}

/** The source line with a caret line under `loc`; nothing when the line is unknown. Control characters are escaped. */
function sourceExcerpt(loc: SourceLocation, lines: SourceLines): string[] {
  const full = lines.line(loc.file, loc.line);
  if (full === undefined) return [];
  const { raw, shift } = window(full, loc.column);
  loc = { ...loc, column: loc.column - shift };
  const before = printable(raw.slice(0, loc.column - 1));
  const culprit = printable(raw.slice(loc.column - 1, loc.column - 1 + Math.max(1, loc.length ?? 1)));
  const line = printable(raw);
  const gutter = `${loc.line} | `;
  const caretWidth = Math.max(1, Math.min(culprit.length, line.length - before.length));
  const caret = " ".repeat(gutter.length - 2) + "| " + before.replace(/[^\t]/g, " ") + "^".repeat(caretWidth);
  return [`${gutter}${line}`, caret];
}

/** Lines longer than this are shown around the culprit only. */
const EXCERPT_WIDTH = 120;

/** A long line cut to EXCERPT_WIDTH characters around `column`; `shift`: characters cut from the start (replaced by "..."). */
function window(line: string, column: number): { raw: string; shift: number } {
  if (line.length <= EXCERPT_WIDTH) return { raw: line, shift: 0 };
  const start = Math.max(0, Math.min(column - 1 - EXCERPT_WIDTH / 2, line.length - EXCERPT_WIDTH));
  const body = line.slice(start, start + EXCERPT_WIDTH);
  const head = start > 0 ? "..." : "";
  const tail = start + EXCERPT_WIDTH < line.length ? "..." : "";
  return { raw: head + body + tail, shift: start - head.length };
}

/** `: <the trimmed source line>` for a one-line reference. */
function excerptText(loc: SourceLocation, lines: SourceLines): string {
  const raw = lines.line(loc.file, loc.line);
  return raw === undefined ? "" : `: ${printable(window(raw.trim(), 1).raw)}`;
}

/**
 * `text` safe to print on a terminal: control characters (ANSI escapes
 * included), DEL, C1 controls and bidirectional overrides become `\xNN` /
 * `\u{NNNN}`; tabs are kept. Use it for any user text echoed by a command.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u{${code.toString(16)}}`;
  });
}

/** `printable` line by line: keeps the line breaks of a multi-line message. */
export function printableLines(text: string): string {
  return text.split("\n").map(printable).join("\n");
}

/** Start offsets of the lines of the last text asked about: locating many offsets of one text stays linear. */
let lastText: string | undefined;
let lastLineStarts: number[] = [];

function lineStarts(text: string): number[] {
  if (text !== lastText) {
    const starts = [0];
    for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) starts.push(i + 1);
    lastText = text;
    lastLineStarts = starts;
  }
  return lastLineStarts;
}

/** 1-based line and column of a character offset. */
export function offsetToLocation(text: string, offset: number, file: string, length = 1): SourceLocation {
  const starts = lineStarts(text);
  const at = Math.max(0, Math.min(offset, text.length));
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= at) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - starts[lo] + 1, length };
}

/** The closest candidate within 1 edit for words up to 3 letters, 2 up to 6, else 3; if any. */
export function didYouMean(word: string, candidates: Iterable<string>): string | undefined {
  const limit = word.length <= 3 ? 1 : word.length <= 6 ? 2 : 3;
  let best: string | undefined;
  let bestDistance = Infinity;
  const letters = (w: string) => [...w.toLowerCase()].sort().join("");
  const lower = word.toLowerCase();
  const wordLetters = letters(word);
  for (const candidate of candidates) {
    // A swap of two letters (tide -> tied) counts 2 edits: prefer anagrams among equals.
    const d = distance(lower, candidate.toLowerCase()) - (wordLetters === letters(candidate) ? 0.5 : 0);
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
  /** Parent file -> the `extends` string in its child that pulled it in. */
  readonly extendedBy = new Map<string, SourceLocation>();
  private readonly seen = new Set<string>();

  /** Identical reports are kept once: a scope is applied once per layer it covers. */
  error(loc: SourceLocation, message: string, related?: readonly RelatedLocation[]): void {
    const key = `${loc.file}\0${loc.line}\0${loc.column}\0${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.diagnostics.push(related && related.length > 0 ? { loc, message, related } : { loc, message });
  }

  get hasErrors(): boolean {
    return this.diagnostics.length > 0;
  }

  /** Throws every diagnostic, in file order: each file in the order it was first reported in, then by line and column. */
  throwIfAny(): void {
    if (!this.hasErrors) return;
    const fileRank = new Map<string, number>();
    for (const d of this.diagnostics) if (!fileRank.has(d.loc.file)) fileRank.set(d.loc.file, fileRank.size);
    const sorted = [...this.diagnostics].sort((a, b) => fileRank.get(a.loc.file)! - fileRank.get(b.loc.file)! || a.loc.line - b.loc.line || a.loc.column - b.loc.column);
    throw new SpecError(sorted, this.sources, this.extendedBy);
  }
}
