/**
 * The ONNX target in the registry's shape (compiler/backends/target.ts):
 * `--backend` picks the operator set (`standard`, or `ort` for ONNX Runtime's
 * contrib ops; options.ts). Registering it takes `onnx: OnnxArtifact` in
 * `Artifacts`, this object in COMPILER_TARGETS and `createOnnxExecutor` in
 * runtime/targets.ts. Writing needs the weights (`writeOnnx` in runtime/onnx),
 * which `CompilerTarget.write` does not receive.
 */
import type { Graph } from "../../ir/types.js";
import type { TargetOptions } from "../target.js";
import type { OnnxArtifact } from "./artifact.js";
import { compileOnnx } from "./compile.js";
import { DEFAULT_ONNX_OPS, parseOnnxOps } from "./options.js";
import { printOnnx } from "./print.js";

export const onnxTarget = {
  name: "onnx" as const,
  summary: "an ONNX model (opset 17, dynamic batch and sequence) for any ONNX runtime; runs on onnxruntime-node",
  backends: ["standard", "ort"] as readonly string[],
  compile: (graph: Graph, outputs: readonly string[], options: TargetOptions): OnnxArtifact => compileOnnx(graph, outputs, parseOnnxOps(options.backend ?? DEFAULT_ONNX_OPS)),
  print: printOnnx,
};
