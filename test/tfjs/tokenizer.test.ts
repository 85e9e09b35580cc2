import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { loadTokenizer, predictMasks } from "../../runtime/tokenizer/index.js";

const dir = mkdtempSync(join(tmpdir(), "convspec-tok-"));
const VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "capital", "of", "france", "is", ".", "un", "##believ", "##able", "cafe"];
const vocabTxt = join(dir, "vocab.txt");
writeFileSync(vocabTxt, VOCAB.join("\n") + "\n");

describe("BERT uncased WordPiece", () => {
  it("lower-cases, splits punctuation, adds [CLS]/[SEP] and keeps [MASK] whole (vocab.txt)", () => {
    const tokenizer = loadTokenizer(vocabTxt);
    const { ids, tokens } = tokenizer.encode("The CAPITAL of France is [MASK].");
    expect(tokens).toEqual(["[CLS]", "the", "capital", "of", "france", "is", "[MASK]", ".", "[SEP]"]);
    expect(ids).toEqual([2, 5, 6, 7, 8, 9, 4, 10, 3]);
    expect(tokenizer.maskId).toBe(4);
    expect(tokenizer.vocabSize).toBe(VOCAB.length);
  });

  it("splits words into ## pieces, strips accents (uncased) and maps unknown words to [UNK]", () => {
    const tokenizer = loadTokenizer(vocabTxt);
    expect(tokenizer.encode("Unbelievable Café zzz").tokens).toEqual(["[CLS]", "un", "##believ", "##able", "cafe", "[UNK]", "[SEP]"]);
  });

  it("rejects a vocabulary without BERT's special tokens", () => {
    const bad = join(dir, "bad.txt");
    writeFileSync(bad, "a\nb\n");
    expect(() => loadTokenizer(bad)).toThrow(UserError);
    expect(() => loadTokenizer(bad)).toThrow(/bad\.txt: the vocabulary has no \[PAD\] token/);
  });
});

describe("predictMasks", () => {
  it("ranks the vocabulary at each [MASK] by probability", () => {
    // L = 3, vocab 3; the mask (id 4 here, at position 1) has logits [0, ln 3, 0] -> p = [0.2, 0.6, 0.2].
    const logits = { shape: [1, 3, 3], data: Float32Array.from([9, 9, 9, 0, Math.log(3), 0, 9, 9, 9]) };
    const [prediction, ...rest] = predictMasks(logits, [2, 4, 3], 4, 2);
    expect(rest).toEqual([]);
    expect(prediction.position).toBe(1);
    expect(prediction.candidates[0].id).toBe(1);
    expect(prediction.candidates[0].probability).toBeCloseTo(0.6, 6);
    expect(prediction.candidates[1].probability).toBeCloseTo(0.2, 6);
  });
});
