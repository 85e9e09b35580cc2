/** The shipped specs: they load, encode the published configs, and give the published backbone sizes. */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpec, loadSpecWithSources } from "../../compiler/load.js";
import { importHfConfig } from "../../compiler/spec/hf-config.js";
import { goldenDir, specsDir } from "./helpers.js";

const shipped = [
  ...readdirSync(specsDir).filter((f) => f.endsWith(".convspec")).map((f) => resolve(specsDir, f)),
  ...readdirSync(resolve(specsDir, "variants")).map((f) => resolve(specsDir, "variants", f)),
];
const paramCounts = JSON.parse(readFileSync(resolve(goldenDir, "param-counts.json"), "utf8")).models as Record<string, { config: Record<string, unknown>; total: number }>;

describe("shipped specs", () => {
  it("there are the five base models and at least three variants", () => {
    expect(shipped.length).toBeGreaterThanOrEqual(8);
  });

  it.each(shipped)("%s loads", async (file) => {
    const spec = await loadSpec(file);
    expect(spec.layers.length).toBeGreaterThan(0);
  });

  it.each([
    ["conv-bert-small", "conv-bert-small"],
    ["conv-bert-medium-small", "conv-bert-medium-small"],
    ["conv-bert-base", "conv-bert-base"],
  ])("%s encodes the HF hub config", async (file, key) => {
    const spec = await loadSpec(resolve(specsDir, `${file}.convspec`));
    const fromHub = importHfConfig(paramCounts[key].config, key).spec;
    expect({ ...spec, heads: null }).toEqual({ ...fromHub, heads: null });
  });

  // Backbone = everything but the MLM and classification heads (the pooler counts).
  it.each([
    ["conv-bert-small", "conv-bert-small"],
    ["conv-bert-medium-small", "conv-bert-medium-small"],
    ["conv-bert-base", "conv-bert-base"],
    ["bert-base", "bert-base-uncased"],
    ["electra-small", "electra-small-discriminator"],
  ])("%s has the published backbone parameter count", async (file, key) => {
    const graph = lowerToIR(await loadSpec(resolve(specsDir, `${file}.convspec`)));
    const backbone = graph.params.filter((p) => p.part !== "mlm_head" && p.part !== "cls_head");
    const count = backbone.reduce((sum, p) => sum + p.shape.reduce((a, b) => a * b, 1), 0);
    expect(count).toBe(paramCounts[key].total);
  });

  it("variants change what they say and nothing else", async () => {
    const base = await loadSpec(resolve(specsDir, "conv-bert-base.convspec"));
    const low = await loadSpec(resolve(specsDir, "variants/conv-bert-base-conv-low.convspec"));
    expect(low.layers.map((l) => [l.attentionHeads, l.convHeads, l.headSize])).toEqual([
      ...Array(6).fill([2, 10, 32]),
      ...Array(6).fill([8, 4, 32]),
    ]);
    expect(low.layers.map((l) => l.intermediateSize)).toEqual(base.layers.map((l) => l.intermediateSize));
    const grouped = await loadSpec(resolve(specsDir, "variants/conv-bert-base-grouped-ffn.convspec"));
    expect(grouped.layers.every((l) => l.ffnGroups === 4)).toBe(true);
    const wide = await loadSpec(resolve(specsDir, "variants/conv-bert-small-wide-kernel.convspec"));
    expect(wide.layers.map((l) => l.convKernelSize)).toEqual([...Array(6).fill(9), ...Array(6).fill(15)]);
    const dyn = await loadSpec(resolve(specsDir, "variants/dynamic-conv-small.convspec"));
    expect(dyn.layers[0]).toMatchObject({ attentionHeads: 0, convHeads: 4, headSize: 32, maskSpan: true });
  });
});

describe("loadSpecWithSources", () => {
  it("names the spec and every file reached through extends", async () => {
    const variant = resolve(specsDir, "variants/conv-bert-base-conv-low.convspec");
    const { sources } = await loadSpecWithSources(variant);
    expect(sources.map((s) => resolve(s))).toEqual([variant, resolve(specsDir, "conv-bert-base.convspec")]);
    expect((await loadSpecWithSources(resolve(goldenDir, "tiny-mixed/config.json"))).sources).toEqual([resolve(goldenDir, "tiny-mixed/config.json")]);
  });
});
