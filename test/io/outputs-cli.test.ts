/**
 * Outputs of `run --output`, `export -o`, `import-hf -o`: never one of the
 * command's inputs, never a device renamed over, a clean error for a path
 * through a file, and (import-hf) a format that does not depend on the name.
 */
import { copyFileSync, linkSync, lstatSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec, loadSpecFromText } from "../../compiler/load.js";
import { parseSafetensors } from "../../runtime/weights/index.js";
import { goldenDir, specsDir } from "../frontend/helpers.js";
import { cli, cliProcess, isCharacterDevice, makeFifo, readFifo, STACK_FRAME, tempDir, withFifoHeld } from "./helpers.js";

const golden = resolve(goldenDir, "tiny-mixed");

/** A private copy of the golden case: config.json, model.safetensors, inputs.json, vocab.txt. */
function goldenCopy(): { dir: string; config: string; weights: string; inputs: string; vocab: string } {
  const dir = tempDir();
  for (const f of ["config.json", "model.safetensors", "inputs.json"]) copyFileSync(join(golden, f), join(dir, f));
  const words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "capital", "of", "france", "is", "."];
  writeFileSync(join(dir, "vocab.txt"), [...words, ...Array.from({ length: 101 - words.length }, (_, i) => `w${i}`)].join("\n"));
  return { dir, config: join(dir, "config.json"), weights: join(dir, "model.safetensors"), inputs: join(dir, "inputs.json"), vocab: join(dir, "vocab.txt") };
}

/** Runs the command and checks it was refused before writing anything: exit 1, the message, every file of `dir` byte-identical. */
async function expectRefused(dir: string, args: string[], message: string | RegExp): Promise<void> {
  const before = new Map(readdirSync(dir).map((f) => [f, readFileSync(join(dir, f))]));
  const r = await cli(...args);
  expect(r.code).toBe(1);
  if (typeof message === "string") expect(r.stderr).toContain(message);
  else expect(r.stderr).toMatch(message);
  expect(r.stderr).not.toMatch(STACK_FRAME);
  expect(readdirSync(dir).sort()).toEqual([...before.keys()].sort());
  for (const [f, bytes] of before) expect(readFileSync(join(dir, f)).equals(bytes), f).toBe(true);
}

