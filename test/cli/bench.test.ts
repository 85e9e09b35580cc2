/**
 * `convspec bench` in-process on two tiny specs: the JSON validates against
 * the shipped schema and is consistent (stats, GFLOP/s, ratios, skipped
 * lengths); the table; -o never overwrites an input; the progress bar on a
 * terminal; the WGSL target where an adapter exists.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { progressBar } from "../../cli/bench/progress.js";
import { benchResultProblems, parseBenchResults, type BenchResults } from "../../cli/bench/results.js";
import { sampleStats } from "../../cli/bench/stats.js";
import { main } from "../../cli/main.js";
import { noAdapter } from "../wgsl/gpu.js";

const TINY = ["test/fixtures/tiny-128.convspec", "test/fixtures/tiny-wide.convspec"];

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  const code = await main(["node", "convspec", ...args]);
  vi.restoreAllMocks();
  return { code, stdout: out.join(""), stderr: err.join("") };
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("convspec bench", () => {
  it("--json validates against bench-results.schema.json and its numbers agree with each other", async () => {
    const { code, stdout, stderr } = await cli("bench", ...TINY, "--target", "tfjs", "--backend", "wasm", "--seq", "16,256", "--batch", "1,2", "--reps", "3", "--json");
    expect(stderr).toBe(""); // no progress bar when stderr is not a terminal
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as BenchResults;
    expect(benchResultProblems(results)).toEqual([]);
    expect(results.executor).toBe("tfjs wasm");
    expect(results.results.map((c) => `${c.model} B${c.batch} L${c.seqLen}`)).toEqual([
      "tiny-128 B1 L16", "tiny-128 B2 L16", "tiny-wide B1 L16", "tiny-wide B1 L256", "tiny-wide B2 L16", "tiny-wide B2 L256",
    ]);
    expect(results.skipped.map((s) => `${s.model} B${s.batch} L${s.seqLen}: ${s.reason}`)).toEqual([
      "tiny-128 B1 L256: L=256 exceeds max_positions 128", "tiny-128 B2 L256: L=256 exceeds max_positions 128",
    ]);
    for (const c of results.results) {
      expect(c.samplesMs).toHaveLength(3);
      expect(c).toMatchObject(sampleStats(c.samplesMs));
      expect(c.gflops).toBeCloseTo(c.flops / (c.medianMs / 1e3) / 1e9, 9);
      expect(c.predicted?.device).toBe("cpu-wasm");
      const base = results.results.find((b) => b.model === "tiny-128" && b.batch === c.batch && b.seqLen === c.seqLen);
      expect(c.ratioToFirst).toBe(base ? c.medianMs / base.medianMs : null);
    }
    expect(results.results[0].ratioToFirst).toBe(1);
  });

  it("prints a table with one row per spec and shape, and writes the JSON with -o", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-bench-"));
    const file = join(dir, "results.json");
    const { code, stdout } = await cli("bench", TINY[0], "--seq", "8", "--reps", "2", "-o", file);
    expect(code).toBe(0);
    expect(stdout).toMatch(/│ model +│ B │ L │ +FLOPs │ +median │ +IQR │ +min … max │ GFLOP\/s │ × first │ predicted \(cpu-wasm\) │ pred ÷ meas │/);
    expect(stdout).toMatch(/│ tiny-128 │ 1 │ 8 │ 1\.09 MFLOP │ +[\d.]+ [µm]?s │ +[\d.]+ [µm]?s … [\d.]+ [µm]?s │/);
    expect(stdout).toContain("1 warm-up run(s) excluded, 2 timed run(s) per row.");
    const written = parseBenchResults(readFileSync(file, "utf8"), file);
    expect(written.results).toHaveLength(1);
  });

  it("refuses an output that is one of its inputs, leaving it untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-bench-"));
    const spec = join(dir, "model.convspec");
    writeFileSync(spec, readFileSync(TINY[0], "utf8"));
    const { code, stderr } = await cli("bench", spec, "--seq", "8", "--reps", "1", "-o", spec);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: -o ${spec} is the same file as the spec ${spec}, an input of this command: writing it would destroy it; choose another output\n`);
    expect(readFileSync(spec, "utf8")).toBe(readFileSync(TINY[0], "utf8"));
  });

  it("bad options: --target, --backend with wgsl, --reps 0, an unknown --predict device", async () => {
    expect((await cli("bench", TINY[0], "--target", "onnxx")).stderr).toBe("error: unknown target 'onnxx' (did you mean 'onnx'?); targets: tfjs, wgsl, onnx\n");
    expect((await cli("bench", TINY[0], "--target", "wgsl", "--backend", "wasm")).stderr).toBe("error: --backend does not apply to --target wgsl (it has no backends to choose from)\n");
    expect((await cli("bench", TINY[0], "--reps", "0")).stderr).toBe("error: --reps expects positive integers, got '0'\n");
    expect((await cli("bench", TINY[0], "--predict", "h200")).stderr).toMatch(/^error: unknown device 'h200' \(did you mean 'h100'\?\)/);
  });

  it("a bench file that is not bench output is refused by report's reader with the schema's complaint", () => {
    expect(() => parseBenchResults('{"format":"convspec-bench/1"}', "r.json")).toThrow("r.json: not 'convspec bench --json' output:\n  / must have required property 'createdAt'");
    expect(() => parseBenchResults("nope", "r.json")).toThrow(/^r\.json: not JSON/);
  });

  it("draws a progress bar on a terminal: runs done out of the total, and what runs now", async () => {
    const stream = Object.assign(new PassThrough(), { isTTY: true, columns: 100, cursorTo: () => true, clearLine: () => true, moveCursor: () => true }) as unknown as NodeJS.WriteStream;
    let text = "";
    (stream as unknown as PassThrough).on("data", (chunk: Buffer) => (text += chunk.toString()));
    const bar = await progressBar(4, stream);
    bar.tick("tiny-128 B1 L8");
    bar.tick("tiny-128 B1 L8");
    await new Promise((r) => setTimeout(r, 150));
    bar.stop();
    expect(text).toMatch(/bench .* 2\/4 runs \| tiny-128 B1 L8 \| ETA/);
  });

  it.skipIf(noAdapter)("--target wgsl runs the generated kernels", async () => {
    const { code, stdout } = await cli("bench", TINY[0], "--target", "wgsl", "--seq", "8", "--reps", "2", "--json");
    expect(code).toBe(0);
    const results = JSON.parse(stdout) as BenchResults;
    expect(benchResultProblems(results)).toEqual([]);
    expect(results.executor).toBe("wgsl (WebGPU)");
    expect(results.results[0].predicted).toBeNull();
  });
});
