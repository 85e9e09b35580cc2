/** `activation`: a standalone activation (fold-activation moves most into the linear). */
import type { ActivationOp } from "../../../ir/types.js";
import { activate } from "./activation-fn.js";
import type { Lowering } from "./types.js";

export const activation: Lowering<ActivationOp> = (op, b) => {
  activate(b, op.fn, op.inputs[0], op.outputs[0]);
};
