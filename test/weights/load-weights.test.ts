import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { HostTensor } from "../../runtime/executor.js";
import {
  randomWeights, readSafetensors, specWithCheckpointHeads, weightsFromSafetensors, type SafetensorsFile, type SafetensorsTensor,
} from "../../runtime/weights/index.js";
import { loadGoldenCase } from "../helpers/golden.js";
import { specFromHfConfig } from "../tfjs/golden-model.js";

const golden = loadGoldenCase("tiny-grouped-proj");
const checkpoint = readSafetensors(golden.modelPath);
const spec = specWithCheckpointHeads(specFromHfConfig(golden.config, "g"), checkpoint);
const graph = lowerToIR(spec);

/** The golden checkpoint with tensors renamed/dropped/replaced. */
function edited(edit: (tensors: Map<string, SafetensorsTensor>) => void): SafetensorsFile {
  const tensors = new Map(checkpoint.tensors);
  edit(tensors);
  return { ...checkpoint, tensors };
}

function userError(work: () => unknown): string {
  try {
    work();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return (e as Error).message;
  }
  throw new Error("expected a UserError");
}

describe("loadWeights: HF state dict -> IR parameters", () => {
  it("maps every IR parameter, `convbert.` prefixed, with the IR's grouped / depthwise / pointwise shapes", () => {
    const weights = weightsFromSafetensors(graph, checkpoint);
    expect(weights.size).toBe(graph.params.length);
    expect(weights.get("encoder.layer.0.intermediate.dense.weight")!.shape).toEqual([2, 32, 128]);
    expect(weights.get("encoder.layer.0.attention.self.key_conv_attn_layer.depthwise.weight")!.shape).toEqual([64, 1, 7]);
    expect(weights.get("encoder.layer.0.attention.self.key_conv_attn_layer.pointwise.weight")!.shape).toEqual([32, 64, 1]);
    expect(weights.get("encoder.layer.0.attention.self.key_conv_attn_layer.bias")!.shape).toEqual([32, 1]);
    const word = checkpoint.tensors.get("convbert.embeddings.word_embeddings.weight")!;
    expect(weights.get("embeddings.word_embeddings.weight")!.data).toBe(word.data); // no copy
  });

  it("accepts bare keys (a ConvBertModel checkpoint)", () => {
    const bare = edited((t) => {
      for (const [name, tensor] of [...t]) {
        if (!name.startsWith("convbert.")) continue;
        t.delete(name);
        t.set(name.slice("convbert.".length), tensor);
      }
    });
    expect(weightsFromSafetensors(graph, bare).size).toBe(graph.params.length);
  });

  it("names the missing key and its expected shape", () => {
    const key = "encoder.layer.1.attention.self.conv_kernel_layer.weight";
    const message = userError(() => weightsFromSafetensors(graph, edited((t) => t.delete(`convbert.${key}`))));
    expect(message).toContain(`missing tensor '${key}'`);
    expect(message).toContain("[14, 32]");
  });

  it("names the key, expected and actual shape on a mismatch (grouped FFN stored ungrouped)", () => {
    const key = "convbert.encoder.layer.0.intermediate.dense.weight";
    const wrong: SafetensorsTensor = { dtype: "F32", shape: [256, 64], data: new Float32Array(256 * 64) };
    const message = userError(() => weightsFromSafetensors(graph, edited((t) => t.set(key, wrong))));
    expect(message).toContain(`'${key}' has shape [256, 64] but the spec expects [2, 32, 128]`);
  });

  it("a tied MLM head needs no generator_lm_head.weight; an untied one does", () => {
    const withoutHead = edited((t) => t.delete("generator_lm_head.weight"));
    const tiedSpec = specWithCheckpointHeads(spec, withoutHead);
    expect(tiedSpec.heads.mlm).toEqual({ tied: true });
    expect(weightsFromSafetensors(lowerToIR(tiedSpec), withoutHead).has("generator_lm_head.weight")).toBe(false);
    expect(userError(() => weightsFromSafetensors(graph, withoutHead))).toContain("missing tensor 'generator_lm_head.weight'");
  });

  it("takes the task heads from the checkpoint: classifier labels from out_proj", () => {
    expect(spec.heads.classifier).toEqual({ numLabels: 2 });
    const noHeads = edited((t) => {
      for (const name of [...t.keys()]) if (name.startsWith("classifier.") || name.startsWith("generator_")) t.delete(name);
    });
    expect(specWithCheckpointHeads(spec, noHeads).heads).toMatchObject({ mlm: null, classifier: null });
  });
});

describe("randomWeights", () => {
  const mean = (t: HostTensor) => t.data.reduce((a, b) => a + b, 0) / t.data.length;
  const std = (t: HostTensor) => {
    const m = mean(t);
    return Math.sqrt(t.data.reduce((a, b) => a + (b - m) ** 2, 0) / t.data.length);
  };

  it("is deterministic per seed, normal(0, 0.02) / zeros / ones per init", () => {
    const a = randomWeights(graph, 7);
    const b = randomWeights(graph, 7);
    const c = randomWeights(graph, 8);
    const key = "encoder.layer.0.intermediate.dense.weight";
    expect(Buffer.from(a.get(key)!.data.buffer).equals(Buffer.from(b.get(key)!.data.buffer))).toBe(true);
    expect(a.get(key)!.data[0]).not.toBe(c.get(key)!.data[0]);
    expect(Math.abs(mean(a.get(key)!))).toBeLessThan(0.002);
    expect(std(a.get(key)!)).toBeGreaterThan(0.019);
    expect(std(a.get(key)!)).toBeLessThan(0.021);
    expect([...a.get("embeddings.LayerNorm.weight")!.data].every((v) => v === 1)).toBe(true);
    expect([...a.get("embeddings.LayerNorm.bias")!.data].every((v) => v === 0)).toBe(true);
    for (const param of graph.params) expect(a.get(param.key)!.shape).toEqual(param.shape);
  });
});