describe("an output is never one of the command's inputs", () => {
  it.each([
    ["the checkpoint", "weights", "--weights"],
    ["the config", "config", "the model spec"],
    ["inputs.json", "inputs", "--inputs"],
  ] as const)("run --output onto %s is refused", async (_name, key, what) => {
    const c = goldenCopy();
    await expectRefused(c.dir, ["run", c.config, "--weights", c.weights, "--inputs", c.inputs, "--output", c[key]], `error: --output ${c[key]} is the same file as ${what} ${c[key]}, an input of this command`);
  });

  it("run --text --output onto the vocabulary is refused", async () => {
    const c = goldenCopy();
    await expectRefused(c.dir, ["run", c.config, "--weights", c.weights, "--text", "the [MASK] .", "--vocab", c.vocab, "--output", c.vocab], `is the same file as --vocab ${c.vocab}`);
  });

  it("run --output through a symlink, a hard link or another spelling of the checkpoint is refused", async () => {
    const c = goldenCopy();
    symlinkSync("model.safetensors", join(c.dir, "link.safetensors"));
    linkSync(c.weights, join(c.dir, "hard.safetensors"));
    for (const alias of [join(c.dir, "link.safetensors"), join(c.dir, "hard.safetensors"), join(c.dir, ".", "model.safetensors")]) {
      await expectRefused(c.dir, ["run", c.config, "--weights", c.weights, "--inputs", c.inputs, "--output", alias], `is the same file as --weights ${c.weights}`);
    }
  });

  it("run and export onto a spec, or onto a file reached through extends, are refused", async () => {
    const dir = tempDir();
    copyFileSync(resolve(specsDir, "conv-bert-small.convspec"), join(dir, "base.convspec"));
    writeFileSync(join(dir, "mid.convspec"), 'model "mid" extends "base.convspec" { layers 2 }\n');
    writeFileSync(join(dir, "variant.convspec"), 'model "variant" extends "mid.convspec" { layers 1 }\n');
    writeFileSync(join(dir, "in.json"), JSON.stringify({ input_ids: [[2, 5, 3]] }));
    const variant = join(dir, "variant.convspec");
    for (const target of ["variant.convspec", "mid.convspec", "base.convspec"]) {
      const out = join(dir, target);
      await expectRefused(dir, ["run", variant, "--inputs", join(dir, "in.json"), "--output", out], /is the same file as (the model spec|a spec it extends,)/);
      await expectRefused(dir, ["export", variant, "-o", out], `error: -o ${out} is the same file as`);
      await expectRefused(dir, ["export", variant, "--format", "hf", "-o", out], "an input of this command");
    }
  });

  it("import-hf -o onto its own config is refused", async () => {
    const c = goldenCopy();
    await expectRefused(c.dir, ["import-hf", c.config, "-o", c.config], `error: -o ${c.config} is the same file as the config ${c.config}`);
  });

  it("run --output onto a shard of a sharded checkpoint, or its index, is refused", async () => {
    const c = goldenCopy();
    const index = join(c.dir, "model.safetensors.index.json");
    const names = Object.keys(JSON.parse(readFileSync(c.weights).subarray(8, 8 + Number(readFileSync(c.weights).readBigUInt64LE(0))).toString()) as Record<string, unknown>).filter((k) => k !== "__metadata__");
    writeFileSync(index, JSON.stringify({ metadata: {}, weight_map: Object.fromEntries(names.map((n) => [n, "model.safetensors"])) }));
    await expectRefused(c.dir, ["run", c.config, "--weights", index, "--inputs", c.inputs, "--output", c.weights], `is the same file as --weights ${c.weights}`);
    await expectRefused(c.dir, ["run", c.config, "--weights", index, "--inputs", c.inputs, "--output", index], `is the same file as --weights ${index}`);
  });
});

