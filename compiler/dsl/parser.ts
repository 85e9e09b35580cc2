/**
 * The `.convspec` grammar: one CstParser instance, built once and reused
 * (chevrotain's grammar analysis is the expensive part), with error recovery
 * on so that one run reports every syntax error of a file.
 *
 *   file        := (let | model)*
 *   let         := 'let' NAME '=' expr
 *   model       := 'model' STRING ('extends' STRING)? '{' modelItem* '}'
 *   modelItem   := let | ModelField expr | block | layers | heads | unknown
 *   block       := 'block' '{' blockItem* '}'
 *   blockItem   := BlockField expr | 'ffn' '{' ffnItem* '}' | unknown
 *   layers      := 'layers' expr ('..' expr)? ('{' blockItem* '}')?
 *   heads       := 'heads' '{' (HeadsField expr | unknown)* '}'
 *   unknown     := NAME fieldTail                 -- "unknown field", with a did-you-mean
 *   misplaced   := NotIn<Scope> fieldTail         -- a field of another scope: "belongs inside ..."
 *   fieldTail   := looseBody | expr looseBody?
 */
import { CstParser, EOF, Lexer, type CstNode, type ILexingError, type IRecognitionException, type IToken, type TokenType } from "chevrotain";
import type { SourceLocation } from "../errors.js";
import { offsetToLocation, STOPPED_READING, suggestion, type Diagnostic } from "../diagnostics.js";
import { nestingProblem, unclosedBrace, type StructureProblem } from "./structure.js";
import * as T from "./tokens.js";

class ConvspecParser extends CstParser {
  constructor() {
    super(T.allTokens, { recoveryEnabled: true, maxLookahead: 3 });
    this.performSelfAnalysis();
  }

