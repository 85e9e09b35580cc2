/**
 * What the ONNX file promises beyond numbers: the run contract's inputs with
 * dynamic axes, outputs named and selectable, every IR value findable by its
 * id, weights as initializers (external data when asked or needed), and
 * nothing half-written or replaced that is not a regular file.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { compileOnnx, onnxTarget, parseOnnxOps, printOnnx, type OnnxArtifact } from "../../compiler/backends/onnx/index.js";
import type { LoweringTable } from "../../compiler/backends/onnx/ops/index.js";
import { ONNX_LOWERINGS } from "../../compiler/backends/onnx/ops/index.js";
import { onnxSchema } from "../../compiler/backends/onnx/proto.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { UserError } from "../../compiler/errors.js";
import { optimize } from "../../compiler/passes/index.js";
import { createOnnxExecutor, createOrtSession, encodeOnnx, loadOrt, validateOnnxFile, writeOnnx } from "../../runtime/onnx/index.js";
import { maxAbsDiff } from "../helpers/golden.js";
import { denseWeights, randomInputs, VARIANTS } from "../wgsl/models.js";

const dir = mkdtempSync(join(tmpdir(), "convspec-onnx-test-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const graph = lowerToIR(VARIANTS.mixed);
const weights = denseWeights(graph, 1);
const outputs = contractOutputs(graph);
const optimized = optimize(graph, { passes: "all", requestedOutputs: outputs });

describe("onnx artifact", () => {
  const artifact = compileOnnx(optimized, outputs, parseOnnxOps("standard"));
  const model = artifact.model.graph!;

  it("declares the run contract's inputs with dynamic batch and sequence axes", () => {
    expect(model.input!.map((i) => i.name)).toEqual(["input_ids", "attention_mask", "token_type_ids"]);
    for (const input of model.input!) {
      expect(input.type!.tensorType!.shape!.dim!.map((d) => d.dimParam)).toEqual(["batch", "sequence"]);
    }
  });

  it("names graph outputs as the run contract does, and only those requested", () => {
    expect(model.output!.map((o) => o.name)).toEqual(outputs);
    const one = compileOnnx(optimized, ["cls_logits"]);
    expect(one.model.graph!.output!.map((o) => o.name)).toEqual(["cls_logits"]);
    // Only the ops cls_logits needs: no MLM head.
    expect(one.weights.some((w) => w.name.startsWith("mlm."))).toBe(false);
  });

  it("names every IR value it computes after its IR id", () => {
    const names = new Set(model.node!.flatMap((n) => n.output!));
    for (const op of optimized.ops) for (const id of op.outputs) expect(names, id).toContain(id);
    expect(printOnnx(artifact)).toContain("l0.attention = Reshape(l0.attention:context_t");
  });

  it("uses standard ops only unless contrib ops are asked for", () => {
    expect(artifact.model.opsetImport).toEqual([{ domain: "", version: 17 }]);
    expect(model.node!.every((n) => n.domain === "")).toBe(true);
    const contrib = compileOnnx(optimized, outputs, parseOnnxOps("ort"));
    const domains = new Set(contrib.model.graph!.node!.map((n) => `${n.domain}:${n.opType}`));
    expect(domains).toContain("com.microsoft:MultiHeadAttention");
    expect(domains).toContain("com.microsoft:SkipLayerNormalization");
    expect(contrib.model.opsetImport).toContainEqual({ domain: "com.microsoft", version: 1 });
  });

  it("keeps weights out of the artifact and lays them out as initializers when encoding", () => {
    expect(model.initializer!.every((t) => t.name!.startsWith("const:"))).toBe(true);
    const decoded = onnxSchema().ModelProto.decode(encodeOnnx(artifact, weights, null).model);
    const kernel = decoded.graph!.initializer!.find((t) => t.name === "l0.query:kernel")!;
    // Fused projections: query|key|value|conv_out stacked as [Σout, in] (Gemm, transB).
    expect(kernel.dims!.map(Number)).toEqual([4 * 16, 32]);
    const w = new Float32Array(Uint8Array.from(kernel.rawData!).buffer);
    const hfKey = weights.get("encoder.layer.0.attention.self.key.weight")!.data; // [16, 32]
    expect(w.subarray(16 * 32, 32 * 32)).toEqual(hfKey);
    // A single-segment linear reads the checkpoint tensor itself: a tied LM head shares the word embeddings.
    const tied = lowerToIR(VARIANTS.square);
    const tiedArtifact = compileOnnx(tied, ["mlm_logits"]);
    expect(tiedArtifact.weights.filter((l) => l.name === "embeddings.word_embeddings.weight")).toHaveLength(1);
    expect(tiedArtifact.weights.some((l) => l.name.startsWith("mlm.logits"))).toBe(false);
  });

  it("has the registry's target shape, --backend picking the operator set", () => {
    expect(onnxTarget.compile(optimized, outputs, {}).model.opsetImport).toEqual([{ domain: "", version: 17 }]);
    const ort = onnxTarget.compile(optimized, outputs, { backend: "ort" });
    expect(ort.model.graph!.node!.some((n) => n.domain === "com.microsoft")).toBe(true);
    expect(onnxTarget.print(ort)).toContain("com.microsoft.MultiHeadAttention");
  });

  it("rejects unknown --onnx-ops with a suggestion", () => {
    expect(() => parseOnnxOps("atention")).toThrow(/did you mean 'attention'/);
  });

  it("has a lowering for every op kind (a missing one is a type error)", () => {
    // @ts-expect-error the table must cover every OpKind
    const incomplete: LoweringTable = { ...ONNX_LOWERINGS, take_first: undefined };
    expect(incomplete.take_first).toBeUndefined();
  });
});

describe("onnx files", () => {
  const artifact = compileOnnx(optimized, outputs, parseOnnxOps("standard"));
  const inputs = randomInputs(graph, 2, 7, 3);

  async function runFile(path: string): Promise<Record<string, Float32Array>> {
    const ort = await loadOrt();
    const session = await createOrtSession(path, { threads: 1 });
    const dims = [inputs.batch, inputs.seqLen];
    const result = await session.run({
      input_ids: new ort.Tensor("int32", inputs.inputIds, dims),
      attention_mask: new ort.Tensor("float32", inputs.attentionMask, dims),
      token_type_ids: new ort.Tensor("int32", inputs.tokenTypeIds, dims),
    });
    await session.release();
    return Object.fromEntries(outputs.map((o) => [o, result[o].data as Float32Array]));
  }

  it("writes a file ORT loads, with embedded or external weights, computing the same outputs", async () => {
    const embedded = await writeOnnx(artifact, join(dir, "embedded.onnx"), weights);
    expect(embedded.dataPath).toBeNull();
    await validateOnnxFile(embedded.modelPath);
    const external = await writeOnnx(artifact, join(dir, "external.onnx"), weights, { externalData: "always" });
    expect(external.dataPath).toBe(join(dir, "external.onnx.data"));
    const stored = onnxSchema().ModelProto.decode(readFileSync(external.modelPath)).graph!.initializer!.filter((t) => !t.name!.startsWith("const:"));
    expect(stored.length).toBe(artifact.weights.length);
    for (const t of stored) {
      expect(t.dataLocation).toBe(onnxSchema().TensorProto.DataLocation.EXTERNAL);
      expect(t.rawData!.byteLength).toBe(0);
    }
    const a = await runFile(embedded.modelPath);
    const b = await runFile(external.modelPath);
    const executor = await createOnnxExecutor(artifact, weights, { threads: 1 });
    const c = await executor.run(inputs, outputs);
    executor.dispose();
    for (const o of outputs) {
      expect(b[o]).toEqual(a[o]);
      expect(maxAbsDiff(c[o], { shape: c[o].shape, data: a[o] })).toBe(0);
    }
    expect(readdirSync(dir).filter((f) => f.includes(".tmp-"))).toEqual([]);
  });

  it("refuses a folder, and external data beside a FIFO", async () => {
    await expect(writeOnnx(artifact, dir, weights)).rejects.toThrow(UserError);
    const fifo = join(dir, "fifo.onnx");
    execFileSync("mkfifo", [fifo]);
    await expect(writeOnnx(artifact, fifo, weights, { externalData: "always" })).rejects.toThrow(/external data must be written to a regular file/);
    expect(existsSync(`${fifo}.data`)).toBe(false);
  });

  it("an executor refuses outputs the model was not compiled for", async () => {
    const executor = await createOnnxExecutor(compileOnnx(optimized, ["last_hidden_state"]), weights, { threads: 1 });
    try {
      await expect(executor.run(inputs, ["mlm_logits"])).rejects.toThrow(/compiled without output\(s\) mlm_logits/);
    } finally {
      executor.dispose();
    }
  });
});

export type { OnnxArtifact };
