/** `convspec run --target wgsl` and `compile --target wgsl` as a user calls them: a child process, files in and out. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSafetensors } from "../../runtime/weights/index.js";
import { checkedOutputs, loadGoldenCase, maxAbsDiff, repoRoot } from "../helpers/golden.js";
import { noAdapter, NO_ADAPTER_REASON } from "./gpu.js";

function convspec(...args: string[]) {
  const result = spawnSync(process.execPath, [join(repoRoot, "bin/convspec.mjs"), ...args], { cwd: repoRoot, encoding: "utf8", timeout: 60_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

const work = mkdtempSync(join(tmpdir(), "convspec-wgsl-cli-"));
const golden = loadGoldenCase("tiny-grouped-proj");

describe.skipIf(noAdapter)(`convspec run --target wgsl${noAdapter ? ` (skipped: ${NO_ADAPTER_REASON})` : ""}`, () => {
  it.each(["all", "none"])("writes every contract output of a golden case within 1e-3 (--opt %s)", (opt) => {
    const output = join(work, `out-${opt}.safetensors`);
    const { code, stderr } = convspec("run", golden.configPath, "--weights", golden.modelPath, "--inputs", golden.inputsPath, "--target", "wgsl", "--opt", opt, "--output", output);
    expect(code, stderr).toBe(0);
    const written = readSafetensors(output);
    expect([...written.tensors.keys()].sort()).toEqual(checkedOutputs(golden).sort());
    for (const [name, tensor] of written.tensors) expect(maxAbsDiff(tensor, golden.expected.get(name)!), name).toBeLessThanOrEqual(1e-3);
  });
});

describe("convspec compile --target wgsl", () => {
  it("honours --opt: the passes cut the dispatch count", () => {
    const dispatches = (opt: string) => {
      const dir = join(work, `bundle-${opt}`);
      const { code, stderr } = convspec("compile", golden.configPath, "--target", "wgsl", "--opt", opt, "-o", dir);
      expect(code, stderr).toBe(0);
      return (JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")) as { dispatches: unknown[] }).dispatches.length;
    };
    const [all, none] = [dispatches("all"), dispatches("none")];
    expect(all).toBeLessThan(none);
  });
});
