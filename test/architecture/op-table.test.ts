/**
 * Adding an op kind is cheap only if every place that must handle it says so.
 * This copies the compiler and runtime into a scratch folder, adds a
 * throw-away kind to the IR's Op union, and type-checks the copy: each op
 * table (and every exhaustive switch) must fail to compile, naming the new
 * kind. A place missing from the list below would accept the kind silently.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { repoRoot } from "../helpers/golden.js";

/** Every file that must handle each op kind: the op tables and the exhaustive switches. */
const MUST_HANDLE = [
  "compiler/ir/ops.ts", // params, FLOPs, scratch, printing
  "compiler/backends/tfjs/print.ts", // the tfjs kernels each op runs
  "compiler/backends/tfjs/weight-layout.ts", // the weights each op reads, laid out
  "compiler/backends/onnx/ops/index.ts", // the ONNX nodes
  "compiler/backends/wgsl/lowering.ts", // the WGSL kernel or view
  "runtime/reference/interpreter.ts", // the double-precision oracle
  "runtime/tfjs/ops/index.ts", // the tfjs implementation
];

const scratch = mkdtempSync(join(tmpdir(), "convspec-opkind-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

it("a new op kind is a compile error in every op table, and nowhere accepted silently", () => {
  for (const dir of ["compiler", "runtime"]) cpSync(join(repoRoot, dir), join(scratch, dir), { recursive: true });
  for (const file of ["index.ts", "package.json"]) cpSync(join(repoRoot, file), join(scratch, file));
  symlinkSync(join(repoRoot, "node_modules"), join(scratch, "node_modules"), "dir");
  const config = JSON.parse(readFileSync(join(repoRoot, "tsconfig.json"), "utf8")) as { include: string[] };
  writeFileSync(join(scratch, "tsconfig.json"), JSON.stringify({ ...config, include: ["index.ts", "compiler", "runtime"] }));

  const typesPath = join(scratch, "compiler/ir/types.ts");
  const types = readFileSync(typesPath, "utf8");
  expect(types).toContain("  | TakeFirstOp;");
  writeFileSync(typesPath, types.replace("  | TakeFirstOp;", "  | TakeFirstOp\n  | ThrowAwayOp;") + '\nexport interface ThrowAwayOp extends OpCommon {\n  kind: "throw_away";\n}\n');

  const tsc = spawnSync(process.execPath, [join(repoRoot, "node_modules/typescript/bin/tsc"), "-p", scratch, "--noEmit"], { cwd: scratch, encoding: "utf8", timeout: 120_000 });
  const errors = tsc.stdout.split("\n").filter((line) => /error TS\d+/.test(line));
  const failing = [...new Set(errors.map((line) => line.split("(")[0]))].sort();
  expect(failing, tsc.stdout).toEqual([...MUST_HANDLE].sort());
  for (const file of MUST_HANDLE) expect(errors.filter((e) => e.startsWith(file)).join("\n"), file).toMatch(/throw_away|ThrowAwayOp|never/);
}, 180_000);
