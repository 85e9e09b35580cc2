/**
 * Golden case -> IR graph + weights, the way `convspec run` builds them from
 * a config.json: spec from the config, task heads from the checkpoint.
 */
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { SPEC_FORMAT, type Activation, type ModelSpec } from "../../compiler/spec/model-spec.js";
import type { WeightMap } from "../../runtime/executor.js";
import { readSafetensors, specWithCheckpointHeads, weightsFromSafetensors } from "../../runtime/weights/index.js";
import type { GoldenCase } from "../helpers/golden.js";

/** HF ConvBERT config fields -> ModelSpec (uniform layers), as the reference doc defines the head split. */
export function specFromHfConfig(c: Record<string, unknown>, name: string): ModelSpec {
  const num = (key: string) => c[key] as number;
  const n = Math.max(1, Math.floor(num("num_attention_heads") / num("head_ratio")));
  const activation = c.hidden_act as Activation;
  const block = {
    attentionHeads: n, convHeads: n, headSize: Math.floor(num("hidden_size") / n / 2), convKernelSize: num("conv_kernel_size"),
    maskSpan: false, intermediateSize: num("intermediate_size"), ffnGroups: num("num_groups"), activation,
  };
  return {
    format: SPEC_FORMAT, name, vocabSize: num("vocab_size"), maxPositions: num("max_position_embeddings"),
    typeVocabSize: num("type_vocab_size"), padTokenId: num("pad_token_id"), embeddingSize: num("embedding_size"),
    hiddenSize: num("hidden_size"), layerNormEps: num("layer_norm_eps"), activation,
    layers: Array.from({ length: num("num_hidden_layers") }, () => ({ ...block })),
    heads: { mlm: null, classifier: null, pooler: false },
  };
}

export function goldenModel(golden: GoldenCase): { graph: Graph; weights: WeightMap } {
  const checkpoint = readSafetensors(golden.modelPath);
  const graph = lowerToIR(specWithCheckpointHeads(specFromHfConfig(golden.config, golden.name), checkpoint));
  return { graph, weights: weightsFromSafetensors(graph, checkpoint) };
}
