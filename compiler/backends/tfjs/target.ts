/** The TensorFlow.js target: an ordered plan of tfjs op steps (runtime/tfjs runs it). */
import type { CompilerTarget } from "../target.js";
import { buildTfjsPlan, TFJS_BACKENDS, type TfjsBackendName } from "./plan.js";
import { printTfjsPlan } from "./print.js";

export const tfjsTarget: CompilerTarget<"tfjs"> = {
  name: "tfjs",
  summary: "TensorFlow.js ops (tensorflow/CUDA when installed, else webgpu on a GPU adapter, else wasm, else cpu)",
  backends: TFJS_BACKENDS,
  compile: (graph, outputs, options) => buildTfjsPlan(graph, outputs, options.backend as TfjsBackendName | undefined, options.lowering),
  print: printTfjsPlan,
};
