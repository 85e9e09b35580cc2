/** The ONNX lowering table: every IR op kind -> the nodes computing it. */
import { activation } from "./activation.js";
import { attention } from "./attention.js";
import { depthwiseConv } from "./depthwise-conv.js";
import { dynamicConv } from "./dynamic-conv.js";
import { add, mul } from "./elementwise.js";
import { gather, positions } from "./embedding.js";
import { linear } from "./linear.js";
import { addLayerNorm, layerNorm } from "./norm.js";
import { concat, slice, takeFirst } from "./structural.js";
import type { LoweringTable } from "./types.js";

export const ONNX_LOWERINGS: LoweringTable = {
  gather,
  positions,
  add,
  mul,
  layer_norm: layerNorm,
  add_layer_norm: addLayerNorm,
  linear,
  activation,
  slice,
  concat,
  depthwise_conv: depthwiseConv,
  attention,
  dynamic_conv: dynamicConv,
  take_first: takeFirst,
};

export type { Lowering, LoweringTable } from "./types.js";
