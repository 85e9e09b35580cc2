/**
 * `add_layer_norm`: the LayerNorm kernel over its terms, or, when a
 * projection is one of the terms, the matmul + LayerNorm kernel.
 */
import type { AddLayerNormOp } from "../../../ir/types.js";
import type { OpLowering } from "../context.js";
import { rowsOf } from "../views.js";
import { dispatchNorm, operand } from "./layer-norm.js";
import { lowerMatmulNorm } from "./matmul-norm.js";

/** The sum's terms become the kernel's operands: a gather reads its table row by id, positions by row % L. */
export const addLayerNormLowering: OpLowering<AddLayerNormOp> = {
  writesView: () => true,
  lower(op, ctx) {
    if (op.terms.some((t) => t.kind === "linear")) return lowerMatmulNorm(op, ctx);
    const rows = rowsOf(ctx.shape(op.outputs[0]));
    dispatchNorm(ctx, op, op.terms.map((t) => operand(ctx, op, t, rows)));
  },
};

