/**
 * What `resolve.ts` hands to `expand.ts`: a model's fields after merging its
 * `extends` chain, each value evaluated in its own file and located. Its own
 * module so that the two stages do not import each other.
 */
import type { SourceLocation } from "../errors.js";
import type { Located, Value } from "./evaluate.js";

export type Fields = Map<string, Located<Value>>;

/** `layers a..b { ... }`: inclusive bounds, applied in (level, source) order. */
export interface RangeOverride {
  from: Located<number>;
  to: Located<number>;
  fields: Fields;
  /** 0 for the file being resolved, -1 for its parent, -2 for a grandparent: a variant's ranges win over its parent's. */
  level: number;
  loc: SourceLocation;
}

/** All fields of a model after merging its `extends` chain; values evaluated in their own file. */
export interface MergedModel {
  name: Located<string>;
  model: Fields;
  /** Block scopes, root ancestor first: a variant's `block { }` applies after its parent's (before any range). */
  blocks: Fields[];
  blockLoc?: SourceLocation;
  ranges: RangeOverride[];
  heads: Fields;
}
