/**
 * Property: any mutation of a shipped spec (characters or tokens deleted,
 * inserted, replaced) either still loads or fails with a SpecError whose every
 * diagnostic carries file:line:column. Never another exception.
 */
import { readdirSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { SpecError } from "../../compiler/diagnostics.js";
import { KEYWORDS } from "../../compiler/dsl/tokens.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { specsDir } from "./helpers.js";

const files = [
  ...readdirSync(specsDir).filter((f) => f.endsWith(".convspec")).map((f) => resolve(specsDir, f)),
  ...readdirSync(resolve(specsDir, "variants")).map((f) => resolve(specsDir, "variants", f)),
].map((path) => ({ path, text: readFileSync(path, "utf8") }));

const fragments = [...KEYWORDS, "{", "}", "..", "=", "-", "*", "/", "(", ")", '"', '"x"', "0", "7", "1e-3", "99999", "4096", "let k = 3", 'extends "nope.convspec"', "#", "\n", " ", "ident", "layers 0..3 {"];
const mutation = fc.record({
  kind: fc.constantFrom("delete", "insert", "replace"),
  at: fc.nat(),
  length: fc.integer({ min: 1, max: 12 }),
  insert: fc.oneof(fc.constantFrom(...fragments), fc.string({ maxLength: 3 })),
});

function mutate(text: string, ms: { kind: string; at: number; length: number; insert: string }[]): string {
  for (const m of ms) {
    const at = text.length === 0 ? 0 : m.at % (text.length + 1);
    const cut = m.kind === "insert" ? 0 : m.length;
    text = text.slice(0, at) + (m.kind === "delete" ? "" : m.insert) + text.slice(at + cut);
  }
  return text;
}

describe("mutated specs", () => {
  it("only ever fail with located SpecErrors", () => {
    fc.assert(
      fc.property(fc.constantFrom(...files), fc.array(mutation, { minLength: 1, maxLength: 3 }), (file, ms) => {
        const text = mutate(file.text, ms);
        try {
          loadSpecFromText(text, file.path);
        } catch (e) {
          expect(e).toBeInstanceOf(SpecError);
          const error = e as SpecError;
          expect(error.diagnostics.length).toBeGreaterThan(0);
          for (const d of error.diagnostics) {
            expect(d.loc.file).not.toBe("");
            expect(Number.isInteger(d.loc.line) && d.loc.line >= 1).toBe(true);
            expect(Number.isInteger(d.loc.column) && d.loc.column >= 1).toBe(true);
          }
          expect(error.format()).toMatch(/^.+:\d+:\d+: error: /);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
