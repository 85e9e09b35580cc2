/**
 * Front-end time on hostile inputs (issue 14): a long `let x = 1+1+...`,
 * files with a mistake on every line, and printing their diagnostics. Each
 * case at n and 2n: a linear front end takes about twice as long at 2n, a
 * quadratic one four times. Median of --runs runs.
 * Run: npm run bench:frontend-hostile -- [--n 10000] [--runs 3] [--only lines]
 */
import { performance } from "node:perf_hooks";
import Table from "cli-table3";
import { loadSpecFromText } from "../compiler/load.js";
import { median, option } from "./common.js";

const n = Number(option("--n", "10000"));
const runs = Number(option("--runs", "3"));
const only = option("--only", "");

const block = `model "t" { vocab 100 hidden 64 layers 2 block { heads 4 ffn { intermediate 64 } } }\n`;
const cases: [string, (k: number) => string][] = [
  ["let x = 1+1+... (k terms)", (k) => `let x = ${Array(k).fill("1").join("+")}\n${block}`],
  ["k lines of 'hiden 1' (unknown field)", (k) => `model "t" {\n${"  hiden 1\n".repeat(k)}}\n`],
  ["k lines of 'vocab = 1' (syntax error)", (k) => `model "t" {\n${"  vocab = 1\n".repeat(k)}}\n`],
  ["k lines of 'vocab: 1' (lexer error)", (k) => `model "t" {\n${"  vocab: 1\n".repeat(k)}}\n`],
];

/** Milliseconds to load `text` and, when it fails, to format the error as `check` prints it. */
function once(text: string): number {
  const start = performance.now();
  try {
    loadSpecFromText(text, "t.convspec");
  } catch (e) {
    (e as { format?: () => string }).format?.();
  }
  return performance.now() - start;
}

const table = new Table({ head: ["case", "k", "median ms", "ms at 2k / ms at k"] });
for (const [label, make] of cases.filter(([label]) => label.includes(only))) {
  const times = [n, 2 * n].map((k) => {
    const text = make(k);
    return median(Array.from({ length: runs }, () => once(text)));
  });
  table.push([label, n, times[0].toFixed(0), ""], ["", 2 * n, times[1].toFixed(0), (times[1] / times[0]).toFixed(2)]);
}
console.log(`convspec front end on hostile inputs, median of ${runs}, node ${process.version}`);
console.log(table.toString());
