/** HF import by model_type: BERT and ELECTRA as attention-only specs with their own heads; defaults named; the rest refused. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpecFromTextWithNotes, loadSpecWithNotes } from "../../compiler/load.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";
import { diagnosticsOf, goldenDir, repoRoot } from "./helpers.js";
import { readFileSync } from "node:fs";

const fixtures = resolve(repoRoot, "test/frontend/fixtures");
const paramCounts = JSON.parse(readFileSync(resolve(goldenDir, "param-counts.json"), "utf8")).models as Record<string, { total: number }>;

/** Backbone parameters: everything but the MLM and classification heads (the pooler counts), as param-counts.json counts them. */
function backbone(spec: ModelSpec): number {
  return lowerToIR(spec)
    .params.filter((p) => p.part !== "mlm_head" && p.part !== "cls_head")
    .reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
}

function importJson(config: Record<string, unknown>) {
  const loaded = loadSpecFromTextWithNotes(JSON.stringify(config, null, 2), "config.json");
  return { spec: loaded.spec, notes: loaded.notes.map((n) => `${n.loc.line}:${n.loc.column}: ${n.message}`) };
}

describe("BERT configs", () => {
  it("bert-base-uncased: 12 attention heads of 64, the pooler kept, 109,482,240 backbone parameters", async () => {
    const { spec, notes } = await loadSpecWithNotes(resolve(fixtures, "bert-base-uncased/config.json"));
    expect(spec.layers).toHaveLength(12);
    expect(spec.layers[0]).toEqual({ attentionHeads: 12, convHeads: 0, headSize: 64, convKernelSize: 9, maskSpan: false, intermediateSize: 3072, ffnGroups: 1, activation: "gelu" });
    expect(spec).toMatchObject({ name: "bert-base-uncased", vocabSize: 30522, embeddingSize: 768, hiddenSize: 768, padTokenId: 0, activation: "gelu" });
    expect(spec.heads).toEqual({ mlm: { tied: true }, classifier: null, pooler: true });
    expect(backbone(spec)).toBe(paramCounts["bert-base-uncased"].total);
    expect(backbone(spec)).toBe(109_482_240);
    expect(notes.map((n) => n.message)).toEqual([
      "BertForMaskedLM builds no pooler; the BertModel pooler is kept (bert-base checkpoints carry its weights): `heads { pooler false }` drops it",
      "not set in the config, so BertConfig's defaults apply: tie_word_embeddings true",
    ]);
  });

  it("a config with only model_type takes BertConfig's defaults and says which", () => {
    const { spec, notes } = importJson({ model_type: "bert" });
    expect(spec).toMatchObject({ hiddenSize: 768, embeddingSize: 768, vocabSize: 30522, padTokenId: 0 });
    expect(spec.layers[0]).toMatchObject({ attentionHeads: 12, convHeads: 0, headSize: 64, intermediateSize: 3072 });
    expect(notes).toEqual([
      "1:1: not set in the config, so BertConfig's defaults apply: hidden_size 768, num_attention_heads 12, layer_norm_eps 1e-12, hidden_act \"gelu\", intermediate_size 3072, num_hidden_layers 12, vocab_size 30522, max_position_embeddings 512, type_vocab_size 2, pad_token_id 0",
    ]);
  });

  it("heads that convspec does not have are named and left out", () => {
    const cls = importJson({ model_type: "bert", architectures: ["BertForSequenceClassification"], hidden_size: 64, num_attention_heads: 4, intermediate_size: 128, num_hidden_layers: 2, vocab_size: 100, max_position_embeddings: 64, type_vocab_size: 2, layer_norm_eps: 1e-12, hidden_act: "gelu", pad_token_id: 0 });
    expect(cls.spec.heads).toEqual({ mlm: null, classifier: null, pooler: true });
    expect(cls.notes).toEqual([
      "3:3: BertForSequenceClassification: its classifier (one linear layer on the pooler output) is not convspec's classifier head (dense, activation, out_proj on the first token): imported without it",
    ]);
    const pre = importJson({ model_type: "bert", architectures: ["BertForPreTraining"], hidden_size: 64, num_attention_heads: 4 });
    expect(pre.spec.heads).toEqual({ mlm: { tied: true }, classifier: null, pooler: true });
    expect(pre.notes[0]).toBe("3:3: BertForPreTraining: its next-sentence head (cls.seq_relationship) has no convspec head: imported without it");
  });

  it("refuses decoders, relative positions and sizes BertConfig refuses, at their keys", () => {
    expect(diagnosticsOf(JSON.stringify({ model_type: "bert", architectures: ["BertLMHeadModel"] }, null, 2), "config.json")).toEqual([
      "3:3: BertLMHeadModel is a causal (decoder) language model; convspec models are bidirectional encoders",
    ]);
    expect(diagnosticsOf(JSON.stringify({ model_type: "bert", is_decoder: true, position_embedding_type: "relative_key" }, null, 2), "config.json")).toEqual([
      "3:3: is_decoder true: a causal (decoder) model is not a convspec model; convspec models are bidirectional encoders",
      '4:3: position_embedding_type "relative_key" has no convspec equivalent (bert with absolute position embeddings only)',
    ]);
    expect(diagnosticsOf(JSON.stringify({ model_type: "bert", hidden_size: 100, num_attention_heads: 12 }, null, 2), "config.json")).toEqual([
      "4:3: hidden_size 100 is not a multiple of num_attention_heads 12 (BertConfig requires it)",
    ]);
  });
});

