/**
 * `npm run bench`: every CPU benchmark in one run, one after the other:
 *  1. bench/tfjs.ts: the tfjs target, all passes vs `--opt none`, per backend
 *     (wasm; webgpu on the local adapter for conv-bert-small);
 *  2. bench/onnx.ts: the ONNX target on ONNX Runtime beside tfjs-wasm, `--opt
 *     none` and Hugging Face's own ONNX export (with --hf-python or
 *     CONVSPEC_HF_PYTHON: a Python with torch + transformers).
 *
 *   npm run bench -- [--quick] [--models small,base] [--write-docs] [--hf-python PY]
 *
 * The shared flags go to both; `npm run bench:tfjs` / `bench:onnx` take each
 * script's own flags. `--write-docs` rewrites docs/bench-tfjs.md and
 * docs/bench-onnx.md; without it nothing is written.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dirname, "..");
const args = process.argv.slice(2);
const SHARED = new Set(["--quick", "--write-docs"]);
const WITH_VALUE: Record<string, "both" | "onnx"> = { "--models": "both", "--hf-python": "onnx" };

const forTfjs: string[] = [];
const forOnnx: string[] = [];
for (let i = 0; i < args.length; i++) {
  const arg = args[i];
  if (SHARED.has(arg)) {
    forTfjs.push(arg);
    forOnnx.push(arg);
  } else if (arg in WITH_VALUE && i + 1 < args.length) {
    const pair = [arg, args[++i]];
    if (WITH_VALUE[arg] === "both") forTfjs.push(...pair);
    forOnnx.push(...pair);
  } else {
    console.error(`npm run bench: unknown flag '${arg}'; it takes --quick, --models, --write-docs, --hf-python (see bench:tfjs and bench:onnx for the rest)`);
    process.exit(2);
  }
}

for (const [script, scriptArgs] of [["bench/tfjs.ts", forTfjs], ["bench/onnx.ts", forOnnx]] as const) {
  console.log(`\n## ${script} ${scriptArgs.join(" ")}\n`);
  const result = spawnSync(process.execPath, [join(root, "bin/run-ts.mjs"), join(root, script), ...scriptArgs], { cwd: root, stdio: "inherit" });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
