/** The op table of the tfjs executor: every IR op kind -> its tfjs implementation (a missing kind is a compile error). */
import { activation } from "./activation.js";
import { attention } from "./attention.js";
import { linear } from "./linear.js";
import { addLayerNorm, layerNorm } from "./norm.js";
import { depthwiseConv, dynamicConv } from "./span-conv.js";
import { add, concat, gather, mul, positions, slice, takeFirst } from "./structural.js";
import type { OpTable } from "./types.js";

export const TFJS_OPS: OpTable = {
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

export { applyActivation } from "./activation.js";
export type { OpLowering, OpTable, StepContext } from "./types.js";
