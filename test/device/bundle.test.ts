/**
 * The device bundle runs on its own: bench/device/main.ts bundled by esbuild,
 * with only Dawn's package and the spec schema beside it (the Known pitfalls:
 * jsonc-parser's UMD build, the schema read relative to the module, esbuild
 * never bundled). Runs the golden cases and a short bench through it on the
 * default local adapter.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSpec } from "../../compiler/load.js";
import { exportHfConfig } from "../../compiler/spec/hf-config.js";
import { bundleDeviceEntry, DEVICE_ENTRY_FILE } from "../../bench/device/bundle.js";
import type { ResultRecord } from "../../bench/device/results.js";
import { goldenDir, repoRoot } from "../helpers/golden.js";
import { noAdapter } from "../wgsl/gpu.js";

const dir = mkdtempSync(join(tmpdir(), "convspec-device-"));
const app = join(dir, "app");
const out = join(dir, "out");
const config = join(dir, "models/conv-bert-small/config.json");
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const device = (...args: string[]) => spawnSync(process.execPath, [join(app, DEVICE_ENTRY_FILE), ...args], { encoding: "utf8", cwd: dir, timeout: 240_000 });

describe("device bundle (bench/device, bundled)", () => {
  let problem: string | null = null;
  beforeAll(async () => {
    problem = await bundleDeviceEntry(app);
    mkdirSync(join(app, "node_modules"));
    symlinkSync(join(repoRoot, "node_modules/webgpu"), join(app, "node_modules/webgpu"));
    mkdirSync(join(dir, "models/conv-bert-small"), { recursive: true });
    writeFileSync(config, JSON.stringify(exportHfConfig(await loadSpec(join(repoRoot, "specs/conv-bert-small.convspec")))));
  });

  it("bundles without esbuild or TensorFlow.js, and prints its usage", () => {
    expect(problem).toBeNull();
    const code = readFileSync(join(app, DEVICE_ENTRY_FILE), "utf8");
    expect(code).not.toMatch(/["']esbuild["']/);
    const help = device("--help");
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: convspec-device <info\|golden\|bench\|summary>/);
  });

  it("refuses an unknown command with a clear error and exit 2", () => {
    const r = device("benchmark");
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^error: unknown command 'benchmark'/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(noAdapter)("runs the golden cases within 1e-3 from the bundle alone", () => {
    const r = device("golden", "--golden", goldenDir, "--backend", "opengl", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(out, "golden.json"), "utf8")) as { device: string; cases: { name: string; pass: boolean; maxAbsErr: number }[] };
    expect(record.device).toMatch(/^opengl: /);
    expect(record.cases.length).toBeGreaterThan(0);
    for (const c of record.cases) expect(c.maxAbsErr, c.name).toBeLessThanOrEqual(1e-3);
  });

  it.skipIf(noAdapter)("benches a model from its HF config.json, writes its row and the summary", () => {
    const r = device("bench", "--model", config, "--backend", "opengl", "--cases", "b1l8", "--reps", "1", "--seconds", "60", "--out", out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/no Hugging Face reference/);
    const record = JSON.parse(readFileSync(join(out, "results/wgsl-b1l8.json"), "utf8")) as ResultRecord;
    expect(record).toMatchObject({ runner: "wgsl", case: "b1l8", batch: 1, seqLen: 8, status: "ok", maxAbsErr: null, gpuMs: null });
    expect(record.device).toMatch(/^opengl: /);
    expect(record.wallMs!.n).toBeGreaterThanOrEqual(1);
    expect(record.flops).toBeGreaterThan(0);
    const summary = readFileSync(join(out, "summary.md"), "utf8");
    expect(summary).toContain("| B1 L8 | wgsl | opengl: ");
    expect(summary).toMatch(/Golden cases on opengl: .*ok/);
    expect(existsSync(join(out, "results/wgsl-b1l8.json.tmp"))).toBe(false);
  });
});
