/** Each pass does what its rewrite rule says, on small graphs. */
import { describe, expect, it, vi } from "vitest";
import { GraphBuilder } from "../../compiler/ir/builder.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { ActivationOp, GatherOp, Graph, LinearOp, Op } from "../../compiler/ir/types.js";
import { deadCodeElimination } from "../../compiler/passes/dead-code.js";
import { foldActivations } from "../../compiler/passes/fold-activation.js";
import { fuseAddLayerNorm } from "../../compiler/passes/fuse-add-layer-norm.js";
import { fuseProjections } from "../../compiler/passes/fuse-projections.js";
import { fuseGate } from "../../compiler/passes/fuse-gate.js";
import { ALL_PASSES, optimize, selectPasses, verifyGraph } from "../../compiler/passes/index.js";
import { UserError } from "../../compiler/errors.js";
import { heterogeneousSpec, specFromHfConfig } from "../analysis/fixtures.js";
import { loadGoldenCase } from "../helpers/golden.js";

const kinds = (g: Graph) => g.ops.map((op) => op.kind);
const count = (g: Graph, kind: Op["kind"]) => kinds(g).filter((k) => k === kind).length;
const linears = (g: Graph) => g.ops.filter((op): op is LinearOp => op.kind === "linear");

/** x -> linear a (8->4), linear b (8->4), linear c (8->6, then gelu); outputs as given. */
function projectionsGraph(outputs: Record<string, string>): Graph {
  const b = new GraphBuilder();
  b.addValue("input_ids", ["B", "L"], "i32");
  b.addValue("attention_mask", ["B", "L"]);
  b.addValue("token_type_ids", ["B", "L"], "i32");
  b.param("table", [10, 8], "normal");
  const x = b.op<GatherOp>({ kind: "gather", inputs: ["input_ids"], table: "table" }, "x", ["B", "L", 8]);
  const lin = (name: string, out: number) =>
    b.op<LinearOp>({ kind: "linear", inputs: [x], inFeatures: 8, groups: 1, segments: [{ weight: b.param(`${name}.weight`, [out, 8], "normal"), bias: null, outFeatures: out, operand: { kind: "input" } }], activation: "none" }, name, ["B", "L", out]);
  lin("a", 4);
  lin("b", 4);
  const c = lin("c", 6);
  b.op<ActivationOp>({ kind: "activation", inputs: [c], fn: "gelu" }, "c_act", ["B", "L", 6]);
  const inputs = { input_ids: b.values.input_ids, attention_mask: b.values.attention_mask, token_type_ids: b.values.token_type_ids };
  return { name: "projections", spec: heterogeneousSpec(), inputs, params: b.params, values: b.values, ops: b.ops, outputs };
}

describe("dead-code elimination", () => {
  const graph = lowerToIR(heterogeneousSpec());
  const run = (requestedOutputs: string[]) => {
    const result = deadCodeElimination.run(graph, { requestedOutputs });
    verifyGraph(result);
    return result;
  };

  it("drops every head and debug output when only the last hidden state is asked for", () => {
    const g = run(["last_hidden_state"]);
    expect(Object.keys(g.outputs)).toEqual(["last_hidden_state"]);
    expect(g.ops.filter((op) => ["pooler", "mlm_head", "cls_head"].includes(op.part))).toEqual([]);
    expect(g.params.filter((p) => ["pooler", "mlm_head", "cls_head"].includes(p.part))).toEqual([]);
    expect(Object.keys(g.values).filter((id) => id.startsWith("mlm.") || id.startsWith("cls.") || id.startsWith("pooler."))).toEqual([]);
  });

  it("keeps one head and drops the others", () => {
    const g = run(["cls_logits"]);
    expect(new Set(g.ops.map((op) => op.part)).has("cls_head")).toBe(true);
    expect(g.ops.some((op) => op.part === "mlm_head" || op.part === "pooler")).toBe(false);
  });

  it("drops the layers after a requested hidden state", () => {
    const g = run(["hidden_states.1"]);
    expect(g.ops.some((op) => op.layer === 1 || op.layer === 2)).toBe(false);
    expect(g.ops.some((op) => op.layer === 0)).toBe(true);
  });

  it("drops the unneeded segments of a fused linear", () => {
    const fused = fuseProjections.run(projectionsGraph({ a: "a", b: "b", c: "c_act" }), { requestedOutputs: [] });
    expect(linears(fused).map((op) => op.segments.length)).toEqual([3]);
    const g = deadCodeElimination.run(fused, { requestedOutputs: ["b"] });
    verifyGraph(g);
    expect(linears(g).map((op) => op.outputs)).toEqual([["b"]]);
    expect(g.params.map((p) => p.key)).toEqual(["table", "b.weight"]);
  });

  it("names a missing output with a suggestion", () => {
    expect(() => run(["last_hidden_stat"])).toThrow(UserError);
    expect(() => run(["last_hidden_stat"])).toThrow(/did you mean 'last_hidden_state'/);
  });
});

