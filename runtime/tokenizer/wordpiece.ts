/**
 * BERT uncased WordPiece, through @huggingface/tokenizers (the pure-JS port
 * of the Rust `tokenizers`). A `tokenizer.json` is used as it is; a bare
 * `vocab.txt` (one token a line, id = line number) is wrapped in the
 * component config that BertTokenizerFast builds for bert-base-uncased.
 */
import { readFileSync } from "node:fs";
import { Tokenizer } from "@huggingface/tokenizers";
import { UserError } from "../../compiler/errors.js";

export interface Tokenized {
  ids: number[];
  tokens: string[];
}

export interface WordPieceTokenizer {
  encode(text: string): Tokenized;
  /** Token string of an id (for printing predictions). */
  token(id: number): string;
  /** Id of the mask token, e.g. `[MASK]`. */
  maskId: number;
  vocabSize: number;
}

const SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"] as const;

export function loadTokenizer(path: string): WordPieceTokenizer {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read vocabulary ${path}: ${(e as Error).message}`);
  }
  const json = path.endsWith(".json") ? parseTokenizerJson(text, path) : bertTokenizerJson(vocabFromText(text, path));
  const vocab = (json.model as { vocab?: Record<string, number> } | undefined)?.vocab;
  if (!vocab || typeof vocab !== "object") throw new UserError(`${path}: no model.vocab (expected a WordPiece tokenizer.json)`);
  const byId = new Map(Object.entries(vocab).map(([token, id]) => [id, token]));
  const maskId = vocab["[MASK]"];
  if (maskId === undefined) throw new UserError(`${path}: the vocabulary has no [MASK] token`);
  const tokenizer = new Tokenizer(json, { do_lower_case: true, model_max_length: Infinity });
  return {
    encode(input) {
      const { ids, tokens } = tokenizer.encode(input);
      return { ids, tokens };
    },
    token: (id) => byId.get(id) ?? `<${id}>`,
    maskId,
    vocabSize: Math.max(...byId.keys()) + 1,
  };
}

function parseTokenizerJson(text: string, path: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

function vocabFromText(text: string, path: string): Record<string, number> {
  const vocab: Record<string, number> = {};
  text.split(/\r?\n/).forEach((line, id) => {
    if (line.length > 0 && !(line in vocab)) vocab[line] = id;
  });
  for (const token of SPECIAL) {
    if (!(token in vocab)) throw new UserError(`${path}: the vocabulary has no ${token} token`);
  }
  return vocab;
}

/** What `BertTokenizerFast(vocab.txt, do_lower_case=True)` serialises as tokenizer.json. */
function bertTokenizerJson(vocab: Record<string, number>): Record<string, unknown> {
  return {
    added_tokens: SPECIAL.map((content) => ({ id: vocab[content], content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: { type: "BertNormalizer", clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
    pre_tokenizer: { type: "BertPreTokenizer" },
    post_processor: {
      type: "TemplateProcessing",
      single: [{ SpecialToken: { id: "[CLS]", type_id: 0 } }, { Sequence: { id: "A", type_id: 0 } }, { SpecialToken: { id: "[SEP]", type_id: 0 } }],
      pair: [],
      special_tokens: {
        "[CLS]": { id: "[CLS]", ids: [vocab["[CLS]"]], tokens: ["[CLS]"] },
        "[SEP]": { id: "[SEP]", ids: [vocab["[SEP]"]], tokens: ["[SEP]"] },
      },
    },
    decoder: { type: "WordPiece", prefix: "##", cleanup: true },
    model: { type: "WordPiece", unk_token: "[UNK]", continuing_subword_prefix: "##", max_input_chars_per_word: 100, vocab },
  };
}
