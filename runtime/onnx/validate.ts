/**
 * Export validation: ONNX Runtime loads the written file (graph resolution
 * runs ONNX's type and shape inference over every node, and each node must
 * find a kernel). There is no maintained JavaScript port of `onnx.checker`,
 * so a session load is the check.
 */
import { createOrtSession } from "./session.js";

export async function validateOnnxFile(path: string): Promise<void> {
  // Only loading and resolving is checked: no graph optimisation, no weight prepacking (3x faster on conv-bert-base).
  const session = await createOrtSession(path, { optimization: "disabled", threads: 1, prepack: false });
  await session.release();
}