  file = this.RULE("file", () => {
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.letDecl) }, { ALT: () => this.SUBRULE(this.modelDecl) }]));
  });

  letDecl = this.RULE("letDecl", () => {
    this.CONSUME(T.Let);
    this.CONSUME(T.Identifier);
    this.CONSUME(T.Equals);
    this.SUBRULE(this.expr);
  });

  modelDecl = this.RULE("modelDecl", () => {
    this.CONSUME(T.Model);
    this.CONSUME(T.StringLiteral, { LABEL: "name" });
    this.OPTION(() => {
      this.CONSUME(T.Extends);
      this.CONSUME2(T.StringLiteral, { LABEL: "parent" });
    });
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.modelItem));
    this.CONSUME(T.RCurly);
  });

  modelItem = this.RULE("modelItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.letDecl) },
      { ALT: () => this.SUBRULE(this.modelSetting) },
      { ALT: () => this.SUBRULE(this.blockDecl) },
      { ALT: () => this.SUBRULE(this.layersItem) },
      { ALT: () => this.SUBRULE(this.headsDecl) },
      { ALT: () => this.SUBRULE(this.misplacedHeadCount) },
      { ALT: () => this.SUBRULE(this.misplacedInModel) },
      { ALT: () => this.SUBRULE(this.unknownSetting) },
    ]);
  });

  modelSetting = this.RULE("modelSetting", () => {
    this.CONSUME(T.ModelField);
    this.SUBRULE(this.expr);
  });

  blockDecl = this.RULE("blockDecl", () => {
    this.CONSUME(T.Block);
    this.SUBRULE(this.blockBody);
  });

  blockBody = this.RULE("blockBody", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => this.SUBRULE(this.blockItem));
    this.CONSUME(T.RCurly);
  });

  blockItem = this.RULE("blockItem", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.blockSetting) },
      { ALT: () => this.SUBRULE(this.ffnDecl) },
      { ALT: () => this.SUBRULE(this.misplacedTaskHeads) },
      { ALT: () => this.SUBRULE(this.misplacedInBlock) },
      { ALT: () => this.SUBRULE(this.unknownSetting) },
    ]);
  });

  blockSetting = this.RULE("blockSetting", () => {
    this.CONSUME(T.BlockField);
    this.SUBRULE(this.expr);
  });

  ffnDecl = this.RULE("ffnDecl", () => {
    this.CONSUME(T.Ffn);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.ffnSetting) }, { ALT: () => this.SUBRULE(this.misplacedInFfn) }, { ALT: () => this.SUBRULE(this.unknownSetting) }]));
    this.CONSUME(T.RCurly);
  });

  ffnSetting = this.RULE("ffnSetting", () => {
    this.CONSUME(T.FfnField);
    this.SUBRULE(this.expr);
  });

  layersItem = this.RULE("layersItem", () => {
    this.CONSUME(T.Layers);
    this.SUBRULE(this.expr, { LABEL: "from" });
    this.OPTION(() => {
      this.CONSUME(T.DotDot);
      this.SUBRULE2(this.expr, { LABEL: "to" });
    });
    this.OPTION2(() => this.SUBRULE(this.blockBody));
  });

  headsDecl = this.RULE("headsDecl", () => {
    this.CONSUME(T.Heads);
    this.CONSUME(T.LCurly);
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.headsSetting) }, { ALT: () => this.SUBRULE(this.misplacedInHeads) }, { ALT: () => this.SUBRULE(this.unknownSetting) }]));
    this.CONSUME(T.RCurly);
  });

  headsSetting = this.RULE("headsSetting", () => {
    this.CONSUME(T.HeadsField);
    this.SUBRULE(this.expr);
  });

  /** A field the grammar does not know: parsed so that the resolver can say "did you mean". */
  unknownSetting = this.RULE("unknownSetting", () => {
    this.CONSUME(T.Identifier);
    this.SUBRULE(this.fieldTail);
  });

  // A field of another scope: parsed so that the resolver can say where it belongs.
  misplacedInModel = this.misplacedRule("misplacedInModel", T.NotInModel);
  misplacedInBlock = this.misplacedRule("misplacedInBlock", T.NotInBlock);
  misplacedInFfn = this.misplacedRule("misplacedInFfn", T.NotInFfn);
  misplacedInHeads = this.misplacedRule("misplacedInHeads", T.NotInHeads);

  /** `heads 4` at model level, where `heads` opens the task heads. */
  misplacedHeadCount = this.RULE("misplacedHeadCount", () => {
    this.CONSUME(T.Heads);
    this.SUBRULE(this.expr);
  });

  /** `heads { mlm tied }` inside a block, where `heads` is the head count. */
  misplacedTaskHeads = this.RULE("misplacedTaskHeads", () => {
    this.CONSUME(T.Heads);
    this.SUBRULE(this.looseBody);
  });

  private misplacedRule(name: string, category: TokenType) {
    return this.RULE(name, () => {
      this.CONSUME(category);
      this.SUBRULE(this.fieldTail);
    });
  }

  fieldTail = this.RULE("fieldTail", () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.looseBody) },
      {
        ALT: () => {
          this.SUBRULE(this.expr);
          this.OPTION(() => this.SUBRULE2(this.looseBody));
        },
      },
    ]);
  });

  /** `{ word value ... }` with any words: the body of an unknown field, skipped by the resolver. */
  looseBody = this.RULE("looseBody", () => {
    this.CONSUME(T.LCurly);
    this.MANY(() => {
      this.CONSUME(T.AnyWord);
      this.OR([{ ALT: () => this.SUBRULE(this.expr) }, { ALT: () => this.SUBRULE(this.looseBody) }]);
    });
    this.CONSUME(T.RCurly);
  });

  expr = this.RULE("expr", () => {
    this.SUBRULE(this.term, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Plus, { LABEL: "operators" }) }, { ALT: () => this.CONSUME(T.Minus, { LABEL: "operators" }) }]);
      this.SUBRULE2(this.term, { LABEL: "operands" });
    });
  });

  term = this.RULE("term", () => {
    this.SUBRULE(this.unary, { LABEL: "operands" });
    this.MANY(() => {
      this.OR([{ ALT: () => this.CONSUME(T.Star, { LABEL: "operators" }) }, { ALT: () => this.CONSUME(T.Slash, { LABEL: "operators" }) }]);
      this.SUBRULE2(this.unary, { LABEL: "operands" });
    });
  });

  unary = this.RULE("unary", () => {
    this.OR([
      {
        ALT: () => {
          this.CONSUME(T.Minus);
          this.SUBRULE(this.unary);
        },
      },
      { ALT: () => this.SUBRULE(this.atom) },
    ]);
  });

  atom = this.RULE("atom", () => {
    this.OR([
      { ALT: () => this.CONSUME(T.NumberLiteral) },
      { ALT: () => this.CONSUME(T.StringLiteral) },
      { ALT: () => this.CONSUME(T.Identifier) },
      { ALT: () => this.CONSUME(T.ActivationName) },
      { ALT: () => this.CONSUME(T.WordValue) },
      {
        ALT: () => {
          this.CONSUME(T.LParen);
          this.SUBRULE(this.expr);
          this.CONSUME(T.RParen);
        },
      },
    ]);
  });
}

