/** HF config.json import (every golden config) and export. */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { loadSpec, loadSpecFromText } from "../../compiler/load.js";
import { exportHfConfig, importHfConfig } from "../../compiler/spec/hf-config.js";
import { diagnosticsOf, goldenDir, specsDir } from "./helpers.js";

const goldenConfigs = readdirSync(goldenDir, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => resolve(goldenDir, d.name, "config.json"));

describe("HF import", () => {
  it("finds the golden configs", () => {
    expect(goldenConfigs.length).toBeGreaterThanOrEqual(2);
  });

  it.each(goldenConfigs)("%s gives n = floor(N / ratio) heads per branch of floor(H / n / 2)", async (file) => {
    const config = JSON.parse(readFileSync(file, "utf8"));
    const spec = await loadSpec(file);
    const n = Math.max(1, Math.floor(config.num_attention_heads / config.head_ratio));
    expect(spec.layers).toHaveLength(config.num_hidden_layers);
    for (const layer of spec.layers) {
      expect(layer).toEqual({
        attentionHeads: n,
        convHeads: n,
        headSize: Math.floor(config.hidden_size / n / 2),
        convKernelSize: config.conv_kernel_size,
        maskSpan: false,
        intermediateSize: config.intermediate_size,
        ffnGroups: config.num_groups,
        activation: config.hidden_act,
      });
    }
    expect(spec).toMatchObject({ vocabSize: config.vocab_size, hiddenSize: config.hidden_size, embeddingSize: config.embedding_size, padTokenId: config.pad_token_id });
    expect(spec.heads).toEqual({ mlm: { tied: config.tie_word_embeddings }, classifier: { numLabels: config.num_labels }, pooler: false });
  });

  it("the golden head splits are the expected ones", async () => {
    const mixed = await loadSpec(resolve(goldenDir, "tiny-mixed/config.json"));
    expect(mixed.layers[0]).toMatchObject({ attentionHeads: 2, convHeads: 2, headSize: 16, convKernelSize: 9, ffnGroups: 1 });
    const grouped = await loadSpec(resolve(goldenDir, "tiny-grouped-proj/config.json"));
    expect(grouped.layers[0]).toMatchObject({ attentionHeads: 2, convHeads: 2, headSize: 16, convKernelSize: 7, ffnGroups: 2 });
    expect(grouped.embeddingSize).toBe(32);
  });

  it("uses ConvBertConfig defaults and no classifier without num_labels/id2label", () => {
    const { spec } = importHfConfig({ model_type: "convbert" }, "defaults");
    expect(spec.layers[0]).toMatchObject({ attentionHeads: 6, convHeads: 6, headSize: 64, convKernelSize: 9 });
    expect(spec.padTokenId).toBe(1);
    expect(spec.heads).toEqual({ mlm: { tied: true }, classifier: null, pooler: false });
    expect(importHfConfig({ hidden_size: 64, num_attention_heads: 2, id2label: { 0: "a", 1: "b", 2: "c" } }, "x").spec.heads.classifier).toEqual({ numLabels: 3 });
  });

  it("reports H % n and even kernels at the config key", () => {
    const text = `{\n  "hidden_size": 64,\n  "num_attention_heads": 6,\n  "head_ratio": 2,\n  "conv_kernel_size": 4,\n  "intermediate_size": 128\n}\n`;
    expect(diagnosticsOf(text, "config.json")).toEqual([
      "3:3: hidden size 64 is not divisible by the 3 heads per branch that heads 6 / ratio 2 give (HF requires H % n == 0)",
      "5:3: kernel size 4 must be odd (the span conv pads (K-1)/2 on each side)",
    ]);
    expect(diagnosticsOf(`{"hidden_size": "wide"}`, "config.json")).toEqual(['1:2: hidden_size must be a whole number, got "wide"']);
  });
});

describe("HF export", () => {
  it.each(goldenConfigs)("%s survives import -> export -> import", async (file) => {
    const spec = await loadSpec(file);
    const exported = exportHfConfig(spec);
    const original = JSON.parse(readFileSync(file, "utf8"));
    for (const key of ["vocab_size", "hidden_size", "embedding_size", "num_hidden_layers", "conv_kernel_size", "num_groups", "intermediate_size", "tie_word_embeddings", "num_labels"]) {
      expect(exported[key]).toBe(original[key]);
    }
    expect(loadSpecFromText(JSON.stringify(exported), "config.json")).toEqual(spec);
  });

  it("explains every reason a spec is not an HF ConvBERT config", async () => {
    const bert = await loadSpec(resolve(specsDir, "bert-base.convspec"));
    expect(() => exportHfConfig(bert)).toThrow(UserError);
    expect(() => exportHfConfig(bert)).toThrow(
      "spec 'bert-base' cannot be exported as a Hugging Face ConvBERT config:\n" +
        "  - it has 12 attention heads but 0 conv heads (HF ConvBERT has as many of each)\n" +
        "  - its head size 64 is not H/n/2 = 768/12/2 (HF ConvBERT derives it)\n" +
        "  - it has a pooler, which HF ConvBERT does not have",
    );
    const low = await loadSpec(resolve(specsDir, "variants/conv-bert-base-conv-low.convspec"));
    expect(() => exportHfConfig(low)).toThrow(/its layers differ from each other/);
    const dyn = await loadSpec(resolve(specsDir, "variants/dynamic-conv-small.convspec"));
    expect(() => exportHfConfig(dyn)).toThrow(/mask_span/);
  });
});
