/**
 * Hugging Face's ConvBERT generator head applies GELU whatever `hidden_act`
 * says. test/fixtures/hf-relu-convbert (made by its make.py with HF
 * transformers) is a ConvBertForMaskedLM with hidden_act relu: the reference
 * interpreter and the targets match its MLM logits only with GELU there, and
 * the relu FFNs everywhere else. BERT's head uses hidden_act: an imported
 * BERT config keeps it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpec } from "../../compiler/load.js";
import { exportHfConfig } from "../../compiler/spec/hf-config.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { printDsl } from "../../compiler/spec/print-dsl.js";
import { prepare } from "../../index.js";
import { inputsFromJson, limitsOf } from "../../runtime/inputs.js";
import { interpretGraph } from "../../runtime/reference/interpreter.js";
import { readSafetensors, specWithCheckpointHeads, weightsFromSafetensors } from "../../runtime/weights/index.js";
import { maxAbsDiff, repoRoot } from "../helpers/golden.js";

const dir = join(repoRoot, "test/fixtures/hf-relu-convbert");

async function fixture() {
  const checkpoint = readSafetensors(join(dir, "model.safetensors"));
  const spec = specWithCheckpointHeads(await loadSpec(join(dir, "config.json")), checkpoint);
  const graph = lowerToIR(spec);
  const weights = weightsFromSafetensors(graph, checkpoint);
  const inputs = inputsFromJson(JSON.parse(readFileSync(join(dir, "inputs.json"), "utf8")), limitsOf(graph), "inputs.json");
  return { spec, graph, weights, inputs, expected: readSafetensors(join(dir, "expected.safetensors")).tensors };
}

describe("the MLM head's activation", () => {
  it("a ConvBERT config with hidden_act relu: relu FFNs, a GELU MLM head", async () => {
    const { spec, graph } = await fixture();
    expect(spec.activation).toBe("relu");
    expect(spec.layers.every((b) => b.activation === "relu")).toBe(true);
    expect(spec.heads.mlm?.activation).toBeUndefined(); // the default: gelu
    const act = graph.ops.find((op) => op.id === "mlm.activated");
    expect(act?.kind === "activation" && act.fn).toBe("gelu");
  });

  it("the reference interpreter matches Hugging Face's logits within 1e-5 (they differ by far more with relu there)", async () => {
    const { graph, weights, inputs, expected } = await fixture();
    const outputs = ["mlm_logits", "last_hidden_state"];
    const actual = interpretGraph(graph, weights, inputs, outputs);
    for (const name of outputs) expect(maxAbsDiff(actual[name], expected.get(name)!), name).toBeLessThanOrEqual(1e-5);
    const withRelu = lowerToIR({ ...graph.spec, heads: { ...graph.spec.heads, mlm: { tied: true, activation: "relu" } } });
    const wrong = interpretGraph(withRelu, weights, inputs, ["mlm_logits"]);
    expect(maxAbsDiff(wrong.mlm_logits, expected.get("mlm_logits")!)).toBeGreaterThan(1e-3);
  });

  it.each([["tfjs", "cpu"], ["onnx", undefined], ["wgsl", undefined]] as const)("the %s target matches them within 1e-4", async (target, backend) => {
    const { graph, weights, inputs, expected } = await fixture();
    const executor = await prepare(target, graph, weights, { outputs: ["mlm_logits"], options: { backend } });
    try {
      const actual = await executor.run(inputs);
      expect(maxAbsDiff(actual.mlm_logits, expected.get("mlm_logits")!)).toBeLessThanOrEqual(1e-4);
    } finally {
      executor.dispose();
    }
  });

  it("is written and read back as mlm_activation, and an HF ConvBERT export refuses anything but gelu", async () => {
    const { spec } = await fixture();
    const bertLike = { ...spec, heads: { ...spec.heads, mlm: { tied: true, activation: "relu" as const } } };
    const text = printDsl(bertLike, "test");
    expect(text).toContain("heads { mlm tied  mlm_activation relu }");
    expect(loadSpecFromText(text, "x.convspec").heads.mlm).toEqual({ tied: true, activation: "relu" });
    expect(() => exportHfConfig(bertLike)).toThrow("its MLM head uses relu, and HF ConvBERT's generator head always uses gelu");
  });

  it("a BERT config's head keeps hidden_act", async () => {
    const bert = JSON.parse(readFileSync(join(dir, "config.json"), "utf8")) as Record<string, unknown>;
    const text = JSON.stringify({ ...bert, model_type: "bert", architectures: ["BertForMaskedLM"], head_ratio: undefined, conv_kernel_size: undefined, embedding_size: undefined });
    const spec = loadSpecFromText(text, "bert-relu.json");
    expect(spec.heads.mlm).toEqual({ tied: true, activation: "relu" });
  });
});

describe("mlm_activation in a spec", () => {
  const spec = (heads: string) => `model "m" {\n  vocab 10  hidden 16  layers 1\n  block { heads 2  ffn { intermediate 32 } }\n  heads { ${heads} }\n}`;

  it("needs an MLM head, and names a known activation", () => {
    expect(() => loadSpecFromText(spec("mlm none  mlm_activation relu"), "m.convspec")).toThrow(
      "m.convspec:4:36: mlm_activation sets the masked-LM head's activation, and this model has no MLM head (`mlm tied` or `mlm untied`)",
    );
    expect(() => loadSpecFromText(spec("mlm tied  mlm_activation rleu"), "m.convspec")).toThrow(/m\.convspec:4:\d+: .*'rleu'.*did you mean 'relu'/);
  });

  it("gelu is the default, so writing it changes nothing", () => {
    expect(loadSpecFromText(spec("mlm tied  mlm_activation gelu"), "m.convspec").heads.mlm).toEqual({ tied: true });
  });
});