/** More syntax errors than this stop the parse: recovery in a file of nothing but mistakes slows down as they pile up. */
export const MAX_SYNTAX_ERRORS = 1000;

class TooManySyntaxErrors extends Error {}

type SaveError = (this: CstParser, error: IRecognitionException) => IRecognitionException;
const saveError = (CstParser.prototype as unknown as { SAVE_ERROR: SaveError }).SAVE_ERROR;
// chevrotain records each recognition error through SAVE_ERROR: count them there (a non-recognition error ends the parse).
(ConvspecParser.prototype as unknown as { SAVE_ERROR: SaveError }).SAVE_ERROR = function (this: CstParser, error) {
  const saved = saveError.call(this, error);
  if (this.errors.length >= MAX_SYNTAX_ERRORS) throw new TooManySyntaxErrors();
  return saved;
};

/** The one parser instance. Not re-entrant: parse one token vector at a time (JS is single-threaded). */
export const convspecParser = new ConvspecParser();

export interface ParseResult {
  text: string;
  /** Absent when a structural problem stopped parsing. */
  cst?: CstNode;
  tokens: IToken[];
  lexErrors: ILexingError[];
  parseErrors: IRecognitionException[];
  /** Too deep a nesting, or a `{` never closed: reported instead of the parser's errors, which would only be consequences. */
  structure?: StructureProblem;
  /** The parse stopped at MAX_SYNTAX_ERRORS: the file has more. */
  stoppedAfterErrors?: boolean;
}

export function parseConvspec(text: string): ParseResult {
  const lexed = T.convspecLexer.tokenize(text);
  const base = { text, tokens: lexed.tokens, lexErrors: lexed.errors, parseErrors: [] };
  const structure = nestingProblem(lexed.tokens) ?? unclosedBrace(lexed.tokens);
  if (structure) return { ...base, structure };
  convspecParser.input = lexed.tokens;
  // Error recovery throws one exception per syntax error: without stack traces they are cheap (a file of 100,000 mistakes).
  const stackTraceLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  let cst: CstNode | undefined;
  let stopped = false;
  try {
    cst = convspecParser.file();
  } catch (e) {
    if (!(e instanceof TooManySyntaxErrors)) throw e;
    stopped = true;
  } finally {
    Error.stackTraceLimit = stackTraceLimit;
  }
  return { ...base, cst, parseErrors: [...convspecParser.errors], stoppedAfterErrors: stopped };
}

/** What may come after `preceding`: keyword words and token labels ('{', a number, ...). */
export function expectedAfter(preceding: IToken[]): { keywords: string[]; others: string[] } {
  const keywords = new Set<string>();
  const others = new Set<string>();
  let paths: ReturnType<typeof convspecParser.computeContentAssist>;
  try {
    paths = convspecParser.computeContentAssist("file", preceding);
  } catch {
    return { keywords: [], others: [] };
  }
  for (const path of paths) {
    const type = path.nextTokenType;
    if (T.MISPLACED_CATEGORIES.includes(type)) continue;
    const concrete = type.PATTERN === Lexer.NA ? T.categoryMembers(type) : [type];
    for (const t of concrete) {
      if (T.KEYWORDS.includes(t.name)) keywords.add(t.name);
      else if (t !== T.AnyWord) others.add(t.LABEL ?? t.name);
    }
  }
  return { keywords: [...keywords].sort(), others: [...others].sort() };
}

/** Listing what was expected costs a pass over the tokens before the error: done for the first errors only (the rest are not printed). */
const EXPLAINED_ERRORS = 20;

