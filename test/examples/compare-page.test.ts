/**
 * The browser example's live comparison (examples/browser/compare.html):
 * the compiler front end bundled for the browser compiles the spec typed in
 * the page; served from localhost to headless Chromium, it must show the
 * comparison and its charts, report a spec error with its location, and
 * recover when the spec is fixed, with no console error.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildComparePage } from "../../examples/browser/build.js";
import { repoRoot } from "../helpers/golden.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript" };

function serve(dist: string): Promise<Server> {
  const roots: [string, string][] = [["/dist/", dist], ["/", join(repoRoot, "examples/browser")]];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    const [prefix, root] = roots.find(([p]) => path.startsWith(p))!;
    const file = normalize(join(root, path.slice(prefix.length)));
    if (!file.startsWith(root) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// CI installs chromium: there its absence must fail, not skip.
describe.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")("browser example: live comparison of a typed spec", () => {
  const dist = mkdtempSync(join(tmpdir(), "convspec-compare-page-"));
  let server: Server;
  beforeAll(async () => {
    await buildComparePage(dist);
    server = await serve(dist);
  }, 120_000);
  afterAll(() => {
    server?.close();
    rmSync(dist, { recursive: true, force: true });
  });

  it("compiles the typed spec in the page, compares it, shows a located error and recovers", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"] });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const problems: string[] = [];
      page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
      page.on("pageerror", (e) => problems.push(e.message));
      const { port } = server.address() as AddressInfo;
      await page.goto(`http://127.0.0.1:${port}/compare.html`);
      await page.waitForFunction(() => window.convspecCompare?.status === "ok", undefined, { timeout: 60_000 });
      const first = (await page.evaluate(() => window.convspecCompare))!;
      expect(first.models).toEqual(["conv-bert-base", "your-variant"]);
      // parameters, FLOPs, latency on h100 / m2 / cpu-wasm, shares, the variant's two per-layer charts
      expect(first.charts).toBe(8);
      expect(await page.locator("#charts svg.chart").count()).toBe(8);
      expect(await page.locator("table.comparison").textContent()).toContain("94,120,308");
      expect(await page.locator("table.comparison").textContent()).toContain("Predicted latency, h100 (fp32)");

      // A mistake is reported with its location, as the CLI does.
      await page.locator("#source").fill('model "broken" extends "conv-bert-base.convspec" {\n  layers 0..5 { kernel 8 }\n}\n');
      await page.waitForFunction(() => window.convspecCompare?.status === "error", undefined, { timeout: 30_000 });
      const error = (await page.evaluate(() => window.convspecCompare))!;
      expect(error.message).toContain("/specs/variants/your-spec.convspec:2:24: error: kernel size 8 must be odd");
      expect(await page.locator("#diagnostics").isVisible()).toBe(true);

      await page.locator("#source").fill('model "fixed" extends "conv-bert-base.convspec" {\n  layers 0..5 { kernel 7 }\n}\n');
      await page.waitForFunction(() => window.convspecCompare?.status === "ok" && window.convspecCompare.models[1] === "fixed", undefined, { timeout: 30_000 });
      expect((await page.evaluate(() => window.convspecCompare))!.charts).toBe(8);
      mkdirSync(join(repoRoot, "test-output"), { recursive: true });
      await page.screenshot({ path: join(repoRoot, "test-output", "compare-page.png"), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
