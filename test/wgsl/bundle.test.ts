/** `writeWgslBundle` output runs on its own: plan.json + run-plan.js, no convspec imports. */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { writeWgslBundle } from "../../compiler/backends/wgsl/emit.js";
import { compileWgsl, type WgslProgramPlan } from "../../compiler/backends/wgsl/index.js";
import type * as Runner from "../../runtime/webgpu/plan-runner.js";
import { checkedOutputs, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";
import { goldenModel } from "./golden-model.js";
import { noAdapter, sharedDevice, NO_ADAPTER_REASON } from "./gpu.js";

const golden = loadGoldenCase("tiny-mixed");
const { graph, weights } = goldenModel(golden);
const dir = mkdtempSync(join(tmpdir(), "convspec-wgsl-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const plan = compileWgsl(graph);
await writeWgslBundle(plan, dir);

describe("WGSL bundle", () => {
  it("writes every kernel, plan.json and run-plan.js, and nothing else", () => {
    const files = readdirSync(dir).sort();
    expect(files).toEqual([...plan.kernels.map((k) => `${k.name}.wgsl`), "plan.json", "run-plan.js", "convspec-manifest.json"].sort());
    const onDisk = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as WgslProgramPlan;
    expect(onDisk.dispatches.length).toBe(plan.dispatches.length);
    expect(readFileSync(join(dir, "run-plan.js"), "utf8")).not.toMatch(/^\s*import\s/m);
  });

  it("CONVSPEC_DEBUG=kernels prints every kernel with its name", () => {
    const write = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
    vi.stubEnv("CONVSPEC_DEBUG", "kernels");
    try {
      const p = compileWgsl(graph);
      const printed = write.mock.calls.map((c) => String(c[0])).join("");
      for (const k of p.kernels) expect(printed).toContain(`// ---- kernel ${k.name} ----\n${k.code}`);
    } finally {
      vi.unstubAllEnvs();
      write.mockRestore();
    }
  });

  it.skipIf(noAdapter)(`run-plan.js reproduces the golden outputs within 1e-3${noAdapter ? ` (skipped: ${NO_ADAPTER_REASON})` : ""}`, async () => {
    const runner = (await import(pathToFileURL(join(dir, "run-plan.js")).href)) as typeof Runner;
    const onDisk = JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as WgslProgramPlan;
    const ctx = runner.createGpuContext(await sharedDevice(), weights);
    const run = await runner.createPlanRunner(ctx, onDisk);
    const names = checkedOutputs(golden);
    const actual = await run.run(golden.inputs, names);
    for (const name of names) expect(maxAbsDiff(actual[name], golden.expected.get(name)!), name).toBeLessThanOrEqual(1e-3);
    run.dispose();
    runner.disposeGpuContext(ctx);
    expect(ctx.stats.created).toBe(ctx.stats.destroyed);
  });
});
