/**
 * Hostile input (issue 14, front-end classes): deep nesting, huge files of
 * mistakes, overflowing numbers, files that are not specs, terminal escapes.
 * Each fails with a located SpecError or a UserError naming only the path;
 * never a RangeError, a hang, or a line of a file the user did not name as a spec.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { describe, expect, it, vi } from "vitest";
import { registerCheck } from "../../cli/commands/check.js";
import { printable, SpecError } from "../../compiler/diagnostics.js";
import { UserError } from "../../compiler/errors.js";
import { loadSpec, loadSpecFromText } from "../../compiler/load.js";
import { diagnosticsOf, load, model, virtualReader } from "./helpers.js";

const block = "  block { heads 4  ffn { intermediate 64 } }";

function specError(run: () => unknown): SpecError {
  try {
    run();
  } catch (e) {
    if (e instanceof SpecError) return e;
    throw e;
  }
  throw new Error("expected a SpecError");
}

async function check(file: string): Promise<{ out: string; err: string; code: number }> {
  let out = "";
  let err = "";
  vi.spyOn(process.stdout, "write").mockImplementation((s) => ((out += String(s)), true));
  vi.spyOn(process.stderr, "write").mockImplementation((s) => ((err += String(s)), true));
  process.exitCode = undefined;
  const program = new Command("convspec").exitOverride();
  registerCheck(program);
  try {
    await program.parseAsync(["node", "convspec", "check", file]);
    return { out, err, code: typeof process.exitCode === "number" ? process.exitCode : 0 };
  } finally {
    vi.restoreAllMocks();
    process.exitCode = undefined;
  }
}

describe("deep nesting is a located error, never a stack overflow", () => {
  it("600 parentheses, 800 braces, 10,000 unary minuses", () => {
    expect(diagnosticsOf(`let x = ${"(".repeat(600)}1${")".repeat(600)}\n`)).toEqual(["1:73: nested too deeply: more than 64 levels of brackets and unary '-'"]);
    expect(diagnosticsOf(`model "t" {\n  foo ${"{ a ".repeat(800)}${"}".repeat(800)}\n}\n`)).toEqual(["2:259: nested too deeply: more than 64 levels of brackets and unary '-'"]);
    expect(diagnosticsOf(`let x = ${"-".repeat(10_000)}1\n`)).toEqual(["1:73: nested too deeply: more than 64 levels of brackets and unary '-'"]);
    // Real nesting and long runs of operators are fine.
    expect(load(`let x = -(-(2))\nlet y = 1 - -1\n${model("  block { heads x * y  ffn { intermediate 64 } }")}`).layers[0].attentionHeads).toBe(2);
  });

  it("an extends chain 2,100 deep stops at the limit with the chain named (in the 32nd file)", () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 2100; i++) files[`/v/s${i}.convspec`] = `model "s${i}" extends "s${i + 1}.convspec" {}\n`;
    const [d] = diagnosticsOf(files["/v/s0.convspec"], "/v/s0.convspec", virtualReader(files));
    expect(d).toBe("1:21: extends chain too deep: more than 32 specs (/v/s0.convspec -> ... -> /v/s32.convspec)");
  });

  it("JSON nested 10,000 levels, in a JSON spec and an HF config", () => {
    const deep = `{"format": "convspec/1", "name": ${"[".repeat(10_000)}${"]".repeat(10_000)}}`;
    expect(diagnosticsOf(deep, "spec.json")).toEqual(["1:97: nested too deeply: more than 64 levels of objects and arrays"]);
    const hf = `{\n  "model_type": "bert",\n  "id2label": ${'{"a": '.repeat(10_000)}1${"}".repeat(10_000)}\n}`;
    expect(diagnosticsOf(hf, "config.json")).toEqual(["3:393: nested too deeply: more than 64 levels of objects and arrays"]);
  });
});

describe("huge inputs stay linear, and printing is capped", () => {
  it("a 20 KB `let x = 1+1+...` of 10,000 terms", () => {
    const text = `let x = ${Array(10_000).fill("1").join("+")}\n${model("  block { heads 4  ffn { intermediate x } }")}`;
    expect(load(text).layers[0].intermediateSize).toBe(10_000);
  });

  it("100,000 lines with an unknown field each: every one counted, 50 printed", () => {
    const text = `model "t" {\n${"  hiden 1\n".repeat(100_000)}}\n`;
    const error = specError(() => loadSpecFromText(text, "t.convspec"));
    expect(error.diagnostics).toHaveLength(100_000);
    const lines = error.format().split("\n");
    expect(lines.filter((l) => l.includes(": error: "))).toHaveLength(50);
    expect(lines.slice(-2)).toEqual(["... and 99950 more", "100000 errors"]);
  });

  it("100,000 lines of syntax errors: reading stops after 1,000 and says so", () => {
    const error = specError(() => loadSpecFromText(`model "t" {\n${"  vocab = 1\n".repeat(100_000)}}\n`, "t.convspec"));
    expect(error.diagnostics).toHaveLength(1001);
    expect(error.format().split("\n").slice(-2)).toEqual(["... and 951 more (stopped reading after 1000 syntax errors; fix these first)", "1001 errors"]);
  });

  it("a pathologically long line is shown around the culprit only", () => {
    const error = specError(() => loadSpecFromText(`let x = ${"1+".repeat(5000)}$\n`, "t.convspec"));
    const [head, source, caret] = error.format().split("\n");
    expect(head).toBe('t.convspec:1:10009: error: unexpected character "$"');
    expect(source.length).toBeLessThan(140);
    expect(source[caret.length - 1]).toBe("$");
  });
});

describe("numbers a double cannot hold are reported where they are written", () => {
  it("in a .convspec", () => {
    expect(diagnosticsOf(model(`  max_positions 1e999\n  layer_norm_eps 1e999\n  block { heads 4  kernel 1e999  ffn { intermediate 64 } }`))).toEqual([
      "3:17: number 1e999 is too large: numbers go up to about 1.8e308",
      "4:18: number 1e999 is too large: numbers go up to about 1.8e308",
      "5:27: number 1e999 is too large: numbers go up to about 1.8e308",
    ]);
    expect(diagnosticsOf(`model "t" {\n  vocab 100  hidden 1e400  layers 2\n${block}\n}\n`)).toEqual(["2:21: number 1e400 is too large: numbers go up to about 1.8e308"]);
    expect(diagnosticsOf(`let big = 1e308 * 10\nmodel "t" {\n  vocab 100  hidden big  layers 2\n${block}\n}\n`)).toEqual([
      "1:11: 1e+308 * 10 overflows: numbers go up to about 1.8e308",
    ]);
    expect(diagnosticsOf(model(`  layer_norm_eps 1e-400\n${block}`))).toEqual(["3:18: number 1e-400 is too small: it rounds to 0"]);
    expect(diagnosticsOf(`model "t" {\n  vocab 9007199254740993  hidden 64  layers 2\n${block}\n}\n`)).toEqual([
      "2:9: 'vocab' is too large to be exact: 9007199254740992 is beyond 2^53",
    ]);
  });

  it("in JSON specs and HF configs", () => {
    expect(diagnosticsOf(`{\n  "model_type": "convbert",\n  "max_position_embeddings": 1e999\n}`, "config.json")).toEqual([
      "3:30: number 1e999 is too large: numbers go up to about 1.8e308",
    ]);
    expect(diagnosticsOf(`{\n  "format": "convspec/1",\n  "hiddenSize": -1e999\n}`, "spec.json")).toEqual(["3:17: number -1e999 is too large: numbers go up to about 1.8e308"]);
  });
});

describe("files that are not specs are named, never read or quoted", () => {
  const dir = mkdtempSync(join(tmpdir(), "convspec-"));
  const secret = join(dir, "secrets.txt");
  writeFileSync(secret, "API_TOKEN=hunter2\n");
  const fifo = join(dir, "pipe.convspec");
  execFileSync("mkfifo", [fifo]);

  it.each([
    ["/proc/self/environ", "extends needs a .convspec file; '/proc/self/environ' is not one"],
    ["/dev/zero", "extends needs a .convspec file; '/dev/zero' is not one"],
    [secret, `extends needs a .convspec file; '${secret}' is not one`],
    [fifo, `cannot read parent spec '${fifo}' (${fifo}): spec ${fifo} is not a regular file (a device, FIFO or socket); convspec reads only regular files`],
  ])("extends %s", (path, message) => {
    const child = join(dir, "child.convspec");
    const error = specError(() => loadSpecFromText(`model "c" extends "${path}" {}\n`, child));
    expect(error.diagnostics.map((d) => d.message)).toEqual([message]);
    expect(error.format()).not.toContain("hunter2");
    expect(error.format()).not.toContain("PATH=");
  });

  it("check on a non-spec file, a device and a FIFO", async () => {
    await expect(loadSpec(secret)).rejects.toThrow(new UserError(`cannot tell the format of '${secret}': expected a .convspec or .json file`));
    await expect(loadSpec("/dev/zero")).rejects.toThrow("cannot tell the format of '/dev/zero'");
    await expect(loadSpec(fifo)).rejects.toThrow(`spec ${fifo} is not a regular file`);
    const r = await check(secret);
    expect(r.code).toBe(1);
    expect(r.err).not.toContain("hunter2");
  });
});

describe("terminal escapes in user text are printed escaped", () => {
  it("printable escapes control characters, DEL, C1 and bidi overrides, and keeps tabs", () => {
    expect(printable("a\x1b[31mb\u0007c\td\u007f\u009b\u202e\n")).toBe("a\\x1b[31mb\\x07c\td\\x7f\\x9b\\u{202e}\\x0a");
  });

  it("check prints a model name with an ANSI escape escaped", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    const file = join(dir, "ansi.convspec");
    writeFileSync(file, model(block, "evil\\u001b[2J\\u001b]0;owned\\u0007"));
    const r = await check(file);
    expect(r.code).toBe(0);
    expect(r.out).toBe(`ok  ${file}  evil\\x1b[2J\\x1b]0;owned\\x07: 4 layers, 2 attention + 2 conv heads of 16, kernel 9, FFN 64\n`);
    expect(r.out).not.toContain("\x1b");
  });

  it("a source line with a raw escape is shown escaped, the caret still under the culprit", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    const file = join(dir, "raw.convspec");
    writeFileSync(file, model(`  # \x1b[2J\n  hiden 3 # \x1b]0;x\x07\n${block}`));
    const r = await check(file);
    expect(r.err).not.toContain("\x1b");
    expect(r.err).toContain(`${file}:4:3: error: unknown field 'hiden' in model; did you mean 'hidden'?\n4 |   hiden 3 # \\x1b]0;x\\x07\n  |   ^^^^^\n`);
  });
});