describe("projection fusion", () => {
  it("merges the linears that read one input into one multi-segment linear", () => {
    const g = fuseProjections.run(projectionsGraph({ a: "a", b: "b", c: "c_act" }), { requestedOutputs: [] });
    verifyGraph(g);
    expect(kinds(g)).toEqual(["gather", "linear", "activation"]);
    expect(linears(g)[0].outputs).toEqual(["a", "b", "c"]);
  });

  it("gives each ConvBERT layer one 4-segment projection of x, pointwise and FFN apart", () => {
    const golden = loadGoldenCase("tiny-grouped-proj");
    const plain = lowerToIR(specFromHfConfig(golden.config));
    const g = fuseProjections.run(plain, { requestedOutputs: [] });
    verifyGraph(g);
    for (let layer = 0; layer < plain.spec.layers.length; layer++) {
      const layerLinears = linears(g).filter((op) => op.layer === layer);
      const input = layer === 0 ? "emb.project" : `l${layer - 1}.output`;
      const fused = layerLinears.filter((op) => op.inputs[0] === input);
      expect(fused).toHaveLength(1);
      expect(fused[0].segments.map((s) => s.weight.split(".").slice(-2, -1)[0])).toEqual(["query", "key", "value", "conv_out_layer"]);
      // pointwise reads the depthwise output; the grouped FFN linears are not fusible.
      expect(layerLinears.map((op) => op.segments.length)).toEqual([4, 1, 1, 1, 1, 1]);
    }
  });

  it("fuses q, k, v and conv_out when the branches differ in width (a != c)", () => {
    const g = fuseProjections.run(lowerToIR(heterogeneousSpec()), { requestedOutputs: [] });
    const firstOfLayer = (layer: number) => linears(g).find((op) => op.layer === layer)!;
    expect(firstOfLayer(0).segments.map((s) => s.outFeatures)).toEqual([12, 4, 4, 12]); // q is d·max(a,c)
    expect(firstOfLayer(2).segments.map((s) => s.outFeatures)).toEqual([12, 12, 12]); // no conv heads: q, k, v
  });
});

describe("activation folding", () => {
  it("folds an activation into its linear and keeps the activation's value id", () => {
    const g = foldActivations.run(projectionsGraph({ c: "c_act" }), { requestedOutputs: [] });
    verifyGraph(g);
    expect(count(g, "activation")).toBe(0);
    const folded = linears(g).find((op) => op.outputs[0] === "c_act")!;
    expect(folded.activation).toBe("gelu");
    expect(g.values.c).toBeUndefined();
  });

  it("leaves the pre-activation alone when it is a graph output", () => {
    const g = foldActivations.run(projectionsGraph({ c: "c", c_act: "c_act" }), { requestedOutputs: [] });
    expect(count(g, "activation")).toBe(1);
  });

  it("folds the FFN GELU, the pooler tanh and the head activations of a full model", () => {
    const plain = lowerToIR(heterogeneousSpec());
    const g = foldActivations.run(plain, { requestedOutputs: [] });
    verifyGraph(g);
    expect(count(plain, "activation")).toBe(3 + 3); // 3 FFNs, pooler, MLM, classifier
    expect(count(g, "activation")).toBe(0);
    expect(linears(g).map((op) => op.activation).filter((a) => a !== "none")).toEqual(["gelu", "gelu_new", "relu", "tanh", "gelu", "gelu"]);
  });
});

