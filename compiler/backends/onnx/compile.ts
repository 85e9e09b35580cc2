/**
 * IR -> ONNX artifact: the ops the requested outputs need, each lowered by
 * its table entry (ops/index.ts), the three run-contract inputs with dynamic
 * `batch` and `sequence` axes, and one graph output per requested name.
 * The IR is not rewritten here: the passes ran before (compile --opt).
 */
import { inputLimits, type Graph, type Op, type Shape } from "../../ir/types.js";
import { neededOps, resolveOutputs } from "../../passes/graph-utils.js";
import type { OnnxArtifact } from "./artifact.js";
import { OnnxBuilder } from "./builder.js";
import { ONNX_LOWERINGS, type Lowering } from "./ops/index.js";
import { STANDARD_ONLY, type OnnxCompileOptions } from "./options.js";
import { FLOAT, INT32, IR_VERSION, MS_DOMAIN, OPSET, valueInfo, type OnnxDim } from "./proto.js";

const onnxDims = (shape: Shape): OnnxDim[] => shape.map((d) => (d === "B" ? "batch" : d === "L" ? "sequence" : d));

export function compileOnnx(graph: Graph, outputs: readonly string[] = Object.keys(graph.outputs), options: OnnxCompileOptions = STANDARD_ONLY): OnnxArtifact {
  const ids = resolveOutputs(graph, outputs);
  const ops = neededOps(graph.ops, ids);
  const b = new OnnxBuilder(graph, options);
  for (const op of ops) (ONNX_LOWERINGS[op.kind] as Lowering<Op>)(op, b);
  // Graph outputs carry the run contract's names; the IR value keeps its own.
  outputs.forEach((name, i) => b.node("Identity", [ids[i]], [name]));

  const produced = ops.flatMap((op) => op.outputs).filter((id) => graph.values[id]);
  const model = {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: "", version: OPSET }, ...(b.usesContrib ? [{ domain: MS_DOMAIN, version: 1 }] : [])],
    producerName: "convspec",
    graph: {
      name: graph.name,
      docString: `convspec: ${graph.name} (${options.contrib.size === 0 ? "standard ops" : `ORT contrib ops: ${[...options.contrib].join(", ")}`})`,
      node: b.nodes,
      initializer: b.constants,
      input: [
        valueInfo("input_ids", INT32, ["batch", "sequence"]),
        valueInfo("attention_mask", FLOAT, ["batch", "sequence"]),
        valueInfo("token_type_ids", INT32, ["batch", "sequence"]),
      ],
      output: outputs.map((name, i) => valueInfo(name, FLOAT, onnxDims(graph.values[ids[i]].shape))),
      valueInfo: produced.map((id) => valueInfo(id, FLOAT, onnxDims(graph.values[id].shape))),
    },
  };
  return {
    name: graph.name,
    model,
    weights: [...b.weights.values()],
    outputs: Object.fromEntries(outputs.map((name, i) => [name, ids[i]])),
    limits: inputLimits(graph.spec),
    options,
  };
}
