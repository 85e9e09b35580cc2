/**
 * Tokens of the `.convspec` language.
 *
 * Every field name is a keyword (the words come from spec/fields.ts), grouped
 * by the scope it belongs to (model, block, ffn, task heads) through a token
 * category. The parser consumes the category, so a field keyword is read as
 * that field only in its own scope (elsewhere it is a misplaced field, which
 * the resolver explains), while content assist can still list the concrete
 * keywords of a scope.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";
import { FIELDS, fieldsOf, scopesOf } from "../spec/fields.js";
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
/**
 * Words that are fields (or block openers) of some scope but not of this one:
 * the grammar still parses `word value` with them, so that the resolver can
 * say where a misplaced field belongs. Disjoint from the scope's own fields,
 * so no alternative of the grammar is ambiguous.
 */
export const NotInModel = createToken({ name: "NotInModel", pattern: Lexer.NA });
export const NotInBlock = createToken({ name: "NotInBlock", pattern: Lexer.NA });
export const NotInFfn = createToken({ name: "NotInFfn", pattern: Lexer.NA });
export const NotInHeads = createToken({ name: "NotInHeads", pattern: Lexer.NA });
export const MISPLACED_CATEGORIES: readonly TokenType[] = [NotInModel, NotInBlock, NotInFfn, NotInHeads];
const notIn = { model: NotInModel, block: NotInBlock, ffn: NotInFfn, heads: NotInHeads } as const;

/** The misplaced-word categories of a word valid in `validIn`. */
function misplacedIn(...validIn: (keyof typeof notIn)[]): TokenType[] {
  return (Object.keys(notIn) as (keyof typeof notIn)[]).filter((s) => !validIn.includes(s)).map((s) => notIn[s]);
}

export const Let = keyword("let");
export const Model = keyword("model");
export const Extends = keyword("extends");
export const Block = keyword("block", misplacedIn("model"));
export const Ffn = keyword("ffn", misplacedIn("block"));
/** `layers 12` (count) and `layers 0..5 { ... }` (override) share the keyword. */
export const Layers = keyword("layers", misplacedIn("model"));
/** `heads { ... }` at model level (task heads); `heads 12` in a block (HF head count). */
export const Heads = keyword("heads", [BlockField, ...misplacedIn("model", "block")]);

const scopeCategory = { model: ModelField, block: BlockField, ffn: FfnField, heads: HeadsField } as const;
const valueWords = ["true", "false", "tied", "untied", "none"];

// One token per word, with the category of every scope it belongs to (`activation`: model and ffn).
// `heads` and `layers` are keywords of their own (above): they also open blocks.
const tokensByWord = new Map<string, TokenType>();
for (const word of new Set(FIELDS.map((f) => f.word))) {
  if (word === "heads" || word === "layers") continue;
  tokensByWord.set(word, keyword(word, [...scopesOf(word).map((s) => scopeCategory[s]), ...misplacedIn(...scopesOf(word))]));
}
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
  ...MISPLACED_CATEGORIES,
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
  model: ["block", "layers", "heads", ...fieldsOf("model").filter((f) => f.word !== "layers").map((f) => f.word)],
  block: [...fieldsOf("block").map((f) => f.word), "ffn"],
  ffn: fieldsOf("ffn").map((f) => f.word),
  heads: fieldsOf("heads").map((f) => f.word),
} as const satisfies Record<string, readonly string[]>;
export type Scope = keyof typeof SCOPE_FIELDS;
