/**
 * ONNX's protobuf schema, from `onnx-proto` (protobufjs static code generated
 * from onnx.proto, IR version 8): every message this backend builds or
 * encodes goes through it, never through hand-written wire encoding.
 * The package is CommonJS with a namespace-only typing, so it is required.
 */
import { createRequire } from "node:module";
import type * as OnnxProtoModule from "onnx-proto";

let schema: typeof OnnxProtoModule.onnx | null = null;

/** The generated schema, loaded on first use: protobufjs costs every other command's start ~0.1 s. */
export function onnxSchema(): typeof OnnxProtoModule.onnx {
  schema ??= (createRequire(import.meta.url)("onnx-proto") as typeof OnnxProtoModule).onnx;
  return schema;
}
export type { onnx as OnnxTypes } from "onnx-proto";

/** The ONNX IR version of files we write: 8 is what opset 17 needs, and the newest this schema knows. */
export const IR_VERSION = 8;
/** Standard-domain opset: 17 brings LayerNormalization. */
export const OPSET = 17;
export const MS_DOMAIN = "com.microsoft";

export const FLOAT = 1; // onnx.TensorProto.DataType.FLOAT
export const INT32 = 6;
export const INT64 = 7;
export const BOOL = 9;

/** A node attribute, tagged so an int is never mistaken for a float. */
export type Attribute =
  | { kind: "int"; value: number }
  | { kind: "float"; value: number }
  | { kind: "ints"; value: readonly number[] }
  | { kind: "string"; value: string };

export const attr = {
  int: (value: number): Attribute => ({ kind: "int", value }),
  float: (value: number): Attribute => ({ kind: "float", value }),
  ints: (value: readonly number[]): Attribute => ({ kind: "ints", value }),
  string: (value: string): Attribute => ({ kind: "string", value }),
};

export function attributeProto(name: string, a: Attribute): OnnxProtoModule.onnx.IAttributeProto {
  const T = onnxSchema().AttributeProto.AttributeType;
  switch (a.kind) {
    case "int":
      return { name, type: T.INT, i: a.value };
    case "float":
      return { name, type: T.FLOAT, f: a.value };
    case "ints":
      return { name, type: T.INTS, ints: [...a.value] };
    case "string":
      return { name, type: T.STRING, s: new TextEncoder().encode(a.value) };
  }
}

/** A symbolic or fixed dimension: `batch` and `sequence` are the dynamic axes. */
export type OnnxDim = number | "batch" | "sequence";

export function valueInfo(name: string, elemType: number, dims: readonly OnnxDim[]): OnnxProtoModule.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: dims.map((d) => (typeof d === "number" ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}
