/**
 * Issue 12, item 4: `convspec run` says what it did (stderr summary, --quiet),
 * writes the outputs chosen with --outputs, saves its seeded weights with
 * --save-weights, and warns when fill-mask predictions would mean nothing.
 * Plus unknown CONVSPEC_DEBUG words (item 8). Exact texts, times masked.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../runtime/weights/index.js";
import { loadGoldenCase, maxAbsDiff, repoRoot } from "../helpers/golden.js";

function convspec(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/convspec.mjs"), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000, env: { ...process.env, ...env } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
/** stderr without Dawn's limit warnings (printed by its C++ code on adapter requests, see README) and with times masked. */
const summary = (stderr: string): string =>
  stderr
    .split("\n")
    .filter((l) => !l.includes("artificially reduced"))
    .join("\n")
    .replace(/\d+(\.\d+)? (ms|s)\b/g, "T");

const work = mkdtempSync(join(tmpdir(), "convspec-run-summary-"));
const golden = loadGoldenCase("tiny-mixed");
const model = golden.configPath;
const inputs = ["--inputs", golden.inputsPath];

describe("run's summary", () => {
  it("names the model, what it ran on, where the weights came from, what it wrote and how long it took", () => {
    const out = join(work, "summary.safetensors");
    const r = convspec(["run", model, "--weights", golden.modelPath, ...inputs, "--backend", "wasm", "--output", out]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(summary(r.stderr)).toBe(
      `convspec run: model 'tiny-mixed' on tfjs backend wasm; checkpoint ${golden.modelPath}; inputs B=2 L=16\n` +
        `  wrote ${out}: last_hidden_state [2,16,64], mlm_logits [2,16,101], cls_logits [2,3], hidden_states.* (3) (6 outputs, 44.6 KiB)\n` +
        "  forward T, all T\n",
    );
  });

  it("says when the weights are seeded random numbers", () => {
    const r = convspec(["run", model, ...inputs, "--backend", "cpu", "--seed", "7", "--output", join(work, "seeded.safetensors")]);
    expect(r.code).toBe(0);
    expect(summary(r.stderr).split("\n")[0]).toBe("convspec run: model 'tiny-mixed' on tfjs backend cpu; seeded random weights (seed 7): no --weights given; inputs B=2 L=16");
  });

  it("-q prints nothing but errors", () => {
    const r = convspec(["run", model, "--weights", golden.modelPath, ...inputs, "--backend", "wasm", "-q", "--output", join(work, "quiet.safetensors")]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(existsSync(join(work, "quiet.safetensors"))).toBe(true);
  });
});

describe("run --outputs", () => {
  it("writes only the outputs named, still matching the reference", () => {
    const out = join(work, "two.safetensors");
    const r = convspec(["run", model, "--weights", golden.modelPath, ...inputs, "--backend", "wasm", "--output", out, "--outputs", "mlm_logits,last_hidden_state"]);
    expect(r.code).toBe(0);
    expect(summary(r.stderr)).toContain(`  wrote ${out}: mlm_logits [2,16,101], last_hidden_state [2,16,64] (2 outputs, 20.6 KiB)\n`);
    const written = readSafetensors(out).tensors;
    expect([...written.keys()].sort()).toEqual(["last_hidden_state", "mlm_logits"]);
    for (const [name, tensor] of written) expect(maxAbsDiff(tensor, golden.expected.get(name)!), name).toBeLessThanOrEqual(1e-4);
  });

  it.each([
    [
      ["--output", "o.safetensors", "--outputs", "last_hiden_state"],
      "error: model 'tiny-mixed' has no output 'last_hiden_state' (did you mean 'last_hidden_state'?); it has: hidden_states.0..2, last_hidden_state, mlm_logits, cls_logits, debug.layer<i>.* taps\n",
    ],
    [["--outputs", "last_hidden_state"], "error: --output FILE.safetensors is required with --inputs\n"],
    [["--output", "o.safetensors", "--outputs", ","], "error: --outputs needs at least one output name\n"],
  ])("refuses %j", (extra, message) => {
    const r = convspec(["run", model, ...inputs, "--backend", "cpu", ...extra.map((a) => (a === "o.safetensors" ? join(work, a) : a))]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(message);
    expect(existsSync(join(work, "o.safetensors"))).toBe(false);
  });
});

describe("run --save-weights", () => {
  it("writes the seeded weights, and running them as --weights gives the same outputs", () => {
    const saved = join(work, "seed3.safetensors");
    const first = join(work, "first.safetensors");
    const again = join(work, "again.safetensors");
    const r = convspec(["run", model, ...inputs, "--backend", "cpu", "--seed", "3", "--output", first, "--save-weights", saved]);
    expect(r.code, r.stderr).toBe(0);
    expect(summary(r.stderr)).toMatch(new RegExp(`\\n  wrote ${saved}: the \\d+ weight tensors \\(seed 3\\), HF names\\n`));
    expect(convspec(["run", model, ...inputs, "--backend", "cpu", "--weights", saved, "--output", again]).code).toBe(0);
    const a = readSafetensors(first).tensors;
    const b = readSafetensors(again).tensors;
    for (const [name, tensor] of a) expect(maxAbsDiff(tensor, b.get(name)!), name).toBe(0);
  });

  it("is refused with --weights, and never over --output", () => {
    const out = join(work, "same.safetensors");
    expect(convspec(["run", model, ...inputs, "--weights", golden.modelPath, "--output", out, "--save-weights", join(work, "w.safetensors")]).stderr).toBe(
      `error: --save-weights writes the seeded random weights; with --weights they are already in ${golden.modelPath}\n`,
    );
    expect(convspec(["run", model, ...inputs, "--output", out, "--save-weights", out]).stderr).toBe("error: --output and --save-weights name the same file\n");
    expect(existsSync(out)).toBe(false);
  });
});

describe("fill-mask warnings", () => {
  // The golden model's vocabulary is synthetic: name its 101 ids, with BERT's special tokens first.
  const words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "capital", "of", "france", "is", "."];
  const vocab = join(work, "vocab.txt");
  writeFileSync(vocab, [...words, ...Array.from({ length: 101 - words.length }, (_, i) => `w${i}`)].join("\n"));
  const small = join(work, "small-vocab.txt");
  writeFileSync(small, words.join("\n"));
  const warnings = (stderr: string) => summary(stderr).split("\n").filter((l) => l.startsWith("warning: "));

  it("none with the checkpoint, its own vocabulary and a [MASK]", () => {
    const r = convspec(["run", model, "--weights", golden.modelPath, "--text", "the capital of france is [MASK] .", "--vocab", vocab, "--backend", "cpu"]);
    expect(r.code).toBe(0);
    expect(warnings(r.stderr)).toEqual([]);
    expect(r.stdout).toMatch(/^\[MASK\] at 6: /);
  });

  it("random weights", () => {
    const r = convspec(["run", model, "--text", "the capital is [MASK] .", "--vocab", vocab, "--backend", "cpu"]);
    expect(r.code).toBe(0);
    expect(warnings(r.stderr)).toEqual(["warning: no --weights: the weights are seeded random numbers, so the predictions below are noise"]);
  });

  it("a vocabulary of another size", () => {
    const r = convspec(["run", model, "--weights", golden.modelPath, "--text", "the capital is [MASK] .", "--vocab", small, "--backend", "cpu"]);
    expect(warnings(r.stderr)).toEqual([`warning: the vocabulary ${small} has 11 tokens but model 'tiny-mixed' has vocab 101: ids may not mean what the model learnt`]);
  });

  it("no [MASK], and a lowercase [mask]", () => {
    const none = convspec(["run", model, "--weights", golden.modelPath, "--text", "the capital is paris .", "--vocab", vocab, "--backend", "cpu"]);
    expect(warnings(none.stderr)).toEqual(["warning: --text has no [MASK]: there is nothing to predict"]);
    expect(none.stdout).toBe("");
    const lower = convspec(["run", model, "--weights", golden.modelPath, "--text", "the capital is [mask] .", "--vocab", vocab, "--backend", "cpu"]);
    expect(warnings(lower.stderr)).toEqual(["warning: --text has no [MASK] (special tokens are case-sensitive: write [MASK] in capitals): there is nothing to predict"]);
  });

  it("-q silences them", () => {
    const r = convspec(["run", model, "--text", "the capital is [mask] .", "--vocab", small, "--backend", "cpu", "-q"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
  });
});

describe("CONVSPEC_DEBUG", () => {
  it("refuses a word it does not know, with a suggestion", () => {
    const r = convspec(["check", "specs/conv-bert-small.convspec"], { CONVSPEC_DEBUG: "kernel" });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe("error: CONVSPEC_DEBUG: unknown 'kernel' (did you mean 'kernels'?); it takes a comma list of ir, kernels, plan, or all\n");
  });

  it("ir prints the IR after every pass", () => {
    const r = convspec(["compile", "test/fixtures/tiny-128.convspec", "--target", "tfjs"], { CONVSPEC_DEBUG: "ir" });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("=== IR after pass 'dce'");
    expect(r.stderr).toContain("=== IR after pass 'fuse-linear-norm'");
  });
});
