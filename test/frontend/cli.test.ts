/** `convspec check`, `import-hf` and `export`, run in-process. */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { registerCheck } from "../../cli/commands/check.js";
import { registerExport } from "../../cli/commands/export.js";
import { registerImportHf } from "../../cli/commands/import-hf.js";
import { isUserError } from "../../compiler/errors.js";
import { loadSpec } from "../../compiler/load.js";
import { goldenDir, repoRoot, specsDir } from "./helpers.js";

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
    expect(r.err).toContain("cannot read spec no/such.convspec: no such file"); // io/read-file.ts's wording
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

describe("check and import-hf on Hugging Face BERT and ELECTRA configs", () => {
  const bert = resolve(repoRoot, "test/frontend/fixtures/bert-base-uncased/config.json");

  it("check reads model_type bert: attention heads only, and prints what it assumed as notes", async () => {
    const r = await run("check", bert);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`ok  ${bert}  bert-base-uncased: 12 layers, 12 attention heads of 64, FFN 3072\n`);
    expect(r.err).toBe(
      `${bert}:2:3: note: BertForMaskedLM builds no pooler; the BertModel pooler is kept (bert-base checkpoints carry its weights): \`heads { pooler false }\` drops it\n` +
        `${bert}:1:1: note: not set in the config, so BertConfig's defaults apply: tie_word_embeddings true\n`,
    );
  });

  it("import-hf writes an attention-only spec with the pooler", async () => {
    const r = await run("import-hf", bert);
    expect(r.code).toBe(0);
    expect(r.out).toContain("attention_heads 12  conv_heads 0  head_size 64");
    expect(r.out).toContain("heads { mlm tied  pooler true }");
  });
});

describe("small CLI messages", () => {
  it("check on a directory says so (no raw EISDIR)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    const r = await run("check", dir);
    expect(r.code).toBe(1);
    expect(r.err).toBe(`error: ${dir} is a directory, not a spec file (.convspec or .json)\n1 of 1 file invalid\n`);
    const named = join(dir, "looks-like.convspec");
    mkdirSync(named);
    expect((await run("check", named)).err).toBe(`error: spec ${named} is a directory, not a file\n1 of 1 file invalid\n`);
  });

  it("one head is a head, one layer a layer", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    const one = join(dir, "one.convspec");
    writeFileSync(one, 'model "one" {\n  vocab 10  hidden 64  layers 1\n  block { attention_heads 1  conv_heads 0  head_size 64  ffn { intermediate 128 } }\n}\n');
    expect((await run("check", one)).out).toBe(`ok  ${one}  one: 1 layer, 1 attention head of 64, FFN 128\n`);
    const hf = await run("export", one, "--format", "hf");
    expect(hf.err).toContain("  - it has 1 attention head but 0 conv heads (HF ConvBERT has as many of each)\n");
  });

  it("export --format hf refusals suggest --format json", async () => {
    const r = await run("export", resolve(specsDir, "bert-base.convspec"), "--format", "hf");
    expect(r.code).toBe(1);
    expect(r.err).toContain(
      "  - it has a pooler, which HF ConvBERT does not have\nUse --format json to write the resolved spec, which keeps every detail (convspec reads it back; Hugging Face does not).",
    );
  });

  it("import-hf refuses a .convspec instead of calling it imported", async () => {
    const spec = resolve(specsDir, "bert-base.convspec");
    const r = await run("import-hf", spec);
    expect(r.code).toBe(1);
    expect(r.out).toBe("");
    expect(r.err).toBe(`error: ${spec} is already a .convspec spec: import-hf reads a Hugging Face config.json (\`convspec export\` converts specs)`);
  });

  it("import-hf -o with any extension writes the .convspec text", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    const out = join(dir, "spec.txt");
    const r = await run("import-hf", resolve(goldenDir, "tiny-mixed/config.json"), "-o", out);
    expect(r.code).toBe(0);
    expect(readFileSync(out, "utf8")).toContain('model "tiny-mixed" {');
  });
});
