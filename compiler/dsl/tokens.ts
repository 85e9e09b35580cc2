/**
 * Tokens of the `.convspec` language.
 *
 * Every field name is a keyword, grouped by the scope it belongs to
 * (model, block, ffn, task heads) through a token category. The parser consumes
 * the category, so a field keyword is only accepted in its own scope, while
 * content assist can still list the concrete keywords of a scope.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";
import { ACTIVATIONS } from "../spec/model-spec.js";

/** Any word (keyword or identifier): the body of an unknown `name { ... }` is parsed loosely with it. */
export const AnyWord = createToken({ name: "AnyWord", pattern: Lexer.NA });
export const Identifier = createToken({ name: "Identifier", pattern: /[A-Za-z_][A-Za-z0-9_]*/, categories: [AnyWord], label: "a name" });

function keyword(word: string, categories: TokenType[] = []): TokenType {
  return createToken({ name: word, pattern: new RegExp(`${word}\\b`), longer_alt: Identifier, categories: [...categories, AnyWord], label: `'${word}'` });
}

// Categories: abstract tokens (no pattern) that the grammar consumes.
export const ModelField = createToken({ name: "ModelField", pattern: Lexer.NA });
export const BlockField = createToken({ name: "BlockField", pattern: Lexer.NA });
export const FfnField = createToken({ name: "FfnField", pattern: Lexer.NA });
export const HeadsField = createToken({ name: "HeadsField", pattern: Lexer.NA });
export const ActivationName = createToken({ name: "ActivationName", pattern: Lexer.NA });
export const WordValue = createToken({ name: "WordValue", pattern: Lexer.NA });

export const Let = keyword("let");
export const Model = keyword("model");
export const Extends = keyword("extends");
export const Block = keyword("block");
export const Ffn = keyword("ffn");
/** `layers 12` (count) and `layers 0..5 { ... }` (override) share the keyword. */
export const Layers = keyword("layers");
/** `heads { ... }` at model level (task heads); `heads 12` in a block (HF head count). */
export const Heads = keyword("heads", [BlockField]);

const modelFieldWords = ["vocab", "max_positions", "type_vocab", "pad_id", "embedding", "hidden", "layer_norm_eps", "activation"];
const blockFieldWords = ["ratio", "attention_heads", "conv_heads", "head_size", "kernel", "mask_span"];
const ffnFieldWords = ["intermediate", "groups"];
const headsFieldWords = ["mlm", "classifier", "pooler"];
const valueWords = ["true", "false", "tied", "untied", "none"];

// `activation` is both a model field and an ffn field: one token, two categories.
const tokensByWord = new Map<string, TokenType>();
for (const word of modelFieldWords) {
  tokensByWord.set(word, keyword(word, word === "activation" ? [ModelField, FfnField] : [ModelField]));
}
for (const word of blockFieldWords) tokensByWord.set(word, keyword(word, [BlockField]));
for (const word of ffnFieldWords) tokensByWord.set(word, keyword(word, [FfnField]));
for (const word of headsFieldWords) tokensByWord.set(word, keyword(word, [HeadsField]));
for (const word of valueWords) tokensByWord.set(word, keyword(word, [WordValue]));
// Longest first so that `gelu_new` is not lexed as `gelu` + `_new` (the \b guard also prevents it).
for (const word of [...ACTIVATIONS].sort((a, b) => b.length - a.length)) tokensByWord.set(word, keyword(word, [ActivationName]));

export const NumberLiteral = createToken({ name: "NumberLiteral", pattern: /\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/, label: "a number" });
export const StringLiteral = createToken({ name: "StringLiteral", pattern: /"(?:[^"\\\r\n]|\\.)*"/, label: "a string" });
export const LCurly = createToken({ name: "LCurly", pattern: "{", label: "'{'" });
export const RCurly = createToken({ name: "RCurly", pattern: "}", label: "'}'" });
export const LParen = createToken({ name: "LParen", pattern: "(", label: "'('" });
export const RParen = createToken({ name: "RParen", pattern: ")", label: "')'" });
export const DotDot = createToken({ name: "DotDot", pattern: "..", label: "'..'" });
export const Equals = createToken({ name: "Equals", pattern: "=", label: "'='" });
export const Plus = createToken({ name: "Plus", pattern: "+", label: "'+'" });
export const Minus = createToken({ name: "Minus", pattern: "-", label: "'-'" });
export const Star = createToken({ name: "Star", pattern: "*", label: "'*'" });
export const Slash = createToken({ name: "Slash", pattern: "/", label: "'/'" });
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n]+/, group: Lexer.SKIPPED });
export const Comment = createToken({ name: "Comment", pattern: /#[^\n]*/, group: Lexer.SKIPPED });

export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  AnyWord,
  ModelField,
  BlockField,
  FfnField,
  HeadsField,
  ActivationName,
  WordValue,
  Let,
  Model,
  Extends,
  Block,
  Ffn,
  Heads,
  ...tokensByWord.values(),
  // After the keywords: a keyword prefix followed by more letters falls back to Identifier (longer_alt).
  Layers,
  Identifier,
  NumberLiteral,
  StringLiteral,
  LCurly,
  RCurly,
  LParen,
  RParen,
  DotDot,
  Equals,
  Plus,
  Minus,
  Star,
  Slash,
];

export const convspecLexer = new Lexer(allTokens, { positionTracking: "full", ensureOptimizations: false });

/** Every keyword of the language, for did-you-mean suggestions. */
export const KEYWORDS: readonly string[] = ["let", "model", "extends", "block", "ffn", "layers", "heads", ...tokensByWord.keys()];

/** The concrete keywords a category token stands for (content assist expands categories). */
export function categoryMembers(category: TokenType): TokenType[] {
  return allTokens.filter((t) => {
    const cats = t.CATEGORIES ?? [];
    return cats.includes(category);
  });
}

/** Keywords that are values, suggested when a misspelt one is read as an unknown name. */
export const VALUE_WORDS: readonly string[] = [...valueWords, ...ACTIVATIONS];

/** Field words accepted in each scope, for "unknown field" suggestions. */
export const SCOPE_FIELDS = {
  model: ["block", "layers", "heads", ...modelFieldWords],
  block: ["heads", ...blockFieldWords, "ffn"],
  ffn: [...ffnFieldWords, "activation"],
  heads: headsFieldWords,
} as const;
export type Scope = keyof typeof SCOPE_FIELDS;
