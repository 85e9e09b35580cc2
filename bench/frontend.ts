/**
 * Front-end speed: median wall time of loading a spec (lex, parse, resolve,
 * validate, schema) and of spec text -> IR, after a warm-up.
 * Run: npm run bench:frontend [-- iterations]
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { performance } from "node:perf_hooks";
import Table from "cli-table3";
import { lowerToIR } from "../compiler/ir/lower.js";
import { loadSpecFromText } from "../compiler/load.js";
import { median } from "./common.js";

const iterations = Number(process.argv[2] ?? 200);
const warmup = 20;

function measure(run: () => unknown): { median: number; p90: number } {
  for (let i = 0; i < warmup; i++) run();
  const samples: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const start = performance.now();
    run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: median(samples), p90: samples[Math.floor(samples.length * 0.9)] };
}

const cases = [
  ["specs/conv-bert-base.convspec", "conv-bert-base"],
  ["specs/variants/conv-bert-base-conv-low.convspec", "variant (extends + ranges)"],
] as const;

const table = new Table({ head: ["spec", "stage", "median ms", "p90 ms"] });
for (const [file, label] of cases) {
  const path = resolve(file);
  const text = readFileSync(path, "utf8");
  const load = measure(() => loadSpecFromText(text, path));
  const toIR = measure(() => lowerToIR(loadSpecFromText(text, path)));
  table.push([label, "parse+resolve+validate", load.median.toFixed(3), load.p90.toFixed(3)]);
  table.push([label, "parse -> IR (lowerToIR)", toIR.median.toFixed(3), toIR.p90.toFixed(3)]);
}
console.log(`convspec front end, ${iterations} iterations after ${warmup} warm-up, node ${process.version}`);
console.log(table.toString());
