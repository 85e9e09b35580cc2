/**
 * The layering the folder tree promises, checked on every import (static,
 * dynamic and type-only): the compiler never loads a runtime library, and
 * the runtime never runs passes.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../helpers/golden.js";

function sources(dir: string): string[] {
  return readdirSync(join(repoRoot, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith(".ts"))
    .map((e) => relative(repoRoot, join(e.parentPath, e.name)));
}

/** Every module specifier a file imports, relative ones resolved to repo paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(repoRoot, file), "utf8");
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)["']([^"']+)["']/g)].map((m) => m[1]);
  return specifiers.map((s) => (s.startsWith(".") ? relative(repoRoot, resolve(dirname(join(repoRoot, file)), s)) : s));
}

const offenders = (dir: string, forbidden: (specifier: string) => boolean): string[] =>
  sources(dir).flatMap((file) => importsOf(file).filter(forbidden).map((s) => `${file} imports ${s}`));

describe("layering", () => {
  it("compiler/ imports neither TensorFlow.js nor Dawn", () => {
    expect(offenders("compiler", (s) => s.startsWith("@tensorflow/") || s === "webgpu")).toEqual([]);
  });

  it("compiler/ imports nothing from runtime/ or cli/", () => {
    expect(offenders("compiler", (s) => s.startsWith("runtime/") || s.startsWith("cli/"))).toEqual([]);
  });

  it("runtime/ never imports the passes", () => {
    expect(offenders("runtime", (s) => s.startsWith("compiler/passes"))).toEqual([]);
  });
});
