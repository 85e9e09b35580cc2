/** `convspec compare` end to end on the shipped specs: the JSON contract and bad input. */
import { afterEach, describe, expect, it, vi } from "vitest";
import { main } from "../../cli/main.js";
import { forwardFlops } from "../../compiler/analysis/flops.js";
import type { ModelSummary } from "../../compiler/analysis/summary.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpec } from "../../compiler/load.js";

const SPECS: Record<string, number> = {
  "specs/conv-bert-small.convspec": 13_143_768,
  "specs/conv-bert-medium-small.convspec": 17_475_888,
  "specs/conv-bert-base.convspec": 105_680_520,
  "specs/bert-base.convspec": 109_482_240,
  "specs/electra-small.convspec": 13_483_008,
};

async function runCli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(process.stdout, "write").mockImplementation((chunk) => (out.push(String(chunk)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  const code = await main(["node", "convspec", "compare", ...args]);
  vi.restoreAllMocks();
  return { code, stdout: out.join(""), stderr: err.join("") };
}

describe("convspec compare", () => {
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  });

  it("--json: exact backbone counts and FLOPs from the IR for the five shipped models", async () => {
    const { code, stdout } = await runCli([...Object.keys(SPECS), "--batch", "2", "--seq", "64,128", "--json"]);
    expect(code).toBe(0);
    const { models } = JSON.parse(stdout) as { models: ModelSummary[] };
    expect(models.map((m) => m.spec)).toEqual(Object.keys(SPECS));
    for (const model of models) {
      expect(model.params.backbone).toBe(SPECS[model.spec]);
      expect(model.params.total).toBe(model.params.backbone + model.params.heads);
      const flops = forwardFlops(lowerToIR(await loadSpec(model.spec)), { batch: 2, seqLen: 128 });
      expect(model.flops.bySeqLen["128"].total).toBe(flops.total);
      expect(Object.keys(model.flops.bySeqLen)).toEqual(["64", "128"]);
      const memory = model.memory.bySeqLen["128"];
      expect(memory.arenaBytes).toBeGreaterThanOrEqual(memory.peakBytes);
      expect(memory.arenaBytes).toBeLessThanOrEqual(memory.intermediatesBytes);
    }
  });

  it("prints a table with the exact counts and ratios to the first spec", async () => {
    const { code, stdout } = await runCli(["specs/bert-base.convspec", "specs/conv-bert-base.convspec", "--seq", "128"]);
    expect(code).toBe(0);
    expect(stdout).toContain("109,482,240");
    expect(stdout).toMatch(/105,680,520 \S*×0\.97/);
    expect(stdout).toContain("span-based dynamic conv");
  });

  it("rejects a sequence longer than the model's positions and a bad batch, with exit 1", async () => {
    const long = await runCli(["specs/conv-bert-small.convspec", "--seq", "1024"]);
    expect(long.code).toBe(1);
    expect(long.stderr).toContain("--seq 1024 exceeds the model's max positions (512)");
    const batch = await runCli(["specs/conv-bert-small.convspec", "--batch", "two"]);
    expect(batch.code).toBe(1);
    expect(batch.stderr).toContain("--batch expects positive integers, got 'two'");
  });
});
