/** The JSON Schema of ModelSpec, and JSON specs located by line:column. */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadSpec } from "../../compiler/load.js";
import { isModelSpec, schemaDiagnostics } from "../../compiler/spec/schema.js";
import { diagnosticsOf, specsDir } from "./helpers.js";

const at = () => ({ file: "x", line: 1, column: 1 });

describe("ModelSpec JSON Schema", async () => {
  const good = await loadSpec(resolve(specsDir, "conv-bert-base.convspec"));

  it("accepts every resolved spec", () => {
    expect(isModelSpec(good)).toBe(true);
    expect(schemaDiagnostics(good, at)).toEqual([]);
  });

  it("rejects unknown properties, with a did-you-mean", () => {
    const bad = { ...good, hiddenSise: 3 };
    expect(schemaDiagnostics(bad, at).map((d) => d.message)).toEqual(["spec: unknown property 'hiddenSise'; did you mean 'hiddenSize'?"]);
    const badLayer = { ...good, layers: [{ ...good.layers[0], extra: true }] };
    expect(schemaDiagnostics(badLayer, at).map((d) => d.message)).toEqual(["layers.0: unknown property 'extra'"]);
  });

  it("rejects a wrong format, types and missing fields", () => {
    const { heads: _heads, ...noHeads } = good;
    expect(schemaDiagnostics({ ...noHeads, format: "convspec/2" }, at).map((d) => d.message)).toEqual([
      "spec: missing property 'heads'",
      'format must be "convspec/1"',
    ]);
    expect(schemaDiagnostics({ ...good, layers: [{ ...good.layers[0], headSize: 1.5, activation: "swish" }] }, at).map((d) => d.message)).toEqual([
      "layers.0.headSize must be integer",
      'layers.0.activation must be "gelu" or "gelu_new" or "relu" or "tanh" or "silu"',
    ]);
    expect(schemaDiagnostics({ ...good, heads: { mlm: { tied: "yes" }, classifier: null, pooler: false } }, at).map((d) => d.message)).toEqual(["heads.mlm.tied must be boolean"]);
  });

  it("locates schema and semantic errors of a JSON spec file", () => {
    const lines = JSON.stringify({ ...good, layers: [{ ...good.layers[0], convKernelSize: 8 }], vocabSize: "many" }, null, 2);
    expect(diagnosticsOf(lines, "spec.json")).toEqual(["4:3: vocabSize must be integer"]);
    const even = JSON.stringify({ ...good, layers: [{ ...good.layers[0], convKernelSize: 8 }] }, null, 2);
    const [d] = diagnosticsOf(even, "spec.json");
    const line = even.split("\n").findIndex((l) => l.includes('"convKernelSize": 8')) + 1;
    expect(d).toBe(`${line}:7: kernel size 8 must be odd (the span conv pads (K-1)/2 on each side)`);
  });

  it("reports invalid JSON with its position", () => {
    expect(diagnosticsOf('{\n  "format": "convspec/1",\n  "name": \n}', "spec.json")).toEqual(["4:1: invalid JSON: ValueExpected"]);
  });
});
