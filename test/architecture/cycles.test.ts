/**
 * No import cycles in compiler/, runtime/ or cli/ (type-only imports count:
 * they tie the modules' designs together just the same), and the front end's
 * layering: diagnostics below dsl/ and spec/, spec/ never importing dsl/.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import madge from "madge";
import { describe, expect, it } from "vitest";
import { repoRoot } from "../frontend/helpers.js";

/** Cycles known outside the front end, each to be removed by its owner; the list only shrinks. */
const ALLOWED_CYCLES: readonly string[][] = [];

const FRONT_END = ["compiler/dsl/", "compiler/spec/", "compiler/diagnostics.ts", "compiler/errors.ts", "compiler/load.ts", "compiler/io/"];

interface ImportGraph {
  /** file -> the files it imports (type-only imports included). */
  imports: Record<string, string[]>;
  /** Each cycle madge finds, rotated to start at its smallest file name (so lists compare). */
  cycles: string[][];
}

async function importGraph(dirs: string[], baseDir = repoRoot): Promise<ImportGraph> {
  const result = await madge(dirs.map((d) => resolve(baseDir, d)), {
    baseDir,
    fileExtensions: ["ts"],
    tsConfig: resolve(repoRoot, "tsconfig.json"),
    detectiveOptions: { ts: { skipTypeImports: false }, tsx: { skipTypeImports: false } },
  });
  const rotate = (cycle: string[]) => {
    const min = cycle.indexOf([...cycle].sort()[0]);
    return [...cycle.slice(min), ...cycle.slice(0, min)];
  };
  return { imports: result.obj(), cycles: result.circular().map(rotate) };
}

describe("module structure", async () => {
  const { imports: graph, cycles: found } = await importGraph(["compiler", "runtime", "cli"]);
  const key = (c: string[]) => c.join(" -> ");

  it("sees the whole tree", () => {
    expect(Object.keys(graph)).toEqual(expect.arrayContaining(["compiler/load.ts", "compiler/dsl/resolve.ts", "cli/main.ts", "runtime/executor.ts"]));
  });

  it("has no import cycle outside the allow-list", () => {
    const allowed = new Set(ALLOWED_CYCLES.map(key));
    expect(found.filter((c) => !allowed.has(key(c))).map(key)).toEqual([]);
  });

  it("has no cycle through the front end, whatever the allow-list says", () => {
    expect(found.filter((c) => c.some((f) => FRONT_END.some((p) => f.startsWith(p)))).map(key)).toEqual([]);
  });

  it("keeps the allow-list current: a cycle that is gone leaves the list", () => {
    const present = new Set(found.map(key));
    expect(ALLOWED_CYCLES.map(key).filter((c) => !present.has(c))).toEqual([]);
  });

  it("layers the front end: spec/ does not import dsl/, diagnostics imports neither", () => {
    const offending = Object.entries(graph).flatMap(([file, deps]) => {
      if (file.startsWith("compiler/spec/")) return deps.filter((d) => d.startsWith("compiler/dsl/")).map((d) => `${file} -> ${d}`);
      if (file === "compiler/diagnostics.ts") return deps.filter((d) => d.startsWith("compiler/dsl/") || d.startsWith("compiler/spec/")).map((d) => `${file} -> ${d}`);
      return [];
    });
    expect(offending).toEqual([]);
  });

  it("finds a cycle made of type-only imports (the check itself works)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-cycle-"));
    writeFileSync(join(dir, "a.ts"), 'import type { B } from "./b.js";\nexport interface A { b?: B }\n');
    writeFileSync(join(dir, "b.ts"), 'import type { A } from "./a.js";\nexport interface B { a?: A }\n');
    const { cycles } = await importGraph(["."], dir);
    expect(cycles).toEqual([["a.ts", "b.ts"]]);
  });
});
