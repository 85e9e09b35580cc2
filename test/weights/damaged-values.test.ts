/** Library-level checks behind the CLI's: no stack overflow, no silent NaN, no prototype keys. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { escapeControl, previewJson } from "../../compiler/io/preview.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { inputsFromJson } from "../../runtime/inputs.js";
import { loadTokenizer } from "../../runtime/tokenizer/index.js";
import { firstNonFinite, parseSafetensors, readSafetensors, specWithCheckpointHeads, weightsFromSafetensors } from "../../runtime/weights/index.js";
import { loadGoldenCase } from "../helpers/golden.js";
import { tempDir } from "../io/helpers.js";
import { specFromHfConfig } from "../tfjs/golden-model.js";

const deep = (n: number) => JSON.parse("[".repeat(n) + "]".repeat(n)) as unknown;

describe("previewJson / escapeControl", () => {
  it("renders deep, long and hostile values briefly", () => {
    expect(previewJson(deep(100_000))).toBe("[[[…]]]");
    expect(previewJson("x".repeat(1000)).length).toBeLessThanOrEqual(40);
    expect(previewJson({ a: 1, b: [1, 2, 3, 4, 5, 6] })).toBe('{"a":1,"b":[1,2,3,4,…]}');
    expect(previewJson(0.5)).toBe("0.5");
    expect(previewJson("a")).toBe('"a"');
    expect(previewJson("\u001b[31mred")).toBe('"\\u001b[31mred"');
    expect(escapeControl("a\u001b[2Jb\u0007\u009b")).toBe("a\\u001b[2Jb\\u0007\\u009b");
  });
});

describe("inputs.json cells", () => {
  it("a cell nested 100,000 levels deep is a located UserError", () => {
    const limits = { vocabSize: 10, typeVocabSize: 2, maxPositions: 4 };
    expect(() => inputsFromJson({ input_ids: [[1, deep(100_000)]] }, limits, "x.json")).toThrow(UserError);
    expect(() => inputsFromJson({ input_ids: [[1, deep(100_000)]] }, limits, "x.json")).toThrow("x.json: 'input_ids'[0][1] is [[[…]]]; expected an integer");
    expect(() => inputsFromJson({ input_ids: [[1]], "\u001b[2J": 1 }, limits, "x.json")).toThrow("unknown field '\\u001b[2J'");
  });
});

describe("safetensors header values", () => {
  it("a deeply nested shape is reported briefly, not with a RangeError", () => {
    const header = `{"w":{"dtype":"F32","shape":${"[".repeat(50_000)}${"]".repeat(50_000)},"data_offsets":[0,0]}}`;
    const bytes = new Uint8Array(8 + header.length);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(header.length), true);
    bytes.set(Buffer.from(header), 8);
    expect(() => parseSafetensors(bytes, "m.safetensors")).toThrow("m.safetensors: tensor 'w': shape [[[…]]] is not a list of non-negative integers");
  });
});

describe("non-finite weights", () => {
  const golden = loadGoldenCase("tiny-mixed");
  const checkpoint = readSafetensors(golden.modelPath);
  const graph = lowerToIR(specWithCheckpointHeads(specFromHfConfig(golden.config, "g"), checkpoint));

  it("finds the first NaN or ±Inf", () => {
    expect(firstNonFinite(Float32Array.from([0, -0, 3.4e38, -1e-45]))).toBe(-1);
    expect(firstNonFinite(Float32Array.from([1, 2, Number.NaN, Infinity]))).toBe(2);
    expect(firstNonFinite(Float32Array.from([-Infinity]))).toBe(0);
  });

  it("weightsFromSafetensors refuses a tensor holding Inf, naming it and the index; allowNonFinite accepts it", () => {
    const name = "convbert.embeddings.word_embeddings.weight";
    const tensors = new Map(checkpoint.tensors);
    const original = tensors.get(name)!;
    const data = Float32Array.from(original.data);
    data[64 * 3 + 5] = Infinity;
    tensors.set(name, { ...original, data });
    const damaged = { ...checkpoint, tensors };
    expect(() => weightsFromSafetensors(graph, damaged)).toThrow(`tensor '${name}' holds Infinity at index 197 [3, 5]`);
    expect(weightsFromSafetensors(graph, damaged, { allowNonFinite: true }).get("embeddings.word_embeddings.weight")!.data[197]).toBe(Infinity);
  });
});

describe("vocabularies", () => {
  const specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"];

  it("loads a 130,000-entry vocab.txt (no Math.max spread)", () => {
    const path = join(tempDir(), "vocab.txt");
    writeFileSync(path, [...specials, ...Array.from({ length: 130_000 }, (_, i) => `w${i}`)].join("\n"));
    const tokenizer = loadTokenizer(path);
    expect(tokenizer.vocabSize).toBe(130_005);
    expect(tokenizer.encode("w129999").ids).toEqual([2, 130_004, 3]);
  });

  it("treats 'constructor', 'toString' and '__proto__' lines as ordinary tokens", () => {
    const path = join(tempDir(), "vocab.txt");
    writeFileSync(path, [...specials, "constructor", "tostring", "__proto__", "hasownproperty"].join("\n"));
    const tokenizer = loadTokenizer(path);
    expect(tokenizer.encode("constructor tostring hasownproperty").ids).toEqual([2, 5, 6, 8, 3]);
    expect(tokenizer.token(7)).toBe("__proto__");
  });

  it("refuses a tokenizer.json whose ids are not integers", () => {
    const path = join(tempDir(), "tokenizer.json");
    writeFileSync(path, JSON.stringify({ model: { type: "WordPiece", vocab: { "[MASK]": 0, a: "one" } } }));
    expect(() => loadTokenizer(path)).toThrow(`${path}: model.vocab gives "a" the id "one"; expected a non-negative integer`);
  });
});
