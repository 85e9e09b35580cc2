import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { inputsFromJson, readInputsJson } from "../../runtime/inputs.js";

const limits = { vocabSize: 10, typeVocabSize: 2, maxPositions: 4 };

describe("inputs.json", () => {
  it("fills the optional fields: mask ones, token types zeros", () => {
    const inputs = inputsFromJson({ input_ids: [[1, 2, 3], [4, 5, 6]] }, limits, "x.json");
    expect(inputs).toMatchObject({ batch: 2, seqLen: 3 });
    expect([...inputs.inputIds]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...inputs.attentionMask]).toEqual([1, 1, 1, 1, 1, 1]);
    expect([...inputs.tokenTypeIds]).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it("keeps a padded batch's mask and token types", () => {
    const inputs = inputsFromJson({ input_ids: [[1, 2], [3, 0]], attention_mask: [[1, 1], [1, 0]], token_type_ids: [[0, 1], [1, 0]] }, limits, "x.json");
    expect([...inputs.attentionMask]).toEqual([1, 1, 1, 0]);
    expect([...inputs.tokenTypeIds]).toEqual([0, 1, 1, 0]);
  });

  it.each([
    [{ input_ids: [[1, 2], [3]] }, /not rectangular: row 1 has 1 entries, expected 2/],
    [{ input_ids: [[1, 10]] }, /input_ids\[0\]\[1\] is 10, outside 0\.\.9 \(vocab_size 10\)/],
    [{ input_ids: [[1, -1]] }, /input_ids\[0\]\[1\] is -1/],
    [{ input_ids: [[1, 2]], token_type_ids: [[0, 2]] }, /token_type_ids\[0\]\[1\] is 2, outside 0\.\.1 \(type_vocab_size 2\)/],
    [{ input_ids: [[1, 2, 3, 4, 5]] }, /sequence length 5 exceeds the model's max_position_embeddings \(4\)/],
    [{ input_ids: [[1, 2]], attention_mask: [[1, 1], [1, 1]] }, /'attention_mask' has 2 rows but input_ids has 1/],
    [{ input_ids: [[1, 2]], attention_mask: [[1, 2]] }, /attention_mask\[0\]\[1\] is 2; expected 0 or 1/],
    [{ input_ids: [[1, 2]], attention_mask: [[1, 0.5]] }, /'attention_mask'\[0\]\[1\] is 0\.5; expected an integer/],
    [{ input_ids: [[1, "a"]] }, /'input_ids'\[0\]\[1\] is "a"; expected an integer/],
    [{ ids: [[1]] }, /unknown field 'ids'/],
    [{}, /missing 'input_ids'/],
  ])("rejects %j", (json, message) => {
    expect(() => inputsFromJson(json, limits, "x.json")).toThrow(UserError);
    expect(() => inputsFromJson(json, limits, "x.json")).toThrow(message);
  });

  it("names the file on bad JSON", () => {
    const path = join(mkdtempSync(join(tmpdir(), "convspec-in-")), "inputs.json");
    writeFileSync(path, "{ not json");
    const graph = { spec: limits } as unknown as Parameters<typeof readInputsJson>[1];
    expect(() => readInputsJson(path, graph)).toThrow(/inputs\.json: not valid JSON/);
  });
});
