/**
 * The ONNX target: `--backend` picks the operator set (`standard`, or `ort`
 * for ONNX Runtime's contrib ops; options.ts). Writing the model needs the
 * weights (initializers), so its writer is runtime/onnx's `writeOnnx`,
 * registered in runtime/targets.ts.
 */
import type { CompilerTarget } from "../target.js";
import { compileOnnx } from "./compile.js";
import { DEFAULT_ONNX_OPS, parseOnnxOps } from "./options.js";
import { printOnnx } from "./print.js";

export const onnxTarget: CompilerTarget<"onnx"> = {
  name: "onnx",
  summary: "an ONNX model (opset 17, dynamic batch and sequence) for any ONNX runtime; runs on onnxruntime-node",
  backends: ["standard", "ort"],
  compile: (graph, outputs, options) => compileOnnx(graph, outputs, parseOnnxOps(options.backend ?? DEFAULT_ONNX_OPS)),
  print: printOnnx,
};
