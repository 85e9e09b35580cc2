/** Which graph outputs the `run` contract writes. */
import type { Graph } from "./types.js";

/** Every graph output except the debug intermediates (`debug.layer<i>.*`). */
export function contractOutputs(graph: Graph): string[] {
  return Object.keys(graph.outputs).filter((name) => !name.startsWith("debug."));
}