describe("ELECTRA configs", () => {
  it("the discriminator: backbone only (its head is named), 13,483,008 parameters", async () => {
    const { spec, notes } = await loadSpecWithNotes(resolve(fixtures, "electra-small-discriminator/config.json"));
    expect(spec.layers[0]).toMatchObject({ attentionHeads: 4, convHeads: 0, headSize: 64, intermediateSize: 1024 });
    expect(spec).toMatchObject({ embeddingSize: 128, hiddenSize: 256 });
    expect(spec.heads).toEqual({ mlm: null, classifier: null, pooler: false });
    expect(backbone(spec)).toBe(paramCounts["electra-small-discriminator"].total);
    expect(notes.map((n) => n.message)).toEqual([
      "ElectraForPreTraining: its discriminator head (discriminator_predictions: dense, activation, one logit per token) has no convspec head: imported without it",
    ]);
  });

  it("the generator and the classifier use GELU whatever hidden_act says; the FFN keeps hidden_act", () => {
    const gen = importJson({ model_type: "electra", architectures: ["ElectraForMaskedLM"], hidden_act: "relu", hidden_size: 64, num_attention_heads: 1, embedding_size: 32, tie_word_embeddings: false });
    expect(gen.spec.activation).toBe("gelu");
    expect(gen.spec.layers[0].activation).toBe("relu");
    expect(gen.spec.heads).toEqual({ mlm: { tied: false }, classifier: null, pooler: false });
    expect(gen.notes).toContain("6:3: electra's task heads use gelu whatever hidden_act says: the spec's model activation is gelu, the FFN's relu");
    const cls = importJson({ model_type: "electra", architectures: ["ElectraForSequenceClassification"], id2label: { 0: "neg", 1: "neutral", 2: "pos" } });
    expect(cls.spec.heads).toEqual({ mlm: null, classifier: { numLabels: 3 }, pooler: false });
    expect(cls.notes).toEqual([
      "1:1: not set in the config, so ElectraConfig's defaults apply: hidden_size 256, num_attention_heads 4, layer_norm_eps 1e-12, hidden_act \"gelu\", intermediate_size 1024, embedding_size 128, num_hidden_layers 12, vocab_size 30522, max_position_embeddings 512, type_vocab_size 2, pad_token_id 0",
    ]);
  });
});

describe("other model types and ConvBERT defaults", () => {
  it("an unsupported model_type is a located error naming it", () => {
    expect(diagnosticsOf(`{\n  "model_type": "roberta",\n  "hidden_size": 768\n}`, "config.json")).toEqual([
      '2:3: model_type "roberta" is not supported: convspec imports convbert, bert, electra configs',
    ]);
  });

  it("a ConvBERT config missing intermediate_size says it takes ConvBertConfig's 3072", () => {
    const { spec, notes } = importJson({ model_type: "convbert", hidden_size: 64, num_attention_heads: 4, head_ratio: 2, embedding_size: 64, num_hidden_layers: 2, vocab_size: 100, max_position_embeddings: 64, type_vocab_size: 2, layer_norm_eps: 1e-12, hidden_act: "gelu", pad_token_id: 0, conv_kernel_size: 9, num_groups: 1, tie_word_embeddings: true });
    expect(spec.layers[0].intermediateSize).toBe(3072);
    expect(notes).toEqual(["1:1: not set in the config, so ConvBertConfig's defaults apply: intermediate_size 3072"]);
  });

  it("a config without model_type is read as ConvBERT, and says so", () => {
    const { notes } = importJson(JSON.parse(readFileSync(resolve(goldenDir, "tiny-mixed/config.json"), "utf8")));
    expect(notes).toEqual(["1:1: no model_type: read as a ConvBERT config"]);
  });
});
