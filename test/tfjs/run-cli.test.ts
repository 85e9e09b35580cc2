/** `convspec run` end to end, as other tools call it: a child process, files in and out. */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../runtime/weights/index.js";
import { checkedOutputs, loadGoldenCase, maxAbsDiff, repoRoot } from "../helpers/golden.js";

function convspec(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/convspec.mjs"), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const work = mkdtempSync(join(tmpdir(), "convspec-run-"));
const golden = loadGoldenCase("tiny-mixed");

describe("convspec run", () => {
  it("writes every contract output of a golden case within 1e-4 (config.json + checkpoint, wasm, --opt none)", () => {
    const output = join(work, "out.safetensors");
    const { code, stderr } = convspec("run", golden.configPath, "--weights", golden.modelPath, "--inputs", golden.inputsPath, "--backend", "wasm", "--opt", "none", "--output", output, "-q");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    const written = readSafetensors(output);
    expect([...written.tensors.keys()].sort()).toEqual(checkedOutputs(golden).sort());
    for (const [name, tensor] of written.tensors) {
      expect(tensor.dtype).toBe("F32");
      expect(maxAbsDiff(tensor, golden.expected.get(name)!), name).toBeLessThanOrEqual(1e-4);
    }
  });

  it("without --backend, says which backend auto chose and why it passed over the ones before it", () => {
    const output = join(work, "auto.safetensors");
    const { code, stderr } = convspec("run", golden.configPath, "--weights", golden.modelPath, "--inputs", golden.inputsPath, "--output", output);
    expect(code, stderr).toBe(0);
    const line = stderr.split("\n").find((l) => l.startsWith("convspec run: "));
    expect(line).toMatch(/^convspec run: model 'tiny-mixed' on tfjs backend (tensorflow|webgpu|wasm|cpu) \(chosen by auto(; skipped .+)?\); checkpoint /);
    // tensorflow comes first: unless it loaded, the note says why it was skipped.
    if (!line!.includes("on tfjs backend tensorflow")) expect(line).toMatch(/skipped tensorflow: /);
    expect(maxAbsDiff(readSafetensors(output).tensors.get("last_hidden_state")!, golden.expected.get("last_hidden_state")!)).toBeLessThanOrEqual(1e-4);
  });

  it("prints the top-k predictions for each [MASK] in --text mode", () => {
    // The golden model's vocabulary is synthetic: name its 101 ids, with BERT's special tokens first.
    const words = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "capital", "of", "france", "is", "."];
    const vocab = join(work, "vocab.txt");
    writeFileSync(vocab, [...words, ...Array.from({ length: 101 - words.length }, (_, i) => `w${i}`)].join("\n"));
    const { code, stdout, stderr } = convspec("run", golden.configPath, "--weights", golden.modelPath, "--text", "The capital of France is [MASK] .", "--vocab", vocab, "--top-k", "3", "--backend", "cpu", "-q");
    expect(stderr).toBe("");
    expect(code).toBe(0);
    // [CLS] the capital of france is [MASK] . [SEP]: the mask is token 6.
    expect(stdout).toMatch(/^\[MASK\] at 6: \S+ \(0\.\d{3}\), \S+ \(0\.\d{3}\), \S+ \(0\.\d{3}\)\n$/);
  });

  it.each([
    [["--backend", "tensorflow"], /error: tfjs backend 'tensorflow' is not available: @tensorflow\/tfjs-node-gpu/],
    [["--backend", "gpu"], /error: unknown --backend 'gpu'/],
    [["--opt", "fuse-everything"], /error: unknown pass 'fuse-everything'/],
  ])("fails cleanly with %j", (extra, message) => {
    const output = join(work, "never.safetensors");
    const { code, stderr } = convspec("run", golden.configPath, "--weights", golden.modelPath, "--inputs", golden.inputsPath, "--output", output, ...extra);
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(existsSync(output)).toBe(false);
  });

  it("rejects token ids outside the vocabulary, naming the file and position", () => {
    const inputs = join(work, "bad-inputs.json");
    writeFileSync(inputs, JSON.stringify({ input_ids: [[1, 2, 101]] }));
    const { code, stderr } = convspec("run", golden.configPath, "--weights", golden.modelPath, "--inputs", inputs, "--output", join(work, "x.safetensors"));
    expect(code).toBe(1);
    expect(stderr).toContain("bad-inputs.json: input_ids[0][2] is 101, outside 0..100 (vocab_size 101)");
  });
});
