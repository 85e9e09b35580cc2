/** `convspec check`, `import-hf` and `export`, run in-process. */
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerCheck } from "../../cli/commands/check.js";
import { registerExport } from "../../cli/commands/export.js";
import { registerImportHf } from "../../cli/commands/import-hf.js";
import { isUserError } from "../../compiler/errors.js";
import { loadSpec } from "../../compiler/load.js";
import { goldenDir, specsDir } from "./helpers.js";

/** Runs one command; returns what it printed and the exit code main() would give. */
async function run(...args: string[]): Promise<{ out: string; err: string; code: number }> {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = undefined;
  const program = new Command("convspec").exitOverride();
  for (const register of [registerCheck, registerImportHf, registerExport]) register(program);
  let code = 0;
  try {
    await program.parseAsync(["node", "convspec", ...args]);
    code = typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (!isUserError(e)) throw e;
    err += e.format();
    code = 1;
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
  return { out, err, code };
}

afterEach(() => vi.restoreAllMocks());

describe("convspec check", () => {
  it("prints one ok line per valid file", async () => {
    const base = resolve(specsDir, "conv-bert-base.convspec");
    const low = resolve(specsDir, "variants/conv-bert-base-conv-low.convspec");
    const r = await run("check", base, low);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`${base}  conv-bert-base: 12 layers, 6 attention + 6 conv heads of 64, kernel 9, FFN 3072\n`);
    expect(r.out).toContain("conv-bert-base-conv-low: 12 layers, layers 0-5: 2 attention + 10 conv heads of 32, kernel 9, FFN 3072; layers 6-11: 8 attention + 4 conv heads of 32, kernel 9, FFN 3072");
  });

  it("prints every diagnostic of invalid files with source and caret, and exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    const bad = join(dir, "bad.convspec");
    writeFileSync(bad, 'model "bad" {\n  vocab 10  hidden 64  layers 2\n  block { heads 4  kernel 8  ffn { intermediate 64  groups 3 } }\n}\n');
    const r = await run("check", bad, resolve(specsDir, "conv-bert-small.convspec"));
    expect(r.code).toBe(1);
    expect(r.out).toContain("conv-bert-small: 12 layers");
    expect(r.err).toContain(`${bad}:3:27: error: kernel size 8 must be odd`);
    expect(r.err).toContain("3 |   block { heads 4  kernel 8  ffn { intermediate 64  groups 3 } }\n  |                           ^\n");
    expect(r.err).toContain(`${bad}:3:60: error: FFN groups 3 must divide the hidden size 64`);
    expect(r.err).toContain("1 of 2 files invalid");
  });

  it("names a missing file", async () => {
    const r = await run("check", "no/such.convspec");
    expect(r.code).toBe(1);
    expect(r.err).toContain("cannot read spec 'no/such.convspec': no such file");
  });
});

describe("convspec import-hf and export", () => {
  it("imports a config.json to a .convspec that loads as the same model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    const config = resolve(goldenDir, "tiny-grouped-proj/config.json");
    const out = join(dir, "tiny.convspec");
    const r = await run("import-hf", config, "-o", out);
    expect(r.code).toBe(0);
    expect(readdirSync(dir)).toEqual(["tiny.convspec"]); // no temporary file left behind
    expect(await loadSpec(out)).toEqual(await loadSpec(config));
    expect(readFileSync(out, "utf8")).toContain("heads 4  ratio 2");
  });

  it("exports json and hf; refuses what HF cannot express", async () => {
    const small = resolve(specsDir, "conv-bert-small.convspec");
    const json = await run("export", small, "--format", "json");
    expect(JSON.parse(json.out)).toEqual(await loadSpec(small));
    const hf = await run("export", small, "--format", "hf");
    expect(JSON.parse(hf.out)).toMatchObject({ model_type: "convbert", hidden_size: 256, embedding_size: 128, num_attention_heads: 4, head_ratio: 2 });
    const bert = await run("export", resolve(specsDir, "bert-base.convspec"), "--format", "hf");
    expect(bert.code).toBe(1);
    expect(bert.err).toContain("cannot be exported as a Hugging Face ConvBERT config");
    const wrong = await run("export", small, "--format", "onnx");
    expect(wrong.err).toContain("unknown export format 'onnx': use json or hf");
  });
});
