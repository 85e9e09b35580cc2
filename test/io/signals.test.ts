/** A signal during a write removes the temporary file, and the process still ends by that signal. */
import { spawn } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot, tempDir } from "./helpers.js";

function startWriter(path: string) {
  const child = spawn(process.execPath, [join(repoRoot, "bin/run-ts.mjs"), join(repoRoot, "test/io/fixtures/slow-writer.ts"), path], { cwd: repoRoot });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve) => {
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
  const writing = new Promise<void>((resolve) => child.stdout.on("data", (c: Buffer) => c.toString().includes("writing") && resolve()));
  return { child, writing, ended };
}

describe("temporary files on signals", () => {
  it.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)("%s mid-write: no temporary file, no output, killed by the signal", async (signal) => {
    const dir = tempDir();
    const { child, writing, ended } = startWriter(join(dir, "out.safetensors"));
    await writing;
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(true); // the write is in progress
    child.kill(signal);
    const result = await ended;
    expect(result.signal).toBe(signal);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("keeps the previous contents of the output when interrupted", async () => {
    const dir = tempDir();
    const path = join(dir, "out.safetensors");
    writeFileSync(path, "previous run");
    const { child, writing, ended } = startWriter(path);
    await writing;
    child.kill("SIGINT");
    expect((await ended).signal).toBe("SIGINT");
    expect(readdirSync(dir)).toEqual(["out.safetensors"]);
    expect(readFileSync(path, "utf8")).toBe("previous run");
  });

  it("convspec run interrupted while writing a large output leaves nothing behind", async () => {
    const dir = tempDir();
    // A tiny model with a 1,000,000-token vocabulary: its MLM logits (256 MiB) take a while to write.
    writeFileSync(join(dir, "wide.convspec"), 'model "wide" {\n  vocab 1000000  hidden 8  layers 1\n  block { heads 2  kernel 3  ffn { intermediate 8 } }\n  heads { mlm tied }\n}\n');
    writeFileSync(join(dir, "in.json"), JSON.stringify({ input_ids: [Array.from({ length: 64 }, (_, i) => i)] }));
    const out = join(dir, "out.safetensors");
    const child = spawn(process.execPath, [join(repoRoot, "bin/convspec.mjs"), "run", join(dir, "wide.convspec"), "--inputs", join(dir, "in.json"), "--output", out, "--backend", "cpu"], { cwd: repoRoot });
    const ended = new Promise<NodeJS.Signals | null>((resolve) => child.on("close", (_code, signal) => resolve(signal)));
    let sawTemp = false;
    for (let i = 0; i < 12_000 && child.exitCode === null; i++) {
      if (readdirSync(dir).some((f) => f.endsWith(".tmp"))) {
        sawTemp = true;
        child.kill("SIGINT");
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    const signal = await ended;
    expect(sawTemp).toBe(true);
    expect(signal).toBe("SIGINT");
    expect(readdirSync(dir).sort()).toEqual(["in.json", "wide.convspec"]);
  }, 120_000);
});
