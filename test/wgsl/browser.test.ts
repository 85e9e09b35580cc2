/**
 * End to end in a browser: the demo page (examples/browser) served from
 * localhost, Debian's chromium driven by playwright-core with SwiftShader's
 * WebGPU, must reproduce the golden tiny-mixed outputs within 1e-3, through
 * the generated WGSL and through the tfjs target on tfjs's WebGPU backend.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildBrowserDemo } from "../../examples/browser/build.js";
import { checkedOutputs, goldenDir, loadGoldenCase, repoRoot } from "../helpers/golden.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wgsl": "text/plain" };

/** Serves `/` from examples/browser, `/dist/` from the build, `/golden/` from the shared golden vectors. */
function serve(dist: string): Promise<Server> {
  const roots: [string, string][] = [["/dist/", dist], ["/golden/", goldenDir], ["/", join(repoRoot, "examples/browser")]];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const [prefix, root] = roots.find(([p]) => path.startsWith(p))!;
    const file = normalize(join(root, path.slice(prefix.length) || "index.html"));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// CI installs chromium: there its absence must fail, not skip.
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")(`browser demo in headless Chromium (skipped: no ${CHROMIUM}; apt-get install chromium)`, () => {
  const dist = mkdtempSync(join(tmpdir(), "convspec-browser-"));
  let server: Server;
  beforeAll(async () => {
    await buildBrowserDemo(dist, join(goldenDir, "tiny-mixed"));
    server = await serve(dist);
  });
  afterAll(() => {
    server?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it.each([
    ["wgsl", "index.html"],
    ["tfjs", "index.html?target=tfjs"],
  ])("runs tiny-mixed through %s on SwiftShader WebGPU and matches every golden output within 1e-3", async (target, pagePath) => {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--no-sandbox", "--disable-background-networking", "--disable-component-update"],
    });
    try {
      const page = await browser.newPage();
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/${pagePath}`);
      await page.waitForFunction(() => window.convspecResult !== undefined, undefined, { timeout: 90_000 });
      const result = (await page.evaluate(() => window.convspecResult))!;
      expect(result.error).toBeUndefined();
      expect(result.target).toBe(target);
      const golden = loadGoldenCase("tiny-mixed");
      expect(Object.keys(result.errors).sort()).toEqual(checkedOutputs(golden).sort());
      for (const [name, err] of Object.entries(result.errors)) expect(err, name).toBeLessThanOrEqual(1e-3);
      expect(await page.locator("#results td.ok").count()).toBe(checkedOutputs(golden).length);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
