/**
 * Inputs a user names for `run`: only regular files are read (no endless
 * /dev/zero, no FIFO that blocks), within a size cap; damaged values (NaN
 * weights, nested cells, huge vocabularies) give a located error, not a hang,
 * a stack trace or silent NaN outputs.
 */
import { closeSync, mkdirSync, openSync, readFileSync, truncateSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { goldenDir } from "../frontend/helpers.js";
import { cli, makeFifo, STACK_FRAME, tempDir } from "./helpers.js";

const golden = resolve(goldenDir, "tiny-mixed");
const config = join(golden, "config.json");
const weights = join(golden, "model.safetensors");
const inputs = join(golden, "inputs.json");

function vocabFile(dir: string, extra = 101 - 11): string {
  const words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "capital", "of", "france", "is", "."];
  const path = join(dir, "vocab.txt");
  writeFileSync(path, [...words, ...Array.from({ length: extra }, (_, i) => `w${i}`)].join("\n"));
  return path;
}

async function expectUserError(args: string[], message: string | RegExp): Promise<void> {
  const r = await cli(...args);
  expect(r.code).toBe(1);
  if (typeof message === "string") expect(r.stderr).toContain(message);
  else expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK_FRAME);
}

describe("only regular files are read", () => {
  const dir = tempDir();
  const fifo = join(dir, "fifo");
  makeFifo(fifo);
  mkdirSync(join(dir, "folder"));
  const vocab = vocabFile(dir);
  const notRegular = "is not a regular file (a device, FIFO or socket); convspec reads only regular files";

  it.each([
    ["--weights /dev/zero", ["--weights", "/dev/zero", "--inputs", inputs], `safetensors checkpoint /dev/zero ${notRegular}`],
    ["--weights FIFO", ["--weights", fifo, "--inputs", inputs], `safetensors checkpoint ${fifo} ${notRegular}`],
    ["--weights folder", ["--weights", join(dir, "folder"), "--inputs", inputs], `safetensors checkpoint ${join(dir, "folder")} is a directory, not a file`],
    ["--inputs /dev/zero", ["--weights", weights, "--inputs", "/dev/zero"], `inputs file /dev/zero ${notRegular}`],
    ["--inputs FIFO", ["--weights", weights, "--inputs", fifo], `inputs file ${fifo} ${notRegular}`],
    ["--vocab /dev/zero", ["--weights", weights, "--text", "the [MASK] .", "--vocab", "/dev/zero"], `vocabulary /dev/zero ${notRegular}`],
    ["--vocab FIFO", ["--weights", weights, "--text", "the [MASK] .", "--vocab", fifo], `vocabulary ${fifo} ${notRegular}`],
    ["--vocab /dev/urandom", ["--weights", weights, "--text", "the [MASK] .", "--vocab", "/dev/urandom"], `vocabulary /dev/urandom ${notRegular}`],
  ])("%s is refused at once", async (_name, args, message) => {
    await expectUserError(["run", config, ...args, "--output", join(dir, "out.safetensors")], message);
  });

  it("an inputs.json over its size cap is refused before it is read (a sparse 300 MiB file)", async () => {
    const big = join(dir, "big-inputs.json");
    closeSync(openSync(big, "w"));
    truncateSync(big, 300 * 2 ** 20);
    await expectUserError(["run", config, "--weights", weights, "--inputs", big, "--output", join(dir, "out.safetensors")], `inputs file ${big} is 300.0 MiB, more than the 256.0 MiB a inputs file may be`);
  });

  it("the vocabulary is read as a regular file too (a real one works)", async () => {
    const r = await cli("run", config, "--weights", weights, "--text", "the capital of france is [MASK] .", "--vocab", vocab, "--backend", "cpu");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[MASK\] at 6: /);
  });
});

describe("damaged values", () => {
  /** The golden checkpoint with value `index` of tensor `name` replaced. */
  function patched(name: string, index: number, value: number): string {
    const bytes = readFileSync(weights);
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const header = JSON.parse(bytes.subarray(8, 8 + headerLength).toString()) as Record<string, { dtype: string; data_offsets: [number, number] }>;
    expect(header[name].dtype).toBe("F32");
    bytes.writeFloatLE(value, 8 + headerLength + header[name].data_offsets[0] + 4 * index);
    const path = join(tempDir(), "model.safetensors");
    writeFileSync(path, bytes);
    return path;
  }

  it.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
    [Number.NEGATIVE_INFINITY, "-Infinity"],
  ])("weights holding %s are refused, naming the tensor and index; --allow-nonfinite loads them", async (value, shown) => {
    const name = "convbert.encoder.layer.1.intermediate.dense.weight";
    const path = patched(name, 130, value);
    await expectUserError(
      ["run", config, "--weights", path, "--inputs", inputs, "--output", join(tempDir(), "out.safetensors")],
      `error: ${path}: tensor '${name}' holds ${shown} at index 130 [2, 2]; its outputs would be NaN (pass --allow-nonfinite to load it anyway)`,
    );
    const out = join(tempDir(), "out.safetensors");
    const r = await cli("run", config, "--weights", path, "--inputs", inputs, "--output", out, "--allow-nonfinite", "--backend", "cpu");
    expect(r.code).toBe(0);
  });

  it("an inputs.json cell nested 10,000 levels deep is a located error, not a RangeError", async () => {
    const dir = tempDir();
    const deep = join(dir, "inputs.json");
    writeFileSync(deep, `{"input_ids": [[2, ${"[".repeat(10_000)}${"]".repeat(10_000)}, 3]]}`);
    await expectUserError(["run", config, "--weights", weights, "--inputs", deep, "--output", join(dir, "o.safetensors")], `error: ${deep}: 'input_ids'[0][1] is [[[…]]]; expected an integer`);
    writeFileSync(deep, `{"input_ids": [[2, "${"x".repeat(100_000)}"]]}`);
    const r = await cli("run", config, "--weights", weights, "--inputs", deep, "--output", join(dir, "o.safetensors"));
    expect(r.code).toBe(1);
    expect(r.stderr.length).toBeLessThan(300); // a 100,000-character cell is shortened
  });

  it("run --text with a 130,000-entry vocabulary works (no Math.max(...ids) stack overflow)", async () => {
    const vocab = vocabFile(tempDir(), 130_000);
    const r = await cli("run", config, "--weights", weights, "--text", "the capital of france is [MASK] .", "--vocab", vocab, "--top-k", "2", "--backend", "cpu", "-q");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\[MASK\] at 6: \S+ \(0\.\d{3}\), \S+ \(0\.\d{3}\)\n$/);
  });
});
