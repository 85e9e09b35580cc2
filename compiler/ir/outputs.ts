/** Which graph outputs the `run` contract writes, and output names resolved to values. */
import { didYouMean } from "../diagnostics.js";
import { UserError } from "../errors.js";
import type { Graph } from "./types.js";

/** Every graph output except the debug intermediates (`debug.layer<i>.*`). */
export function contractOutputs(graph: Graph): string[] {
  return Object.keys(graph.outputs).filter((name) => !name.startsWith("debug."));
}

/** Value ids of the requested output names; an unknown name is the user's mistake. */
export function resolveOutputs(graph: Graph, names: readonly string[]): string[] {
  return names.map((name) => {
    const id = Object.hasOwn(graph.outputs, name) ? graph.outputs[name] : undefined;
    if (id !== undefined) return id;
    const available = Object.keys(graph.outputs);
    const closest = didYouMean(name, available);
    const hint = closest ? ` (did you mean '${closest}'?)` : "";
    throw new UserError(`model '${graph.name}' has no output '${name}'${hint}; it has: ${describeOutputNames(available)}`);
  });
}

/** `hidden_states.0..2, last_hidden_state, mlm_logits, and debug.layer<i>.* taps`: runs of numbered names folded. */
export function describeOutputNames(names: readonly string[]): string {
  const hidden = names.filter((n) => /^hidden_states\.\d+$/.test(n));
  const shown = names.filter((n) => !n.startsWith("debug.") && !hidden.includes(n));
  if (hidden.length > 0) shown.unshift(hidden.length === 1 ? hidden[0] : `hidden_states.0..${hidden.length - 1}`);
  if (names.some((n) => n.startsWith("debug."))) shown.push("debug.layer<i>.* taps");
  return shown.join(", ");
}

