/** The device run's summary table and the measurement loop, without a device. */
import { mkdtempSync, rmSync, writeFileSync, mkdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { byKernel, measure, type BenchRunner } from "../../bench/device/measure.js";
import { maxAbsError } from "../../bench/device/reference.js";
import { renderResults, writeResult, writeSummary, type ResultRecord } from "../../bench/device/results.js";

const row = (runner: string, extra: Partial<ResultRecord>): ResultRecord => ({
  runner, device: `${runner} device`, case: "b1l128", batch: 1, seqLen: 128, status: "ok", ...extra,
});

describe("device summary", () => {
  const records = [
    row("hf-fp16", { wallMs: { median: 3, min: 3, n: 5 }, gpuMs: { median: 1, min: 1, n: 5 }, maxAbsErr: 2e-3, tolerance: null }),
    row("wgsl", { wallMs: { median: 8, min: 7, n: 5 }, gpuMs: { median: 6, min: 6, n: 5 }, flops: 6e9, maxAbsErr: 2e-5, tolerance: 1e-3 }),
    row("hf-eager-fp32", { wallMs: { median: 4, min: 4, n: 5 }, gpuMs: { median: 3, min: 3, n: 5 }, maxAbsErr: 3e-6, tolerance: 1e-3 }),
    row("hf-cudagraph-fp32", { status: "skipped", reason: "CUDA only: torch sees no GPU" }),
    row("tfjs-webgpu", { wallMs: { median: 9, min: 9, n: 2 }, maxAbsErr: 5e-3, tolerance: 1e-3 }),
  ];

  it("orders rows by kind, takes ratios against HF eager fp32 of the same shape, and marks checks", () => {
    const lines = renderResults(records).split("\n").slice(2);
    expect(lines.map((l) => l.split(" | ")[1])).toEqual(["wgsl", "tfjs-webgpu", "hf-eager-fp32", "hf-fp16", "hf-cudagraph-fp32"]);
    expect(lines[0]).toBe("| B1 L128 | wgsl | wgsl device | 8.00 | 6.00 | 750.0 | 1000.0 | 2.00x | 2.00x | 2.0e-5 | ok (≤ 1.0e-3) |");
    expect(lines[1]).toContain("| FAIL (> 1.0e-3) |");
    expect(lines[3]).toBe("| B1 L128 | hf-fp16 | hf-fp16 device | 3.00 | 1.00 |  |  | 0.75x | 0.33x | 2.0e-3 |  |"); // no FLOPs given; error reported, not checked
    expect(lines[4]).toBe("| B1 L128 | hf-cudagraph-fp32 | hf-cudagraph-fp32 device | | | | | | | | skipped: CUDA only: torch sees no GPU |");
  });

  it("rewrites summary.md from the records, steps and golden results under OUT, skipping a half-written record", () => {
    const out = mkdtempSync(join(tmpdir(), "convspec-summary-"));
    try {
      for (const r of records) writeResult(out, r);
      writeFileSync(join(out, "results", "wgsl-b8l512.json"), '{"runner": "wg');
      mkdirSync(join(out, "steps"));
      writeFileSync(join(out, "steps", "01-info-vulkan.json"), JSON.stringify({ step: "info-vulkan", rc: 124, seconds: 20, note: "timed out after 20s" }));
      writeFileSync(join(out, "golden.json"), JSON.stringify({ device: "vulkan: x", cases: [{ name: "tiny", maxAbsErr: 1e-6, tolerance: 1e-3, pass: true }] }));
      const text = writeSummary(out);
      expect(readFileSync(join(out, "summary.md"), "utf8")).toBe(text);
      expect(text).toContain("| info-vulkan | 124 | 20 | timed out after 20s |");
      expect(text).toContain("Golden cases on vulkan: x: tiny ok (max abs err 1.0e-6)");
      expect(text.split("\n").filter((l) => l.startsWith("| B1 L128 |"))).toHaveLength(5);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe("device measurement loop", () => {
  const inputs = { batch: 1, seqLen: 2, inputIds: new Int32Array(2), attentionMask: new Float32Array(2).fill(1), tokenTypeIds: new Int32Array(2) };
  const fake = (gpu: boolean): BenchRunner & { calls: number } => {
    const r = {
      runner: "fake", device: "cpu", calls: 0,
      forward: async () => {
        r.calls++;
        return Float32Array.of(1, 2.5);
      },
      gpuForward: gpu ? async () => 2e6 : undefined,
      dispose: () => {},
    };
    return r;
  };

  it("checks the first forward against the float64 reference and stops at the rep count", async () => {
    const r = fake(true);
    const record = await measure(r, { name: "b1l2", inputs, flops: 10, expected: Float64Array.of(1, 2.5004) }, { reps: 4, until: Infinity, tolerance: 1e-3 });
    expect(record.maxAbsErr).toBeCloseTo(4e-4, 9);
    expect(record.tolerance).toBe(1e-3);
    expect(record.wallMs!.n).toBe(4);
    expect(record.gpuMs).toEqual({ median: 2, min: 2, n: 4 });
    expect(r.calls).toBe(5); // the checked forward, then 4 timed
  });

  it("runs one timed rep of each kind once the time slice is over, and checks nothing without a reference", async () => {
    const record = await measure(fake(false), { name: "b1l2", inputs, flops: 10 }, { reps: 50, until: 0, tolerance: 1e-3 });
    expect(record.wallMs!.n).toBe(1);
    expect(record.gpuMs).toBeNull();
    expect(record.maxAbsErr).toBeNull();
    expect(record.tolerance).toBeNull();
  });

  it("counts NaN as infinitely wrong and sums dispatches by kernel", () => {
    expect(maxAbsError(Float32Array.of(0, NaN), Float64Array.of(0, 0))).toBe(Infinity);
    expect(byKernel([{ kernel: "a", ns: 1e6 }, { kernel: "b", ns: 3e6 }, { kernel: "a", ns: 1e6 }])).toEqual([
      { kernel: "b", calls: 1, ms: 3 },
      { kernel: "a", calls: 2, ms: 2 },
    ]);
  });
});
