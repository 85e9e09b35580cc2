/** `convspec run --target onnx` and `compile --target onnx -o` as a user calls them: a child process, files in and out. */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../runtime/weights/index.js";
import { checkedOutputs, loadGoldenCase, maxAbsDiff, repoRoot } from "../helpers/golden.js";

function convspec(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/convspec.mjs"), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const work = mkdtempSync(join(tmpdir(), "convspec-onnx-cli-"));
const golden = loadGoldenCase("tiny-mixed");

describe("convspec run --target onnx", () => {
  it.each(["standard", "ort"])("writes every contract output of a golden case within 1e-4 (--backend %s, --threads 1)", (ops) => {
    const output = join(work, `out-${ops}.safetensors`);
    const { code, stderr } = convspec("run", golden.configPath, "--weights", golden.modelPath, "--inputs", golden.inputsPath, "--target", "onnx", "--backend", ops, "--threads", "1", "--output", output);
    expect(code, stderr).toBe(0);
    const written = readSafetensors(output);
    expect([...written.tensors.keys()].sort()).toEqual(checkedOutputs(golden).sort());
    for (const [name, tensor] of written.tensors) expect(maxAbsDiff(tensor, golden.expected.get(name)!), name).toBeLessThanOrEqual(1e-4);
  });

  it("--threads applies to onnx only", () => {
    const { code, stderr } = convspec("run", golden.configPath, "--inputs", golden.inputsPath, "--threads", "2", "--output", join(work, "x.safetensors"));
    expect(code).toBe(1);
    expect(stderr).toBe("error: --threads sets ONNX Runtime's threads; it does not apply to --target tfjs\n");
  });
});

describe("convspec compile --target onnx -o", () => {
  it("writes a model with the checkpoint's weights that ONNX Runtime loads", () => {
    const out = join(work, "model.onnx");
    const { code, stdout, stderr } = convspec("compile", golden.configPath, "--target", "onnx", "--weights", golden.modelPath, "-o", out);
    expect(code, stderr).toBe(0);
    expect(stdout).toMatch(new RegExp(`^wrote ${out.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} \\([\\d.]+ MiB; loads in ONNX Runtime\\)\\n$`));
  });

  it("refuses to write over the checkpoint it reads", () => {
    const { code, stderr } = convspec("compile", golden.configPath, "--target", "onnx", "--weights", golden.modelPath, "-o", golden.modelPath);
    expect(code).toBe(1);
    expect(stderr).toBe(`error: -o ${golden.modelPath} is the same file as --weights ${golden.modelPath}, an input of this command: writing it would destroy it; choose another output\n`);
  });
});
