/**
 * End to end in a browser: the demo page (examples/browser) served from
 * localhost, Debian's chromium driven by playwright-core with SwiftShader's
 * WebGPU, must reproduce the golden tiny-mixed outputs within 1e-3, through
 * the generated WGSL and through the tfjs target on tfjs's WebGPU backend.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeWgslBundle } from "../../compiler/backends/wgsl/emit.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { loadSpec } from "../../compiler/load.js";
import { compileFor } from "../../compiler/pipeline.js";
import { readSafetensors, specWithCheckpointHeads } from "../../runtime/weights/index.js";
import { buildBrowserDemo } from "../../examples/browser/build.js";
import type { DemoResult } from "../../examples/browser/main.js";
import { fileFor, serveDemo } from "../../examples/browser/serve.js";
import { checkedOutputs, goldenDir, loadGoldenCase } from "../helpers/golden.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";

describe("the demo server", () => {
  const root = mkdtempSync(join(tmpdir(), "convspec-serve-"));
  mkdirSync(join(root, "bundle"));
  writeFileSync(join(root, "bundle/plan.json"), "{}");
  writeFileSync(join(root, "secret.txt"), "no");
  symlinkSync(join(root, "secret.txt"), join(root, "bundle/link.txt"));
  symlinkSync("/dev/zero", join(root, "bundle/zero"));
  const mounts: [string, string][] = [["/user/bundle/", join(root, "bundle")], ["/user/weights.safetensors", join(root, "secret.txt")]];

  it("serves regular files inside a mount, and a file mount at exactly its path", () => {
    expect(fileFor(mounts, "/user/bundle/plan.json")).toBe(join(root, "bundle/plan.json"));
    expect(fileFor(mounts, "/user/weights.safetensors")).toBe(join(root, "secret.txt"));
  });

  it("serves nothing outside a mount: .., symlinks out, devices, folders, unmounted paths", () => {
    for (const path of ["/user/bundle/../secret.txt", "/user/bundle/link.txt", "/user/bundle/zero", "/user/bundle/", "/user/weights.safetensors/x", "/etc/passwd"]) {
      expect(fileFor(mounts, path), path).toBeNull();
    }
  });
});

// CI installs chromium: there its absence must fail, not skip.
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")(`browser demo in headless Chromium${existsSync(CHROMIUM) ? "" : ` (skipped: no ${CHROMIUM}; apt-get install chromium)`}`, () => {
  const dist = mkdtempSync(join(tmpdir(), "convspec-browser-"));
  const userBundle = join(dist, "user-bundle");
  let server: Server;
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--no-sandbox", "--disable-background-networking", "--disable-component-update"],
    });
    await buildBrowserDemo(dist, join(goldenDir, "tiny-mixed"));
    // A "user's" model: the tiny-grouped-proj golden case compiled to a bundle of its own.
    const user = loadGoldenCase("tiny-grouped-proj");
    const checkpoint = readSafetensors(user.modelPath);
    const graph = lowerToIR(specWithCheckpointHeads(await loadSpec(user.configPath), checkpoint));
    await writeWgslBundle(compileFor("wgsl", graph, { outputs: contractOutputs(graph) }).artifact, userBundle);
    server = await serveDemo({ dist, golden: goldenDir, bundle: userBundle, weights: user.modelPath, inputs: user.inputsPath, expected: join(goldenDir, "tiny-grouped-proj/expected.safetensors") });
  });
  afterAll(async () => {
    await browser?.close();
    server?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  /** Opens a page of the demo, optionally does something there, and returns the result it leaves on window. */
  async function demo(pagePath: string, act?: (page: Page) => Promise<void>): Promise<{ result: DemoResult; page: Page }> {
    const page = await browser.newPage();
    const { port } = server.address() as AddressInfo;
    await page.goto(`http://127.0.0.1:${port}/${pagePath}`);
    await page.waitForFunction(() => window.convspecResult !== undefined, undefined, { timeout: 90_000 });
    if (act) {
      await act(page);
      await page.waitForFunction(() => window.convspecResult !== undefined, undefined, { timeout: 90_000 });
    }
    return { result: (await page.evaluate(() => window.convspecResult))!, page };
  }

  function expectGolden(result: DemoResult, name: string): void {
    expect(result.error).toBeUndefined();
    const golden = loadGoldenCase(name);
    expect(Object.keys(result.errors).sort()).toEqual(checkedOutputs(golden).sort());
    for (const [output, err] of Object.entries(result.errors)) expect(err, output).toBeLessThanOrEqual(1e-3);
  }

  it.each([
    ["wgsl", "index.html"],
    ["tfjs", "index.html?target=tfjs"],
  ])("runs tiny-mixed through %s on SwiftShader WebGPU and matches every golden output within 1e-3", async (target, pagePath) => {
    const { result, page } = await demo(pagePath);
    expect(result.target).toBe(target);
    expect(result.source).toBe("golden");
    expectGolden(result, "tiny-mixed");
    expect(await page.locator("#results td.ok").count()).toBe(checkedOutputs(loadGoldenCase("tiny-mixed")).length);
  }, 120_000);

  it("runs the bundle, weights, inputs and expected outputs `npm run example:browser -- --bundle … --weights …` serves (?user)", async () => {
    const { result, page } = await demo("index.html?user");
    expect(result.source).toBe("served");
    expectGolden(result, "tiny-grouped-proj");
    expect(await page.locator("#model").textContent()).toBe("tiny-grouped-proj from user/bundle; inputs B=1 L=11");
  }, 120_000);

  it("runs a bundle folder and checkpoint picked in the form, with generated inputs when none is picked", async () => {
    const { result, page } = await demo("index.html", async (page) => {
      await page.evaluate(() => (window.convspecResult = undefined));
      await page.setInputFiles("#pick-bundle", userBundle);
      await page.setInputFiles("#pick-weights", loadGoldenCase("tiny-grouped-proj").modelPath);
      await page.click("#pick button");
    });
    expect(result.error).toBeUndefined();
    expect(result.source).toBe("picked");
    expect(result.errors).toEqual({}); // no expected outputs given
    expect(result.outputs.last_hidden_state.shape).toEqual([1, 16, 64]);
    expect(result.outputs.last_hidden_state.first.every(Number.isFinite)).toBe(true);
    expect(await page.locator("#model").textContent()).toBe("tiny-grouped-proj from the picked folder; inputs B=1 L=16 (generated: no inputs.json given)");
  }, 120_000);
});