/** Lexer and parser errors as located diagnostics, with the expected keywords and a did-you-mean. */
export function syntaxDiagnostics(result: ParseResult, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const { tokens, text } = result;
  for (const e of result.lexErrors) {
    const char = String.fromCodePoint(text.codePointAt(e.offset) ?? 32);
    const at = tokenIndexAt(tokens, e.offset);
    out.push({ loc: { file, line: e.line ?? 1, column: e.column ?? 1, length: Math.max(1, e.length) }, message: (char === ":" ? separatorMessage(char, tokens, at - 1) : undefined) ?? `unexpected character ${JSON.stringify(char)}` });
  }
  if (result.structure) {
    const { token, message } = result.structure;
    out.push({ loc: tokenLoc(token, file), message });
  }
  const parseErrors = [...result.parseErrors].sort((a, b) => offsetOf(a.token, text) - offsetOf(b.token, text));
  parseErrors.forEach((e, n) => {
    const token = e.token;
    const atEnd = token.tokenType === EOF || !Number.isFinite(token.startOffset);
    const index = atEnd ? tokens.length : tokenIndexAt(tokens, token.startOffset);
    const found = atEnd ? "end of file" : `'${token.image}'`;
    const expected = n < EXPLAINED_ERRORS ? expectedAfter(tokens.slice(0, index)) : { keywords: [], others: [] };
    const options = [...expected.keywords.map((k) => `'${k}'`), ...expected.others];
    let message = options.length > 0 ? `unexpected ${found}; expected ${listOptions(options)}` : `unexpected ${found}`;
    const separator = atEnd ? undefined : token.tokenType === T.Equals ? separatorMessage("=", tokens, index - 1) : tokens[index + 1]?.tokenType === T.Equals ? separatorMessage("=", tokens, index) : undefined;
    if (separator) message = separator;
    else if (!atEnd && token.tokenType === T.Identifier) message += suggestion(token.image, expected.keywords);
    else if (!atEnd && T.KEYWORDS.includes(token.image) && expected.others.includes(T.Identifier.LABEL!)) {
      message = `'${token.image}' is a keyword and cannot be used as a name`;
    }
    const last = tokens[tokens.length - 1];
    out.push({ loc: atEnd ? endLocation(text, last, file) : tokenLoc(token, file), message });
  });
  out.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
  if (result.stoppedAfterErrors) {
    const last = parseErrors[parseErrors.length - 1]?.token;
    const at = last && Number.isFinite(last.startOffset) ? tokenLoc(last, file) : offsetToLocation(text, text.length, file);
    out.push({ loc: at, message: `${STOPPED_READING} ${MAX_SYNTAX_ERRORS} syntax errors; fix these first` });
  }
  return out;
}

/** `vocab: 30522` / `hidden = 256`: the config-file habit, named. `tokens[word]` is the word before the separator, the value follows it. */
function separatorMessage(char: ":" | "=", tokens: readonly IToken[], word: number): string | undefined {
  const [before, name, after] = [tokens[word - 1], tokens[word], tokens[word + (char === "=" ? 2 : 1)]];
  if (!name || !after || !(name.tokenType.CATEGORIES ?? []).includes(T.AnyWord) || before?.tokenType === T.Let) return undefined;
  const value = after.tokenType === T.LCurly ? "{ ... }" : after.image;
  return `unexpected '${char}'; write \`${name.image} ${value}\` (no '${char}')${char === "=" ? ": only `let` takes '='" : ""}`;
}

function tokenLoc(token: IToken, file: string): SourceLocation {
  return { file, line: token.startLine ?? 1, column: token.startColumn ?? 1, length: token.image.length };
}

function offsetOf(token: IToken, text: string): number {
  return Number.isFinite(token.startOffset) && token.tokenType !== EOF ? token.startOffset : text.length;
}

/** Index of the first token starting at or after `offset` (tokens are in source order). */
function tokenIndexAt(tokens: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = tokens.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (tokens[mid].startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function listOptions(options: string[]): string {
  if (options.length <= 8) return options.length === 1 ? options[0] : `one of ${options.join(", ")}`;
  return `one of ${options.slice(0, 8).join(", ")}, ...`;
}

function endLocation(text: string, last: IToken | undefined, file: string): SourceLocation {
  if (!last || last.endLine === undefined || last.endColumn === undefined) return offsetToLocation(text, text.length, file);
  return { file, line: last.endLine, column: last.endColumn + 1, length: 1 };
}
