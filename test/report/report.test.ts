/**
 * `convspec report` end to end: the shipped specs, a heterogeneous variant
 * and a tiny spec with measured latencies from a real `bench` run, written
 * to one HTML file that headless Chromium (playwright-core, as the browser
 * demo's test) opens without network: no console errors, every chart drawn
 * with its marks, screenshots (light and dark) saved under test-output/.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { runBench } from "../../cli/bench/run-bench.js";
import { main } from "../../cli/main.js";
import { repoRoot } from "../helpers/golden.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const OUTPUT_DIR = join(repoRoot, "test-output");
const SHIPPED = readdirSync(join(repoRoot, "specs")).filter((f) => f.endsWith(".convspec")).map((f) => `specs/${f}`);
const SPECS = [...SHIPPED, "specs/variants/conv-bert-base-conv-low.convspec", "test/fixtures/tiny-128.convspec"];

async function cli(...args: string[]): Promise<{ code: number; stderr: string }> {
  const err: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((chunk) => (err.push(String(chunk)), true));
  const code = await main(["node", "convspec", ...args]);
  vi.restoreAllMocks();
  return { code, stderr: err.join("") };
}

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

describe("convspec report", () => {
  const dir = mkdtempSync(join(tmpdir(), "convspec-report-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const html = join(dir, "report.html");
  const benchFile = join(dir, "bench.json");

  beforeAll(async () => {
    const bench = await runBench(["test/fixtures/tiny-128.convspec"], { target: "tfjs", backend: "wasm", batches: [1], seqLens: [16, 64], reps: 2, warmup: 1, seed: 0 });
    writeFileSync(benchFile, JSON.stringify(bench));
    const { code, stderr } = await cli("report", ...SPECS, "--bench", benchFile, "-o", html);
    expect(stderr).toMatch(/^wrote .*report\.html \(\d+ KiB, 7 model\(s\)\)\n$/);
    expect(code).toBe(0);
  }, 120_000);

  it("is one self-contained file: no script, no stylesheet or image to fetch, nothing left beside it", () => {
    const text = readFileSync(html, "utf8");
    expect(text).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    expect(text).not.toMatch(/\ssrc=/i);
    expect(readdirSync(dir).sort()).toEqual(["bench.json", "report.html"]);
    expect(text).toContain("@media (prefers-color-scheme: dark)");
    expect(text).toContain("@media print");
  });

  it("refuses to write over one of its inputs, and a --bench file that is not bench output", async () => {
    const copy = join(dir, "copy.convspec");
    writeFileSync(copy, readFileSync("test/fixtures/tiny-128.convspec"));
    const same = await cli("report", copy, "-o", copy);
    expect(same.code).toBe(1);
    expect(same.stderr).toBe(`error: -o ${copy} is the same file as the spec ${copy}, an input of this command: writing it would destroy it; choose another output\n`);
    expect(readFileSync(copy, "utf8")).toBe(readFileSync("test/fixtures/tiny-128.convspec", "utf8"));
    const bad = await cli("report", copy, "--bench", copy, "-o", join(dir, "r2.html"));
    expect(bad.stderr).toMatch(new RegExp(`^error: ${copy.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: not JSON`));
    expect(existsSync(join(dir, "r2.html"))).toBe(false);
    const folder = await cli("report", copy, "--bench", dir, "-o", join(dir, "r3.html"));
    expect(folder.stderr).toBe(`error: JSON file ${dir} is a directory, not a file\n`);
    expect(existsSync(join(dir, "r3.html"))).toBe(false);
  });

  // CI installs chromium: there its absence must fail, not skip.
  it.skipIf(!existsSync(CHROMIUM) && process.env.CI !== "true")("renders every chart in headless Chromium with no console error, light and dark, screen and print", async () => {
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update"] });
    try {
      mkdirSync(OUTPUT_DIR, { recursive: true });
      for (const colorScheme of ["light", "dark"] as const) {
        const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, colorScheme });
        const problems: string[] = [];
        const requests: string[] = [];
        page.on("console", (m) => (m.type() === "error" || m.type() === "warning") && problems.push(`${m.type()}: ${m.text()}`));
        page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
        page.on("request", (r) => !r.url().startsWith("file:") && requests.push(r.url()));
        await page.goto(pathToFileURL(html).href);
        const charts = await page.$$eval("svg.chart", (svgs) =>
          svgs.map((svg) => {
            const box = svg.getBoundingClientRect();
            const kind = svg.getAttribute("data-kind");
            const marks = kind === "line" ? svg.querySelectorAll("path.line").length : kind === "stacked-bars" ? svg.querySelectorAll("g.bar rect").length : svg.querySelectorAll("g.range-row circle").length;
            return { id: svg.getAttribute("data-chart"), kind, marks, width: box.width, height: box.height };
          }),
        );
        expect(charts.map((c) => `${c.id}:${c.kind}`)).toEqual([
          "parameters:stacked-bars", "flops:line", "memory:line",
          "latency-h100:line", "latency-m2:line", "latency-cpu-wasm:line", "measured-vs-predicted:ranges",
          "shares-128:stacked-bars", "shares-512:stacked-bars",
          "layers-5-heads:stacked-bars", "layers-5-flops:stacked-bars",
        ]);
        for (const c of charts) {
          expect(c.width, c.id!).toBeGreaterThan(300);
          expect(c.height, c.id!).toBeGreaterThan(100);
        }
        const marks = Object.fromEntries(charts.map((c) => [c.id, c.marks]));
        expect(marks.flops).toBe(SPECS.length); // one line per model
        expect(marks["latency-cpu-wasm"]).toBe(SPECS.length + 1); // + tiny-128's measured medians
        expect(marks["measured-vs-predicted"]).toBe(2); // B1 L16 and L64
        expect(marks["layers-5-heads"]).toBe(24); // 12 layers x (attention, conv)
        expect(await page.locator("figure").count()).toBe(charts.length);
        expect(problems).toEqual([]);
        expect(requests).toEqual([]);
        await page.screenshot({ path: join(OUTPUT_DIR, `report-${colorScheme}.png`), fullPage: true });
        await page.emulateMedia({ media: "print" });
        expect(await page.$$eval("svg.chart", (s) => s.filter((x) => x.getBoundingClientRect().width > 0).length)).toBe(charts.length);
        await page.close();
      }
      expect(existsSync(join(OUTPUT_DIR, "report-light.png"))).toBe(true);
    } finally {
      await browser.close();
    }
  }, 120_000);
});