describe("special files as outputs are written in place, never replaced", () => {
  it("run --output /dev/null runs and leaves /dev/null a character device", async () => {
    const r = await cli("run", join(golden, "config.json"), "--weights", join(golden, "model.safetensors"), "--inputs", join(golden, "inputs.json"), "--output", "/dev/null", "--backend", "cpu", "-q");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(isCharacterDevice("/dev/null")).toBe(true);
  });

  it("export -o /dev/null and import-hf -o /dev/null leave /dev/null a character device", async () => {
    expect((await cli("export", resolve(specsDir, "conv-bert-small.convspec"), "-o", "/dev/null")).code).toBe(0);
    expect((await cli("import-hf", join(golden, "config.json"), "-o", "/dev/null")).code).toBe(0);
    expect(isCharacterDevice("/dev/null")).toBe(true);
  });

  it("export -o FIFO streams the JSON to its reader; the FIFO stays a FIFO", async () => {
    const fifo = join(tempDir(), "spec.pipe");
    makeFifo(fifo);
    const received = readFifo(fifo);
    const r = await withFifoHeld(fifo, () => cli("export", resolve(specsDir, "conv-bert-small.convspec"), "-o", fifo));
    expect(r.code).toBe(0);
    expect(JSON.parse((await received).toString())).toEqual(await loadSpec(resolve(specsDir, "conv-bert-small.convspec")));
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("import-hf -o FIFO that nobody reads fails at once instead of hanging", async () => {
    const dir = tempDir();
    const fifo = join(dir, "out.pipe");
    makeFifo(fifo);
    const r = await cli("import-hf", join(golden, "config.json"), "-o", fifo);
    expect(r.code).toBe(1);
    // (The golden config has no model_type: import-hf's note about that comes first.)
    expect(r.stderr).toBe(`${join(golden, "config.json")}:1:1: note: no model_type: read as a ConvBERT config\nerror: cannot write -o ${fifo}: it is a FIFO and nothing is reading it\n`);
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  it("run --output /dev/stdout writes the safetensors to standard output", () => {
    const r = cliProcess(["run", join(golden, "config.json"), "--weights", join(golden, "model.safetensors"), "--inputs", join(golden, "inputs.json"), "--output", "/dev/stdout", "--backend", "cpu", "-q"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const file = parseSafetensors(new Uint8Array(r.stdout), "stdout");
    expect(file.tensors.has("last_hidden_state")).toBe(true);
    expect(file.metadata.generator).toBe("convspec run");
  });

  it.each(["/dev/zero", "/dev/full"])("export -o %s (a device other than /dev/null) is refused and the device kept", async (device) => {
    const r = await cli("export", resolve(specsDir, "conv-bert-small.convspec"), "-o", device);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: -o ${device} is a device; convspec writes outputs only to regular files, FIFOs, /dev/null, a terminal or /dev/stdout`);
    expect(isCharacterDevice(device)).toBe(true);
  });
});

describe("output paths that cannot be written: a clean error, checked before the work", () => {
  it.each([
    ["run", (c: ReturnType<typeof goldenCopy>, out: string) => ["run", c.config, "--weights", c.weights, "--inputs", c.inputs, "--output", out], "--output"],
    ["export", (c: ReturnType<typeof goldenCopy>, out: string) => ["export", c.config, "-o", out], "-o"],
    ["import-hf", (c: ReturnType<typeof goldenCopy>, out: string) => ["import-hf", c.config, "-o", out], "-o"],
  ] as const)("%s with an output under a file", async (_name, args, flag) => {
    const c = goldenCopy();
    for (const out of [join(c.inputs, "x"), join(c.inputs, "deeper", "x")]) {
      await expectRefused(c.dir, args(c, out), `error: cannot write ${flag} ${out}: ${c.inputs} is a file, not a folder\n`);
    }
    await expectRefused(c.dir, args(c, join(c.dir, "missing", "x")), `error: cannot write ${flag} ${join(c.dir, "missing", "x")}: folder ${join(c.dir, "missing")} does not exist\n`);
    await expectRefused(c.dir, args(c, c.dir), `error: ${flag} ${c.dir} is a directory; give a file name\n`);
  });
});

describe("import-hf -o: the format does not break on the file name", () => {
  const config = join(golden, "config.json");

  it.each(["spec.txt", "spec", "spec.convspec"])("-o %s writes the .convspec language, which loads as the same model", async (name) => {
    const out = join(tempDir(), name);
    const r = await cli("import-hf", config, "-o", out);
    // The golden config has no model_type: the one note import-hf prints about it.
    expect(r.stderr).toBe(`${config}:1:1: note: no model_type: read as a ConvBERT config\n`);
    expect(r.code).toBe(0);
    expect(loadSpecFromText(readFileSync(out, "utf8"), "back.convspec")).toEqual(await loadSpec(config));
  });

  it("-o spec.json writes a JSON spec, which loads as the same model", async () => {
    const out = join(tempDir(), "spec.json");
    const r = await cli("import-hf", config, "-o", out);
    expect(r.code).toBe(0);
    expect(await loadSpec(out)).toEqual(await loadSpec(config));
  });

  it("--format picks the format whatever the name: json into spec.txt, convspec into spec.json", async () => {
    const dir = tempDir();
    expect((await cli("import-hf", config, "--format", "json", "-o", join(dir, "spec.txt"))).code).toBe(0);
    expect(loadSpecFromText(readFileSync(join(dir, "spec.txt"), "utf8"), "back.json")).toEqual(await loadSpec(config));
    expect((await cli("import-hf", config, "--format", "convspec", "-o", join(dir, "spec.json"))).code).toBe(0);
    expect(loadSpecFromText(readFileSync(join(dir, "spec.json"), "utf8"), "back.convspec")).toEqual(await loadSpec(config));
    const r = await cli("import-hf", config, "--format", "yaml");
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("error: unknown import-hf format 'yaml': use convspec or json\n");
  });
});
