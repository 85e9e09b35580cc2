/**
 * BERT uncased WordPiece, through @huggingface/tokenizers (the pure-JS port
 * of the Rust `tokenizers`). A `tokenizer.json` is used as it is; a bare
 * `vocab.txt` (one token a line, id = line number) is wrapped in the
 * component config that BertTokenizerFast builds for bert-base-uncased.
 */
import { Tokenizer } from "@huggingface/tokenizers";
import { UserError } from "../../compiler/errors.js";
import { previewJson } from "../../compiler/io/preview.js";
import { FILE_KINDS, readRegularText } from "../../compiler/io/read-file.js";

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
  const text = readRegularText(path, FILE_KINDS.vocab);
  const json = path.endsWith(".json") ? parseTokenizerJson(text, path) : bertTokenizerJson(vocabFromText(text, path));
  const vocab = (json.model as { vocab?: Record<string, number> } | undefined)?.vocab;
  if (!vocab || typeof vocab !== "object") throw new UserError(`${path}: no model.vocab (expected a WordPiece tokenizer.json)`);
  const byId = new Map<number, string>();
  for (const [token, id] of Object.entries(vocab)) {
    if (!Number.isSafeInteger(id) || id < 0) throw new UserError(`${path}: model.vocab gives ${previewJson(token)} the id ${previewJson(id)}; expected a non-negative integer`);
    byId.set(id, token);
  }
  const maskId = Object.hasOwn(vocab, "[MASK]") ? vocab["[MASK]"] : undefined;
  if (maskId === undefined) throw new UserError(`${path}: the vocabulary has no [MASK] token`);
  const tokenizer = new Tokenizer(json, { do_lower_case: true, model_max_length: Infinity });
  return {
    encode(input) {
      const { ids, tokens } = tokenizer.encode(input);
      return { ids, tokens };
    },
    token: (id) => byId.get(id) ?? `<${id}>`,
    maskId,
    // A loop, not Math.max(...ids): spreading 125,000+ arguments overflows the stack.
    vocabSize: largest(byId.keys()) + 1,
  };
}

function parseTokenizerJson(text: string, path: string): Record<string, unknown> {
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw new UserError(`${path}: not valid JSON: ${(e as Error).message}`);
  }
}

function largest(values: Iterable<number>): number {
  let max = -Infinity;
  for (const v of values) if (v > max) max = v;
  return max;
}

function vocabFromText(text: string, path: string): Record<string, number> {
  // Null prototype: tokens such as "constructor" or "__proto__" are ordinary entries, not inherited properties.
  const vocab = Object.create(null) as Record<string, number>;
  text.split(/\r?\n/).forEach((line, id) => {
    if (line.length > 0 && !Object.hasOwn(vocab, line)) vocab[line] = id;
  });
  for (const token of SPECIAL) {
    if (!Object.hasOwn(vocab, token)) throw new UserError(`${path}: the vocabulary has no ${token} token`);
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
