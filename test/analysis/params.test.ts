import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { countParams } from "../../compiler/analysis/params.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { optimize } from "../../compiler/passes/index.js";
import { goldenDir } from "../helpers/golden.js";
import { heterogeneousSpec, REAL_SPECS } from "./fixtures.js";

interface Breakdown {
  embeddings: number;
  embeddings_project: number;
  per_layer_total: number;
  num_layers: number;
  pooler: number;
  total: number;
}
const reference = JSON.parse(readFileSync(join(goldenDir, "param-counts.json"), "utf8")) as { models: Record<string, Breakdown> };

const HF_BACKBONE: Record<string, number> = {
  "conv-bert-small": 13_143_768,
  "conv-bert-medium-small": 17_475_888,
  "conv-bert-base": 105_680_520,
  "bert-base-uncased": 109_482_240,
  "electra-small-discriminator": 13_483_008,
};

describe.each(Object.keys(HF_BACKBONE))("parameter counts of %s", (name) => {
  const counts = countParams(lowerToIR(REAL_SPECS[name]));
  const hf = reference.models[name];

  it("backbone equals Hugging Face exactly", () => {
    expect(counts.backbone).toBe(HF_BACKBONE[name]);
    expect(hf.total).toBe(HF_BACKBONE[name]);
  });

  it("matches the per-part breakdown", () => {
    expect(counts.embeddings).toBe(hf.embeddings);
    expect(counts.projection).toBe(hf.embeddings_project);
    expect(counts.pooler).toBe(hf.pooler);
    expect(counts.perLayer).toHaveLength(hf.num_layers);
    for (const layer of counts.perLayer) expect(layer.total).toBe(hf.per_layer_total);
    expect(counts.layers).toBe(hf.per_layer_total * hf.num_layers);
  });
});

describe("parameter counts of heads", () => {
  it("counts a tied MLM head without the shared word embeddings", () => {
    const counts = countParams(lowerToIR(REAL_SPECS["conv-bert-small"]));
    // generator_predictions.dense [E,H]+[E], its LayerNorm 2·E, generator_lm_head.bias [V].
    const E = 128, H = 256, V = 30522;
    expect(counts.mlm_head).toBe(E * H + E + 2 * E + V);
    expect(counts.cls_head).toBe(0);
    expect(counts.total).toBe(counts.backbone + counts.mlm_head);
  });

  it("counts an untied MLM head, a classifier and the pooler", () => {
    const counts = countParams(lowerToIR(heterogeneousSpec()));
    const E = 12, H = 16, V = 37, labels = 3;
    expect(counts.mlm_head).toBe(E * H + E + 2 * E + V * E + V);
    expect(counts.cls_head).toBe(H * H + H + labels * H + labels);
    expect(counts.pooler).toBe(H * H + H);
    expect(counts.heads).toBe(counts.mlm_head + counts.cls_head);
  });

  it("keeps the counts of what an optimised graph still computes", () => {
    const graph = lowerToIR(REAL_SPECS["conv-bert-base"]);
    const plain = countParams(graph);
    const fused = countParams(optimize(graph, { passes: "all", requestedOutputs: ["last_hidden_state", "mlm_logits"] }));
    expect(fused.total).toBe(plain.total);
    const backboneOnly = countParams(optimize(graph, { passes: "all", requestedOutputs: ["last_hidden_state"] }));
    expect(backboneOnly.total).toBe(HF_BACKBONE["conv-bert-base"]);
  });
});
