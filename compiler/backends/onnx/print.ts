/** The ONNX artifact as text: opsets, inputs, outputs, one line per node, the weight initializers. */
import type { OnnxArtifact } from "./artifact.js";
import { weightBytes } from "./artifact.js";
import { onnxSchema, type OnnxTypes } from "./proto.js";

export function printOnnx(artifact: OnnxArtifact): string {
  const graph = artifact.model.graph ?? {};
  const opsets = (artifact.model.opsetImport ?? []).map((o) => `${o.domain || "ai.onnx"} ${o.version}`).join(", ");
  const lines = [
    `onnx model '${artifact.name}' (IR ${artifact.model.irVersion}; opsets: ${opsets})`,
    ...(graph.input ?? []).map((v) => `input  ${describeValue(v)}`),
    ...(graph.output ?? []).map((v) => `output ${describeValue(v)}`),
    "",
    ...(graph.node ?? []).map(describeNode),
    "",
    `${artifact.weights.length} weight initializers, ${(weightBytes(artifact) / 2 ** 20).toFixed(1)} MiB:`,
    ...artifact.weights.map((w) => `  ${w.name} [${w.dims.join(", ")}] <- ${describeSource(w.source)}`),
  ];
  return lines.join("\n");
}

function describeValue(v: OnnxTypes.IValueInfoProto): string {
  const t = v.type?.tensorType;
  const dims = (t?.shape?.dim ?? []).map((d) => d.dimParam || String(d.dimValue));
  return `${v.name}: ${onnxSchema().TensorProto.DataType[t?.elemType ?? 0].toLowerCase()}[${dims.join(", ")}]`;
}

function describeNode(node: OnnxTypes.INodeProto): string {
  const op = node.domain ? `${node.domain}.${node.opType}` : node.opType;
  const attributes = (node.attribute ?? []).map((a) => `${a.name}=${attributeValue(a)}`);
  const args = (node.input ?? []).map((i) => i || "<none>").join(", ");
  return `${(node.output ?? []).join(", ")} = ${op}(${args})${attributes.length ? ` {${attributes.join(", ")}}` : ""}`;
}

function attributeValue(a: OnnxTypes.IAttributeProto): string {
  const T = onnxSchema().AttributeProto.AttributeType;
  switch (a.type) {
    case T.INT:
      return String(a.i);
    case T.FLOAT:
      return String(a.f);
    case T.INTS:
      return `[${(a.ints ?? []).join(",")}]`;
    case T.STRING:
      return JSON.stringify(new TextDecoder().decode(a.s ?? new Uint8Array()));
    default:
      return "?";
  }
}

function describeSource(source: OnnxArtifact["weights"][number]["source"]): string {
  switch (source.kind) {
    case "as_is":
      return source.key;
    case "linear_kernel":
      return `${source.groups === 1 ? "stack" : "grouped"}(${source.keys.join(" | ")})`;
    case "linear_bias":
      return `concat(${source.keys.map((k) => k ?? "zeros").join(" | ")})`;
  }
}
