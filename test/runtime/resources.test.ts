/** `run` sizes the forward pass from the analysis before allocating, and refuses with the figures. */
import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { countParams } from "../../compiler/analysis/params.js";
import { activationMemory } from "../../compiler/analysis/memory.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { formatBytes } from "../../compiler/io/read-file.js";
import { checkResources, estimateResources, WASM_HEAP_BYTES } from "../../runtime/resources.js";
import { specsDir } from "../frontend/helpers.js";
import { cli, STACK_FRAME, tempDir } from "../io/helpers.js";

const base = resolve(specsDir, "conv-bert-base.convspec");
const graphOf = (body: string) => lowerToIR(loadSpecFromText(`model "t" extends "${base}" { ${body} }\n`, join(specsDir, "t.convspec")));
const GiB = 2 ** 30;

describe("estimateResources", () => {
  it("adds the weights twice (loaded and laid out), the activation peak and the outputs", () => {
    const graph = graphOf("");
    const outputs = contractOutputs(graph);
    const at = { batch: 2, seqLen: 128 };
    const e = estimateResources(graph, { ...at, outputs, target: "tfjs", backend: "cpu" });
    expect(e.parameters).toBe(countParams(graph).total);
    expect(e.executorWeightBytes).toBe(4 * countParams(graph).total);
    expect(e.loadedWeightBytes).toBe(e.executorWeightBytes);
    expect(e.activationBytes).toBe(activationMemory(graph, outputs, at).peakWithScratchBytes);
    expect(e.outputBytes).toBeGreaterThan(2 * 128 * 768 * 4 * 13); // hidden states 0..12 at least
    expect(e.totalBytes).toBe(e.loadedWeightBytes + e.executorWeightBytes + e.activationBytes + e.outputBytes);
    expect(estimateResources(graph, { ...at, outputs, target: "tfjs", checkpointBytes: 123 }).loadedWeightBytes).toBe(123);
  });
});

describe("checkResources", () => {
  const request = (graph: ReturnType<typeof graphOf>, seqLen = 8) => ({ batch: 1, seqLen, outputs: contractOutputs(graph), target: "tfjs" as const, backend: "cpu" as const });

  it("passes a real model on a real machine", () => {
    const graph = graphOf("");
    expect(() => checkResources(graph, request(graph), { totalMemory: 8 * GiB })).not.toThrow();
  });

  it("refuses more than the machine's memory with the figures, unless allowed", () => {
    const graph = graphOf("");
    const e = estimateResources(graph, request(graph));
    const machine = e.totalBytes - 1;
    expect(() => checkResources(graph, request(graph), { totalMemory: machine })).toThrow(
      new RegExp(`^model 't' needs about ${formatBytes(e.totalBytes)} to run at B=1, L=8: .* this machine has ${formatBytes(machine)} \\(os\\.totalmem\\)\\. Pass --no-memory-check to try anyway$`),
    );
    expect(checkResources(graph, request(graph), { totalMemory: machine, allowLarge: true }).totalBytes).toBe(e.totalBytes);
  });

  it("refuses more than tfjs-wasm's 4 GiB heap for the wasm backend, explicit or default", () => {
    // 2 attention heads, L = 24,000: the 2·L² attention scores alone are 4.3 GiB.
    const graph = graphOf("max_positions 32768 block { heads 4 ratio 2 }");
    const wasm = { ...request(graph, 24_000), backend: "wasm" as const };
    expect(() => checkResources(graph, wasm, { totalMemory: 64 * GiB })).toThrow(/of tfjs-wasm heap at B=1, L=24000 .* at most 4\.0 GiB\. Use --backend cpu/);
    expect(() => checkResources(graph, { ...wasm, backend: undefined }, { totalMemory: 64 * GiB, defaultBackend: "wasm" })).toThrow(/tfjs-wasm \(the default backend here\)/);
    expect(() => checkResources(graph, { ...wasm, backend: "cpu" }, { totalMemory: 64 * GiB })).not.toThrow();
    expect(estimateResources(graph, wasm).activationBytes).toBeGreaterThan(WASM_HEAP_BYTES);
  });

  it("refuses a tensor past 2^32 elements even when memory checks are off", () => {
    const graph = graphOf("max_positions 20000000");
    expect(() => checkResources(graph, request(graph), { allowLarge: true })).toThrow(UserError);
    expect(() => checkResources(graph, request(graph), { allowLarge: true })).toThrow(
      "model 't' cannot run here: its weight 'embeddings.position_embeddings.weight' has 15.36 G elements at B=1, L=8, and a JavaScript typed array holds at most 4.29 G",
    );
  });
});

describe("convspec run on specs that check accepts but no machine here can run", () => {
  const dir = tempDir();
  writeFileSync(join(dir, "in.json"), JSON.stringify({ input_ids: [[2, 5, 6, 3]] }));
  const spec = (name: string, body: string) => {
    const path = join(dir, `${name}.convspec`);
    writeFileSync(path, `model "${name}" extends "${base}" { ${body} }\n`);
    return path;
  };

  it.each([
    ["layers 4096 hidden 4096", "layers 4096 hidden 4096 embedding 4096 block { heads 16 ffn { intermediate 16384 } }", /needs about 5\.8 TiB to run at B=1, L=4: .*this machine has .* \(os\.totalmem\)/],
    ["kernel 1000001", "block { kernel 1000001 }", /needs about 276\.2 GiB to run at B=1, L=4/],
    ["max_positions 20000000", "max_positions 20000000", /its weight 'embeddings\.position_embeddings\.weight' has 15\.36 G elements/],
    ["hidden 1e12", "hidden 1e12 embedding 1e12 block { heads 1000 ffn { intermediate 1e12 } }", /has 1\.00e\+24 elements/],
    ["vocab 2e9", "vocab 2e9", /its weight 'embeddings\.word_embeddings\.weight' has 1\.54e\+12 elements/],
  ])("%s: refused with the figure before allocating", async (name, body, message) => {
    const path = spec(name.split(" ")[0], body);
    const r = await cli("run", path, "--inputs", join(dir, "in.json"), "--output", join(dir, "out.safetensors"));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK_FRAME);
  }, 120_000);

  it("long inputs that overflow tfjs-wasm's heap are refused with --backend wasm, not 'memory access out of bounds'", async () => {
    const path = spec("long", "hidden 64 embedding 64 max_positions 32768 block { heads 4 ratio 2 ffn { intermediate 64 } }");
    const inputs = join(dir, "long.json");
    writeFileSync(inputs, JSON.stringify({ input_ids: [Array.from({ length: 24_000 }, (_, i) => i % 100)] }));
    const r = await cli("run", path, "--inputs", inputs, "--output", join(dir, "out.safetensors"), "--backend", "wasm");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: model 'long' needs about 4\.\d GiB of tfjs-wasm heap at B=1, L=24000 .*Use --backend cpu, fewer or shorter sequences, or --no-memory-check to try anyway\n$/);
  }, 120_000);
});
