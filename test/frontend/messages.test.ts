/** Mistakes a new user makes (issue 12, items 2 and 3): each message names the real mistake, at its place. */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SpecError } from "../../compiler/diagnostics.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { diagnosticsOf, load, model, virtualReader } from "./helpers.js";

const block = "  block { heads 4  ffn { intermediate 64 } }";

describe("misplaced fields", () => {
  it("intermediate directly in block belongs in ffn", () => {
    expect(diagnosticsOf(model("  block { heads 4  intermediate 1024 }"))).toEqual(["3:20: 'intermediate' belongs inside `ffn { }`"]);
  });

  it("kernel at model level belongs in block", () => {
    expect(diagnosticsOf(model(`  kernel 7\n${block}`))).toEqual(["3:3: 'kernel' belongs inside `block { }` (or a `layers a..b { }` range)"]);
  });

  it("heads N at model level is the task-heads block's keyword", () => {
    expect(diagnosticsOf(model(`  heads 4\n  block { ffn { intermediate 64 } }`))).toEqual([
      "3:3: `heads` at model level opens the task-heads block (`heads { mlm tied }`); the head count goes inside `block { }`",
    ]);
  });

  it("model, heads and ffn fields in the wrong scope, and task heads inside a block", () => {
    expect(diagnosticsOf(model("  block { heads 4  vocab 3  mlm tied  ffn { intermediate 64  kernel 3 }  heads { pooler true } }"))).toEqual([
      "3:20: 'vocab' is a model field: it belongs directly in `model { }`",
      "3:29: 'mlm' belongs inside `heads { }` (the task heads, at model level)",
      "3:62: 'kernel' belongs in `block { }`, not inside `ffn { }`",
      "3:74: the task heads `heads { }` belong directly in `model { }`; in a block, `heads N` is the head count",
    ]);
    expect(diagnosticsOf(model(`${block}\n  heads { mlm tied  ratio 2 }`))).toEqual(["4:21: 'ratio' belongs inside `block { }` (or a `layers a..b { }` range)"]);
  });

  it("layer (for layers) gets a did-you-mean, and the file is still parsed past it", () => {
    expect(diagnosticsOf(model(`${block}\n  layer 2 { kernel 7 }\n  hiden 3`))).toEqual([
      "4:3: unknown field 'layer' in model; did you mean 'layers'?",
      "5:3: unknown field 'hiden' in model; did you mean 'hidden'?",
    ]);
  });

  it("layers 6-11 is arithmetic, not a range", () => {
    const text = `model "t" {\n  vocab 100  hidden 64  layers 12\n${block}\n  layers 6-11 { kernel 7 }\n}\n`;
    expect(diagnosticsOf(text)).toEqual(["4:10: '6-11' is arithmetic (6 - 11 = -5), not a range; did you mean `layers 6..11`?"]);
  });

  it("a missing '}' is reported at the brace left open, not at the next block", () => {
    const text = `model "t" {\n  vocab 100  hidden 64  layers 4\n  block { heads 4  ffn { intermediate 64 }\n  heads { mlm tied }\n}\n`;
    expect(diagnosticsOf(text)).toEqual(["3:9: this '{' at 3:9 is never closed"]);
    // Without indentation to go by: the innermost '{' still open.
    expect(diagnosticsOf(`model "t" { vocab 100 block { heads 4`)).toEqual(["1:29: this '{' at 1:29 is never closed"]);
  });

  it("vocab: 30522 and hidden = 256 are named as the config-file habit", () => {
    expect(diagnosticsOf(model(`  type_vocab: 2\n${block}`))).toEqual(["3:13: unexpected ':'; write `type_vocab 2` (no ':')"]);
    expect(diagnosticsOf(model(`  pad_id = 0\n${block}`))).toEqual(["3:10: unexpected '='; write `pad_id 0` (no '='): only `let` takes '='"]);
  });

  it("accepts a UTF-8 byte-order mark, in a .convspec and in JSON", () => {
    expect(load(`\ufeff${model(block)}`).hiddenSize).toBe(64);
    const json = JSON.stringify({ model_type: "convbert", hidden_size: 64, num_attention_heads: 4, intermediate_size: 64, embedding_size: 64 });
    expect(loadSpecFromText(`\ufeff${json}`, "config.json").hiddenSize).toBe(64);
  });
});

describe("errors through extends", () => {
  const read = virtualReader({
    "/v/base.convspec": model("  block { heads 12  ratio 2  ffn { intermediate 64 } }", "base"),
    "/v/mid.convspec": `model "mid" extends "base.convspec" {\n  vocab 50\n}\n`,
  });

  it("a parent's error shows the child's line that causes it, and the extends chain", () => {
    const child = `# a variant\nmodel "child" extends "mid.convspec" {\n  hidden 100\n}\n`;
    try {
      loadSpecFromText(child, "/v/child.convspec", read);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SpecError);
      expect((e as SpecError).format()).toBe(
        [
          "/v/base.convspec:3:17: error: hidden size 100 is not divisible by the 6 heads per branch that heads 12 / ratio 2 give (HF requires H % n == 0)",
          "3 |   block { heads 12  ratio 2  ffn { intermediate 64 } }",
          "  |                 ^^",
          "/v/child.convspec:3:10: note: hidden 100 is set here",
          "3 |   hidden 100",
          "  |          ^^^",
          '  required by /v/mid.convspec:1:21: model "mid" extends "base.convspec" {',
          '  required by /v/child.convspec:2:23: model "child" extends "mid.convspec" {',
        ].join("\n"),
      );
    }
  });

  it("extends of a JSON spec or HF config.json says to import it first; of anything else, names only the path", () => {
    expect(diagnosticsOf(`model "c" extends "bert/config.json" {}\n`, "/v/c.convspec", read)).toEqual([
      "1:19: extends needs a .convspec; run `convspec import-hf bert/config.json -o config.convspec` first and extend that",
    ]);
    expect(diagnosticsOf(`model "c" extends "/proc/self/environ" {}\n`, "/v/c.convspec", read)).toEqual(["1:19: extends needs a .convspec file; '/proc/self/environ' is not one"]);
  });

  it("a parent that is a FIFO or a directory named .convspec is refused without blocking or reading it", () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-"));
    execFileSync("mkfifo", [join(dir, "fifo.convspec")]);
    mkdirSync(join(dir, "folder.convspec"));
    const child = join(dir, "child.convspec");
    expect(diagnosticsOf(`model "c" extends "fifo.convspec" {}\n`, child)).toEqual([
      `1:19: cannot read parent spec 'fifo.convspec' (${join(dir, "fifo.convspec")}): spec ${join(dir, "fifo.convspec")} is not a regular file (a device, FIFO or socket); convspec reads only regular files`,
    ]);
    expect(diagnosticsOf(`model "c" extends "folder.convspec" {}\n`, child)).toEqual([
      `1:19: cannot read parent spec 'folder.convspec' (${join(dir, "folder.convspec")}): spec ${join(dir, "folder.convspec")} is a directory, not a file`,
    ]);
  });
});
