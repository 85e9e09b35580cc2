/** Printing and parsing back, and content assist. */
import { readdirSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { completeAt } from "../../compiler/dsl/content-assist.js";
import { loadSpec, loadSpecFromText } from "../../compiler/load.js";
import { printDsl } from "../../compiler/spec/print-dsl.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";
import { goldenDir, specsDir } from "./helpers.js";

const inputs = [
  ...readdirSync(specsDir).filter((f) => f.endsWith(".convspec")).map((f) => resolve(specsDir, f)),
  ...readdirSync(resolve(specsDir, "variants")).map((f) => resolve(specsDir, "variants", f)),
  ...readdirSync(goldenDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => resolve(goldenDir, d.name, "config.json")),
];

describe("print-dsl round trip", () => {
  it.each(inputs)("%s -> print -> parse gives the same ModelSpec", async (file) => {
    const spec = await loadSpec(file);
    const text = printDsl(spec, "round trip");
    expect(loadSpecFromText(text, "printed.convspec")).toEqual(spec);
  });

  it("keeps per-layer variation, masks, activations, untied and classifier heads", () => {
    const block = { attentionHeads: 3, convHeads: 1, headSize: 20, convKernelSize: 5, maskSpan: false, intermediateSize: 96, ffnGroups: 2, activation: "relu" as const };
    const spec: ModelSpec = {
      format: "convspec/1",
      name: 'odd "name"',
      vocabSize: 50,
      maxPositions: 40,
      typeVocabSize: 1,
      padTokenId: 3,
      embeddingSize: 16,
      hiddenSize: 48,
      layerNormEps: 1e-5,
      activation: "gelu_new",
      layers: [block, { ...block, maskSpan: true, convKernelSize: 7 }, { ...block, maskSpan: true, convKernelSize: 7 }, block, { ...block, convHeads: 0, activation: "gelu_new" }],
      heads: { mlm: { tied: false }, classifier: { numLabels: 4 }, pooler: true },
    };
    const text = printDsl(spec);
    expect(text).toContain("layers 1..2 { kernel 7  mask_span true }");
    expect(loadSpecFromText(text, "printed.convspec")).toEqual(spec);
  });
});

describe("content assist", () => {
  it("lists the keywords of the scope at the cursor", () => {
    expect(completeAt("").keywords).toEqual(["let", "model"]);
    expect(completeAt('model "x" { block { ').keywords).toEqual(["attention_heads", "conv_heads", "ffn", "head_size", "heads", "kernel", "mask_span", "ratio"]);
    expect(completeAt('model "x" { block { ffn { ').keywords).toEqual(["activation", "groups", "intermediate"]);
    expect(completeAt('model "x" { heads { ').keywords).toEqual(["classifier", "mlm", "mlm_activation", "pooler"]);
    expect(completeAt('model "x" { ').keywords).toContain("layers");
  });

  it("filters by the word being typed", () => {
    expect(completeAt('model "x" { block { ke')).toEqual({ keywords: ["kernel"], others: [], prefix: "ke" });
    expect(completeAt('model "x" { la').keywords).toEqual(["layer_norm_eps", "layers"]);
  });

  it("offers values after a field", () => {
    const next = completeAt('model "x" { activation ');
    expect(next.keywords).toEqual(expect.arrayContaining(["gelu", "relu", "silu", "tanh", "gelu_new"]));
    expect(next.others).toEqual(expect.arrayContaining(["a number", "a name"]));
  });
});
