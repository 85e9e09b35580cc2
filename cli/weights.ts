/**
 * Where a command's weights come from: a safetensors checkpoint (`--weights`,
 * HF names; a sharded `*.index.json` too) or seeded random weights (`--seed`).
 * Shared by `run` and `compile` (whose ONNX file holds the weights).
 */
import { isHfConfig } from "../compiler/spec/hf-config.js";
import { FILE_KINDS, readRegularText } from "../compiler/io/read-file.js";
import type { Graph } from "../compiler/ir/types.js";
import type { WeightMap } from "../runtime/executor.js";
import { UserError } from "../compiler/errors.js";
import { randomWeights, readSafetensors, unusedCheckpointKeys, weightsFromSafetensors, type SafetensorsFile } from "../runtime/weights/index.js";

export interface WeightsRequest {
  /** The checkpoint path, or undefined for seeded random weights. */
  weights?: string;
  seed: number;
  allowNonFinite?: boolean;
}

export interface LoadedWeights {
  weights: WeightMap;
  /** Where they came from, for the user: "checkpoint w.safetensors" or "seeded random weights (seed 0): no --weights given". */
  source: string;
  /** Checkpoint tensors this model does not read. */
  unused: string[];
}

export function loadModelWeights(graph: Graph, request: WeightsRequest): LoadedWeights {
  if (request.weights === undefined) {
    return { weights: randomWeights(graph, request.seed), source: `seeded random weights (seed ${request.seed}): no --weights given`, unused: [] };
  }
  const checkpoint: SafetensorsFile = readSafetensors(request.weights);
  return {
    weights: weightsFromSafetensors(graph, checkpoint, { allowNonFinite: request.allowNonFinite ?? false }),
    source: `checkpoint ${request.weights}`,
    unused: unusedCheckpointKeys(graph, checkpoint),
  };
}

/** Whether `path` is a Hugging Face config.json (its task heads then come from the checkpoint's keys). */
export function isConfigJson(path: string): boolean {
  if (!path.endsWith(".json")) return false;
  try {
    return isHfConfig(JSON.parse(readRegularText(path, FILE_KINDS.json)));
  } catch {
    return false; // loadSpec already read it; a parse error would have been reported there
  }
}

/** `--seed`: an integer. */
export function parseSeed(text: string): number {
  const seed = Number(text);
  if (!Number.isInteger(seed)) throw new UserError(`--seed must be an integer, got '${text}'`);
  return seed;
}
