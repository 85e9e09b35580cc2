/**
 * The package as another project imports it: `import { loadSpec, compile, run }
 * from "convspec"` resolves through package.json `exports` to the JavaScript
 * and declarations `npm ci` builds (the `prepare` step, bin/build.mjs), in
 * plain Node without tsx. The run must match the golden case.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { loadGoldenCase, repoRoot } from "../helpers/golden.js";

const pkg = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8")) as { exports: Record<string, { types: string; import: string }>; scripts: Record<string, string> };

it("package.json exports a typed entry that npm's prepare step builds", () => {
  expect(pkg.scripts.prepare).toBe("node bin/build.mjs");
  const entry = pkg.exports["."];
  for (const file of [entry.import, entry.types]) expect(existsSync(join(repoRoot, file)), `${file} (run npm run build)`).toBe(true);
  const types = readFileSync(join(repoRoot, entry.types), "utf8");
  for (const name of ["loadSpec", "compile", "run", "lowerToIR", "compileFor", "createExecutor"]) expect(types).toMatch(new RegExp(`\\b${name}\\b`));
});

it('plain Node runs `import { loadSpec, compile, run } from "convspec"` and matches the golden case', () => {
  const golden = loadGoldenCase("tiny-mixed");
  const script = `
    import { readFileSync } from "node:fs";
    import { loadSpec, compile, run, readSafetensors } from "convspec";
    const spec = await loadSpec(${JSON.stringify(golden.configPath)});
    const { artifact } = compile(spec, "tfjs", { outputs: ["last_hidden_state"] });
    const ids = JSON.parse(readFileSync(${JSON.stringify(golden.inputsPath)}, "utf8"));
    const B = ids.input_ids.length, L = ids.input_ids[0].length;
    const inputs = { batch: B, seqLen: L, inputIds: Int32Array.from(ids.input_ids.flat()),
      attentionMask: Float32Array.from(ids.attention_mask.flat()), tokenTypeIds: Int32Array.from(ids.token_type_ids.flat()) };
    const out = await run(spec, inputs, { weights: ${JSON.stringify(golden.modelPath)}, outputs: ["last_hidden_state"], options: { backend: "cpu" } });
    const want = readSafetensors(${JSON.stringify(join(golden.modelPath, "../expected.safetensors"))}).tensors.get("last_hidden_state").data;
    const err = out.last_hidden_state.data.reduce((m, v, i) => Math.max(m, Math.abs(v - want[i])), 0);
    console.log(JSON.stringify({ compiled: Object.keys(artifact.outputs), shape: out.last_hidden_state.shape, err }));
  `;
  const printed = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: repoRoot, encoding: "utf8" });
  const result = JSON.parse(printed.trim().split("\n").pop()!) as { compiled: string[]; shape: number[]; err: number };
  expect(result.compiled).toEqual(["last_hidden_state"]);
  expect(result.shape).toEqual([2, 16, 64]);
  expect(result.err).toBeLessThanOrEqual(1e-4);
});
