/**
 * The syntax tree of one `.convspec` file. Every node keeps where it came
 * from, so that each later error (and each resolved ModelSpec field) can point
 * at the text that caused it.
 */
import type { SourceLocation } from "../errors.js";

export type Expr =
  /** `image`: the literal as written (absent for the NaN placeholder that error recovery leaves). */
  | { kind: "number"; value: number; image?: string; loc: SourceLocation }
  | { kind: "string"; value: string; loc: SourceLocation }
  /** A keyword used as a value: true/false, tied/untied/none, an activation name. */
  | { kind: "word"; value: string; loc: SourceLocation }
  | { kind: "ref"; name: string; loc: SourceLocation }
  | { kind: "negate"; operand: Expr; loc: SourceLocation }
  | { kind: "binary"; op: "+" | "-" | "*" | "/"; left: Expr; right: Expr; loc: SourceLocation };

/** `name value`. `known` is false for a field the grammar does not have (did-you-mean later). */
export interface Setting {
  name: string;
  nameLoc: SourceLocation;
  /** Absent for an unknown field with a `{ ... }` body. */
  value?: Expr;
  known: boolean;
}

export interface LetDecl {
  name: string;
  nameLoc: SourceLocation;
  value: Expr;
}

/** The fields of a block, or of a layer-range override (same syntax). `ffn { ... }` fields are prefixed `ffn.`. */
export interface BlockBody {
  settings: Setting[];
  loc: SourceLocation;
}

/** `layers 12` (count), or `layers 0..5 { ... }` / `layers 3 { ... }` (override, inclusive range). */
export interface LayersItem {
  from: Expr;
  to?: Expr;
  body?: BlockBody;
  loc: SourceLocation;
}

export interface ModelDecl {
  name: string;
  nameLoc: SourceLocation;
  parent?: { path: string; loc: SourceLocation };
  /** Model-level fields (vocab, hidden, ...) and unknown fields, in source order. */
  settings: Setting[];
  blocks: BlockBody[];
  layers: LayersItem[];
  /** Task heads (`heads { ... }`), in source order. */
  heads: Setting[];
  lets: LetDecl[];
  loc: SourceLocation;
}

export interface FileAst {
  file: string;
  lets: LetDecl[];
  models: ModelDecl[];
}