describe("residual + LayerNorm fusion", () => {
  it("fuses both residual norms of every layer and the whole embedding sum, lookups included", () => {
    const plain = lowerToIR(heterogeneousSpec());
    const g = fuseAddLayerNorm.run(plain, { requestedOutputs: [] });
    verifyGraph(g);
    const layers = plain.spec.layers.length;
    expect(count(g, "add_layer_norm")).toBe(2 * layers + 1);
    expect(count(g, "layer_norm")).toBe(1); // the MLM head's norm follows an activation, not an add
    // words + positions + token types: the two adds and the three lookups are terms of one op.
    for (const kind of ["add", "gather", "positions"] as const) expect(count(g, kind)).toBe(0);
    const embeddings = g.ops.find((op) => op.id === "emb.norm");
    expect(embeddings?.kind === "add_layer_norm" && embeddings.terms).toEqual([
      { kind: "gather", table: "embeddings.word_embeddings.weight", ids: 0 },
      { kind: "positions", table: "embeddings.position_embeddings.weight" },
      { kind: "gather", table: "embeddings.token_type_embeddings.weight", ids: 1 },
    ]);
    expect(embeddings?.inputs).toEqual(["input_ids", "token_type_ids"]);
  });

  it("keeps a lookup or add that something else also reads as a value term", () => {
    const plain = lowerToIR(heterogeneousSpec());
    const g = fuseAddLayerNorm.run(plain, { requestedOutputs: [] });
    const wanted = { ...plain, outputs: { ...plain.outputs, words: "emb.words" } };
    const kept = fuseAddLayerNorm.run(wanted, { requestedOutputs: [] });
    verifyGraph(kept);
    expect(count(kept, "gather")).toBe(count(g, "gather") + 1);
    const embeddings = kept.ops.find((op) => op.id === "emb.norm");
    expect(embeddings?.kind === "add_layer_norm" && embeddings.terms[0]).toEqual({ kind: "value", input: 0 });
    expect(embeddings?.inputs[0]).toBe("emb.words");
  });
});

describe("gating fusion", () => {
  it("folds every span-conv gating product into the kernel linear", () => {
    const plain = lowerToIR(heterogeneousSpec());
    const g = fuseGate.run(plain, { requestedOutputs: [] });
    verifyGraph(g);
    expect(count(plain, "mul")).toBeGreaterThan(0);
    expect(count(g, "mul")).toBe(0);
    const gated = linears(g).filter((op) => op.segments[0].operand.kind === "gated");
    expect(gated).toHaveLength(count(plain, "mul"));
    for (const op of gated) expect(op.inputs).toHaveLength(2);
  });

  it("leaves a product that is a graph output alone", () => {
    const plain = lowerToIR(heterogeneousSpec());
    const product = plain.ops.find((op) => op.kind === "mul")!.outputs[0];
    const g = fuseGate.run({ ...plain, outputs: { ...plain.outputs, product } }, { requestedOutputs: [] });
    expect(g.ops.filter((op) => op.kind === "mul").map((op) => op.outputs[0])).toEqual([product]);
  });
});

describe("the pipeline", () => {
  it("runs all passes in order and reports the fused op counts", () => {
    const plain = lowerToIR(heterogeneousSpec());
    const g = optimize(plain, { passes: "all", requestedOutputs: ["last_hidden_state"] });
    expect(count(g, "activation")).toBe(0);
    expect(count(g, "add_layer_norm")).toBe(7);
    expect(g.ops.length).toBeLessThan(plain.ops.length);
    expect(optimize(plain, { passes: "none", requestedOutputs: [] })).toBe(plain);
  });

  it("selects named passes in pipeline order and rejects unknown ones", () => {
    expect(selectPasses(["fuse-add-layernorm", "dce"]).map((p) => p.name)).toEqual(["dce", "fuse-add-layernorm"]);
    expect(selectPasses("all")).toEqual([...ALL_PASSES]);
    expect(() => selectPasses(["fuse-projection"])).toThrow(/unknown pass 'fuse-projection' \(did you mean 'fuse-projections'\?\)/);
  });

  it("prints the IR after each pass with CONVSPEC_DEBUG=ir", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.stubEnv("CONVSPEC_DEBUG", "plan,ir");
    try {
      optimize(lowerToIR(heterogeneousSpec()), { passes: ["dce", "fold-activation"], requestedOutputs: ["cls_logits"] });
      const dumps = write.mock.calls.map((call) => String(call[0]));
      expect(dumps.map((text) => text.split("\n")[0])).toEqual([
        "=== IR after pass 'dce' (drop outputs not requested and every op, segment and parameter they do not need) ===",
        "=== IR after pass 'fold-activation' (fold an activation into the linear producing its only input (bias+GELU fusion)) ===",
      ]);
      expect(dumps[1]).toContain("act=gelu");
    } finally {
      vi.unstubAllEnvs();
      write.mockRestore();
    }
  });
});
