/**
 * Maps a Hugging Face ConvBERT state dict onto the IR's parameters.
 *
 * IR keys are HF keys without the `convbert.` prefix; checkpoints carry the
 * prefix (task models) or not (bare ConvBertModel), so both are accepted.
 * Shapes must equal the IR's exactly: a mismatch means the spec and the
 * checkpoint describe different models, and that is the user's to fix.
 * A tied LM head has no IR parameter (its linear reads the word embeddings),
 * so a checkpoint's copy of `generator_lm_head.weight` is simply unused.
 */
import { UserError } from "../../compiler/errors.js";
import type { Graph, Param } from "../../compiler/ir/types.js";
import type { HostTensor, WeightMap } from "../executor.js";
import { checkFinite } from "./finite.js";
import { readSafetensors, type SafetensorsFile } from "./safetensors.js";

const BASE_PREFIX = "convbert.";

export function loadWeights(graph: Graph, file: string, options: LoadWeightsOptions = {}): WeightMap {
  return weightsFromSafetensors(graph, readSafetensors(file), options);
}

export interface LoadWeightsOptions {
  /** Accept NaN and ±Inf in weights (refused by default, naming the tensor). */
  allowNonFinite?: boolean;
}

export function weightsFromSafetensors(graph: Graph, checkpoint: SafetensorsFile, options: LoadWeightsOptions = {}): WeightMap {
  const weights: WeightMap = new Map();
  for (const param of graph.params) {
    const found = findTensor(checkpoint, param.key);
    if (!found) throw missing(checkpoint, param);
    weights.set(param.key, checkShape(checkpoint.path, found.name, param, found.tensor));
    if (!options.allowNonFinite) checkFinite(checkpoint.path, found.name, found.tensor.shape, found.tensor.data);
  }
  return weights;
}

/** Names of checkpoint tensors (prefix stripped) that no IR parameter uses: for a warning, not an error. */
export function unusedCheckpointKeys(graph: Graph, checkpoint: SafetensorsFile): string[] {
  const used = new Set(graph.params.map((p) => p.key));
  return [...checkpoint.tensors.keys()].map(stripPrefix).filter((k) => !used.has(k));
}

export function stripPrefix(name: string): string {
  return name.startsWith(BASE_PREFIX) ? name.slice(BASE_PREFIX.length) : name;
}

function findTensor(checkpoint: SafetensorsFile, key: string): { name: string; tensor: HostTensor } | undefined {
  for (const name of [key, BASE_PREFIX + key]) {
    const tensor = checkpoint.tensors.get(name);
    if (tensor) return { name, tensor };
    const other = checkpoint.unsupported.get(name);
    if (other) {
      throw new UserError(`${checkpoint.path}: tensor '${name}' has dtype ${other.dtype}; convspec reads F32, F16 or BF16 weights`);
    }
  }
  return undefined;
}

function checkShape(path: string, name: string, param: Param, tensor: HostTensor): HostTensor {
  const same = tensor.shape.length === param.shape.length && tensor.shape.every((d, i) => d === param.shape[i]);
  if (!same) {
    throw new UserError(
      `${path}: tensor '${name}' has shape [${tensor.shape.join(", ")}] but the spec expects [${param.shape.join(", ")}] for '${param.key}'`,
    );
  }
  return { shape: [...param.shape], data: tensor.data };
}

function missing(checkpoint: SafetensorsFile, param: Param): UserError {
  return new UserError(
    `${checkpoint.path}: missing tensor '${param.key}' (looked for '${param.key}' and '${BASE_PREFIX}${param.key}'); ` +
      `the spec expects shape [${param.shape.join(", ")}]`,
  );
}
