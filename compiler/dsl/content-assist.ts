/**
 * Content assist for editors: given the text up to the cursor, the keywords
 * that may come next (chevrotain's `computeContentAssist` over the grammar).
 * A word being typed at the cursor filters the suggestions by prefix.
 */
import { convspecLexer } from "./tokens.js";
import { expectedAfter } from "./parser.js";

export interface Completion {
  /** Keywords valid next, filtered by the partial word at the cursor. */
  keywords: string[];
  /** Other kinds of token valid next: "a number", "a name", "'{'", ... */
  others: string[];
  /** The partial word at the cursor (replaced by the chosen keyword). */
  prefix: string;
}

export function completeAt(textBeforeCursor: string): Completion {
  const tokens = convspecLexer.tokenize(textBeforeCursor).tokens;
  const last = tokens[tokens.length - 1];
  // The cursor touching a word means that word is still being typed.
  const typing = last !== undefined && last.endOffset === textBeforeCursor.length - 1 && /^[A-Za-z_]\w*$/.test(last.image);
  const prefix = typing ? last.image : "";
  const expected = expectedAfter(typing ? tokens.slice(0, -1) : tokens);
  return {
    keywords: expected.keywords.filter((k) => k.startsWith(prefix)),
    others: typing ? [] : expected.others,
    prefix,
  };
}
