/** Shared helpers for the front-end tests: repo paths and "load this text, give me its diagnostics". */
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { SpecError } from "../../compiler/diagnostics.js";
import { loadSpecFromText } from "../../compiler/load.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const goldenDir = resolve(repoRoot, "../shared/golden");
export const specsDir = resolve(repoRoot, "specs");

/** A spec body with every required field, for tests that change one thing. */
export function model(body: string, name = "t"): string {
  return `model "${name}" {\n  vocab 100  hidden 64  layers 4\n${body}\n}\n`;
}

/** Virtual files for `extends` tests: absolute path -> text. */
export function virtualReader(files: Record<string, string>): (path: string) => string {
  return (path) => {
    const text = files[path];
    if (text === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
    return text;
  };
}

/** "line:column: message" for each diagnostic; fails if the text loads. */
export function diagnosticsOf(text: string, file = "t.convspec", read?: (path: string) => string): string[] {
  try {
    loadSpecFromText(text, file, read);
  } catch (e) {
    if (e instanceof SpecError) return e.diagnostics.map((d) => `${d.loc.line}:${d.loc.column}: ${d.message}`);
    throw e;
  }
  throw new Error("expected the spec to be rejected, but it loaded");
}

export function load(text: string, file = "t.convspec", read?: (path: string) => string): ModelSpec {
  return loadSpecFromText(text, file, read);
}
