/** Each semantic rule of the spec language: its message and the line:column it points at. */
import { describe, expect, it } from "vitest";
import { SpecError } from "../../compiler/diagnostics.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { diagnosticsOf, load, model, virtualReader } from "./helpers.js";

describe("semantic checks", () => {
  it("H must be divisible by the HF head count per branch", () => {
    expect(diagnosticsOf(model("  block { heads 6 ratio 1  ffn { intermediate 128 } }"))).toEqual([
      "3:17: hidden size 64 is not divisible by the 6 heads per branch that heads 6 / ratio 1 give (HF requires H % n == 0)",
    ]);
  });

  it("a bad layer range and the block's semantic errors come out in one run, in file order", () => {
    expect(diagnosticsOf(model("  block { heads 4  kernel 8  ffn { intermediate 128 } }\n  layers 1..4 { conv_heads 2 }"))).toEqual([
      "3:27: kernel size 8 must be odd (the span conv pads (K-1)/2 on each side)",
      "4:13: layer range 1..4 is outside the model's layers 0..3",
    ]);
  });

  it("the kernel must be odd", () => {
    expect(diagnosticsOf(model("  block { heads 4  kernel 8  ffn { intermediate 128 } }"))).toEqual([
      "3:27: kernel size 8 must be odd (the span conv pads (K-1)/2 on each side)",
    ]);
  });

  it("conv heads need a kernel of at least 1", () => {
    expect(diagnosticsOf(model("  block { heads 4  kernel 0  ffn { intermediate 128 } }"))).toEqual([
      "3:27: with 2 conv heads the kernel size must be at least 1, got 0",
    ]);
  });

  it("FFN groups must divide H and I", () => {
    expect(diagnosticsOf(model("  block { heads 4  ffn { intermediate 100  groups 8 } }"))).toEqual([
      "3:51: FFN groups 8 must divide the intermediate size 100",
    ]);
    expect(diagnosticsOf(model("  block { heads 4  ffn { intermediate 96  groups 3 } }"))).toEqual([
      "3:50: FFN groups 3 must divide the hidden size 64",
    ]);
  });

  it("sizes must be positive, E and H included", () => {
    expect(diagnosticsOf(model("  embedding -8\n  block { heads 4  ffn { intermediate 0 } }"))).toEqual([
      "3:13: embedding size E must be a whole number of at least 1, got -8",
      "4:39: FFN intermediate size must be a whole number of at least 1, got 0",
    ]);
    const zeroHidden = `model "t" {\n  vocab 100  hidden 0  layers 2\n  block { attention_heads 2 conv_heads 2 head_size 8  ffn { intermediate 16 } }\n}`;
    expect(diagnosticsOf(zeroHidden)).toEqual([
      // E defaults to H, so it points at `hidden` too.
      "2:21: embedding size E must be a whole number of at least 1, got 0",
      "2:21: hidden size H must be a whole number of at least 1, got 0",
    ]);
  });

  it("sizes must be whole numbers", () => {
    expect(diagnosticsOf(model("  block { heads 4  ffn { intermediate 64 / 3 } }"))).toEqual([
      "3:39: 'intermediate' expects a whole number, got 21.333333333333332",
    ]);
  });

  it("a block needs at least one head", () => {
    expect(diagnosticsOf(model("  block { attention_heads 0  conv_heads 0  head_size 8  ffn { intermediate 64 } }"))).toEqual([
      "3:41: a block needs at least one head: attention heads + conv heads is 0",
    ]);
  });

  it("layer_norm_eps must be positive", () => {
    expect(diagnosticsOf(model("  layer_norm_eps 0\n  block { heads 4  ffn { intermediate 64 } }"))).toEqual([
      "3:18: layer_norm_eps must be greater than 0, got 0",
    ]);
  });

  it("the pad id must be inside the vocabulary", () => {
    expect(diagnosticsOf(model("  pad_id 100\n  block { heads 4  ffn { intermediate 64 } }"))).toEqual([
      "3:10: pad id 100 is not a token of the vocabulary 0..99",
    ]);
  });

  it("layer ranges must lie inside the layer count", () => {
    expect(diagnosticsOf(model("  block { heads 4  ffn { intermediate 64 } }\n  layers 2..4 { kernel 7 }"))).toEqual([
      "4:13: layer range 2..4 is outside the model's layers 0..3",
    ]);
  });

  it("two ranges of one file may not set the same field on the same layer", () => {
    const text = model("  block { heads 4  ffn { intermediate 64 } }\n  layers 0..2 { kernel 7 }\n  layers 2..3 { kernel 5 }");
    expect(diagnosticsOf(text)).toEqual(["5:24: ambiguous layer ranges: 0..2 (line 4) and 2..3 both set 'kernel' on layers 2..2"]);
    // HF terms in one range and an explicit head count in another are order-dependent too.
    const mixed = model("  block { heads 4  ffn { intermediate 64 } }\n  layers 0..1 { heads 2 }\n  layers 1 { conv_heads 1 }");
    expect(diagnosticsOf(mixed)).toEqual(["5:25: ambiguous layer ranges: 0..1 (line 4) and 1..1 set 'heads' and 'conv_heads' on layers 1..1"]);
    // Different fields on overlapping layers are fine.
    const spec = load(model("  block { heads 4  ffn { intermediate 64 } }\n  layers 0..2 { kernel 7 }\n  layers 2..3 { ffn { groups 2 } }"));
    expect(spec.layers.map((l) => [l.convKernelSize, l.ffnGroups])).toEqual([[7, 1], [7, 1], [7, 2], [9, 2]]);
  });

  it("extends: a missing parent is reported at the extends path", () => {
    const text = `model "t" extends "nope.convspec" {\n  hidden 32\n}\n`;
    const [only] = diagnosticsOf(text, "/v/t.convspec", virtualReader({}));
    expect(only).toMatch(/^1:19: cannot read parent spec 'nope.convspec' \(.*nope\.convspec\): no such file$/);
  });

  it("extends: a cycle is reported with the chain of files", () => {
    const read = virtualReader({
      "/v/a.convspec": `model "a" extends "b.convspec" {}\n`,
      "/v/b.convspec": `# b\nmodel "b" extends "a.convspec" {}\n`,
    });
    try {
      loadSpecFromText(read("/v/a.convspec"), "/v/a.convspec", read);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      const [d] = (e as SpecError).diagnostics;
      expect(d.loc).toMatchObject({ file: "/v/b.convspec", line: 2, column: 19 });
      expect(d.message).toBe("extends cycle: /v/a.convspec -> /v/b.convspec -> /v/a.convspec");
    }
  });

  it("unknown fields get a did-you-mean, in every scope", () => {
    const text = `model "t" {\n  vocab 100  hiden 64  layers 4\n  block { heads 4  kernal 9  ffn { intermediat 64 } }\n  heads { mlm tide }\n}\n`;
    expect(diagnosticsOf(text)).toEqual([
      "2:14: unknown field 'hiden' in model; did you mean 'hidden'?",
      "3:20: unknown field 'kernal' in block; did you mean 'kernel'?",
      "3:36: unknown field 'intermediat' in ffn; did you mean 'intermediate'?",
      "4:15: unknown name 'tide'; did you mean 'tied'?",
    ]);
    expect(diagnosticsOf(`modle "t" {}\n`)).toEqual(["1:1: unexpected 'modle'; expected one of 'let', 'model'; did you mean 'model'?"]);
    expect(diagnosticsOf(model("  activation gleu\n  block { heads 4  ffn { intermediate 64 } }"))).toEqual(["3:14: unknown name 'gleu'; did you mean 'gelu'?"]);
  });

  it("a field set twice in one scope is an error; a variant may override", () => {
    expect(diagnosticsOf(model("  block { heads 4  kernel 7  kernel 5  ffn { intermediate 64 } }"))).toEqual([
      "3:37: 'kernel' is set twice in this scope (first at line 3)",
    ]);
  });

  it("HF terms and explicit head counts may not be mixed in one scope", () => {
    expect(diagnosticsOf(model("  block { heads 4  conv_heads 2  ffn { intermediate 64 } }"))).toEqual([
      "3:31: 'conv_heads' cannot be combined with 'heads' in one scope: give the head split in HF terms (heads, ratio) or explicitly (attention_heads, conv_heads, head_size)",
    ]);
  });

  it("required fields are named", () => {
    expect(diagnosticsOf(`model "t" {\n  hidden 64\n  block { heads 4  ffn { intermediate 64 } }\n}\n`)).toEqual([
      "1:7: model 't' does not set 'vocab', which is required",
      "1:7: model 't' does not set 'layers', which is required",
    ]);
  });

  it("all syntax errors of a file are reported in one run", () => {
    const diags = diagnosticsOf(`model "t" {\n  vocab 100 hidden 64 layers 4 $\n  block { heads 4 ffn { intermediate 64 } }\n  heads { mlm tied } %\n}\n`);
    expect(diags).toEqual(['2:32: unexpected character "$"', '4:22: unexpected character "%"']);
    const parse = diagnosticsOf(`model "t" {\n  vocab = 100\n  block { heads 4 ffn { intermediate } }\n}\n`);
    expect(parse.length).toBe(2);
    expect(parse[0]).toMatch(/^2:9: unexpected '='/);
    expect(parse[1]).toMatch(/^3:38: unexpected '}'/);
  });
});

describe("resolution", () => {
  it("applies HF terms, explicit overrides and constants per layer", () => {
    const spec = load(`let w = 64\nmodel "t" {\n  vocab 100  hidden w  layers 3\n  block { heads 4  ffn { intermediate 4 * w } }\n  layers 2 { conv_heads 0 }\n}\n`);
    expect(spec.layers.map((l) => [l.attentionHeads, l.convHeads, l.headSize, l.intermediateSize])).toEqual([
      [2, 2, 16, 256],
      [2, 2, 16, 256],
      [2, 0, 16, 256],
    ]);
  });

  it("a variant's block applies before the parent's ranges, its own ranges after", () => {
    const read = virtualReader({
      "/v/base.convspec": model("  block { heads 4  ffn { intermediate 64 } }\n  layers 0..1 { kernel 5 }", "base"),
    });
    const child = `model "child" extends "base.convspec" {\n  block { kernel 3 }\n  layers 1..2 { kernel 7 }\n}\n`;
    const spec = load(child, "/v/child.convspec", read);
    expect(spec.name).toBe("child");
    expect(spec.layers.map((l) => l.convKernelSize)).toEqual([5, 7, 7, 3]);
  });
});
