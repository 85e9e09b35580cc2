/**
 * A Hugging Face config.json does not say which task heads a checkpoint has;
 * its weights do. `generator_predictions.*` -> masked LM (tied unless
 * `generator_lm_head.weight` is present), `classifier.*` -> sequence
 * classification with as many labels as `classifier.out_proj.weight` has rows.
 */
import type { ModelSpec } from "../../compiler/spec/model-spec.js";

/** What the heads are read from: a loaded checkpoint or only its header. */
export interface CheckpointTensorShapes {
  tensors: ReadonlyMap<string, { shape: readonly number[] }>;
}

export function specWithCheckpointHeads(spec: ModelSpec, checkpoint: CheckpointTensorShapes): ModelSpec {
  const has = (key: string) => checkpoint.tensors.has(key) || checkpoint.tensors.has(`convbert.${key}`);
  const outProj = checkpoint.tensors.get("classifier.out_proj.weight") ?? checkpoint.tensors.get("convbert.classifier.out_proj.weight");
  return {
    ...spec,
    heads: {
      ...spec.heads,
      mlm: has("generator_predictions.dense.weight") ? { tied: !has("generator_lm_head.weight") } : null,
      classifier: outProj ? { numLabels: outProj.shape[0] } : null,
    },
  };
}
