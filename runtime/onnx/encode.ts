/**
 * Artifact + weights -> ONNX bytes. Weight initializers carry raw
 * little-endian float32 data; when they would push the model past
 * protobuf's 2 GiB message limit (or when asked), they go to an external data
 * file instead and the model records each tensor's location, offset and length.
 */
import { endianness } from "node:os";
import { onnxSchema, weightBytes, type InitializerLayout, type OnnxArtifact, type OnnxTypes } from "../../compiler/backends/onnx/index.js";
import { UserError } from "../../compiler/errors.js";
import type { WeightMap } from "../executor.js";
import { initializerData } from "./initializers.js";

const FLOAT = onnxSchema().TensorProto.DataType.FLOAT;

/** Protobuf messages are limited to 2 GiB; keep a margin for the graph itself. */
export const EMBEDDED_WEIGHTS_LIMIT = 2 ** 31 - 64 * 2 ** 20;
/** Offsets of external tensors are aligned to this (ORT may map the file). */
const EXTERNAL_ALIGNMENT = 4096;

export type ExternalDataMode = "auto" | "always" | "never";

export interface EncodedOnnx {
  model: Uint8Array;
  /** Set when the weights live outside the model: the file name the model refers to, and its chunks in order. */
  external: { location: string; chunks: Uint8Array[]; bytes: number } | null;
}

/** Whether `mode` puts this artifact's weights in an external file. */
export function usesExternalData(artifact: OnnxArtifact, mode: ExternalDataMode): boolean {
  if (mode === "always") return true;
  const tooBig = weightBytes(artifact) > EMBEDDED_WEIGHTS_LIMIT;
  if (mode === "never" && tooBig) throw new UserError(`model '${artifact.name}' has ${weightBytes(artifact)} bytes of weights: over protobuf's 2 GiB limit, they need an external data file`);
  return tooBig;
}

/** `externalLocation`: the data file's name relative to the model file, when the weights go outside. */
export function encodeOnnx(artifact: OnnxArtifact, weights: WeightMap, externalLocation: string | null): EncodedOnnx {
  if (endianness() !== "LE") throw new Error("onnx: raw tensor data is little-endian; this host is not");
  const chunks: Uint8Array[] = [];
  let offset = 0;
  const initializers = artifact.weights.map((layout): OnnxTypes.ITensorProto => {
    const bytes = asBytes(checkedData(layout, weights));
    if (externalLocation === null) return { name: layout.name, dims: layout.dims, dataType: FLOAT, rawData: bytes };
    const padding = (EXTERNAL_ALIGNMENT - (offset % EXTERNAL_ALIGNMENT)) % EXTERNAL_ALIGNMENT;
    if (padding > 0) chunks.push(new Uint8Array(padding));
    offset += padding;
    chunks.push(bytes);
    const entry = {
      name: layout.name,
      dims: layout.dims,
      dataType: FLOAT,
      dataLocation: onnxSchema().TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: "location", value: externalLocation },
        { key: "offset", value: String(offset) },
        { key: "length", value: String(bytes.byteLength) },
      ],
    };
    offset += bytes.byteLength;
    return entry;
  });
  const graph = { ...artifact.model.graph, initializer: [...(artifact.model.graph?.initializer ?? []), ...initializers] };
  const model = onnxSchema().ModelProto.encode({ ...artifact.model, graph }).finish();
  return { model, external: externalLocation === null ? null : { location: externalLocation, chunks, bytes: offset } };
}

function checkedData(layout: InitializerLayout, weights: WeightMap): Float32Array {
  const data = initializerData(layout, weights);
  const expected = layout.dims.reduce((a, b) => a * b, 1);
  if (data.length !== expected) {
    throw new UserError(`weight for ONNX initializer '${layout.name}' has ${data.length} values; its shape [${layout.dims}] needs ${expected}`);
  }
  return data;
}

const asBytes = (data: Float32Array): Uint8Array => new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
