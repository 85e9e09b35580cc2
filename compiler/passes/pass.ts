/** What every optimisation pass is: a named, documented Graph -> Graph rewrite. */
import type { Graph } from "../ir/types.js";

export interface PassContext {
  /** Output names the caller will read (e.g. `last_hidden_state`, `mlm_logits`). */
  requestedOutputs: readonly string[];
}

export interface Pass {
  /** Used on the command line: `--opt dce,fuse-projections`. */
  name: string;
  /** One line for `--help` and the debug dump. */
  summary: string;
  /** Returns a new graph; never mutates its argument. */
  run(graph: Graph, ctx: PassContext): Graph;
}
