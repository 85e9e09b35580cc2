/** The Node example must keep running as the library changes. */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { expect, it } from "vitest";
import { countParams } from "../../compiler/analysis/params.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { repoRoot } from "../helpers/golden.js";

it("examples/node/variant-sweep.ts runs every variant and reports its backbone size", () => {
  const out = execFileSync(process.execPath, [join(repoRoot, "bin/run-ts.mjs"), join(repoRoot, "examples/node/variant-sweep.ts")], {
    encoding: "utf8",
  });
  const lines = out.trim().split("\n");
  expect(lines.map((l) => l.split(/\s+/)[0])).toEqual(["tiny-c0-k9", "tiny-c2-k9", "tiny-c2-k15", "tiny-c4-k9"]);
  // Cross-check one row against the analysis run here on the same text.
  const spec = loadSpecFromText(
    `model "x" { vocab 1000 max_positions 128 type_vocab 2 pad_id 0 embedding 64 hidden 128 layers 4 layer_norm_eps 1e-12 activation gelu
       block { attention_heads 2 conv_heads 2 head_size 16 kernel 15 ffn { intermediate 512 groups 2 } } }`,
    "x.convspec",
  );
  const expected = countParams(lowerToIR(spec)).backbone.toLocaleString("en-US");
  expect(lines[2]).toContain(`params ${expected.padStart(9)}`);
  for (const line of lines) expect(line).toMatch(/out \[2,32,128\] mean\|x\| \d\.\d{4}$/);
});
