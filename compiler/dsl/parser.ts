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
 *   unknown     := NAME (expr | looseBody)       -- reported later as "unknown field"
 */
import { CstParser, EOF, Lexer, type CstNode, type ILexingError, type IRecognitionException, type IToken } from "chevrotain";
import type { SourceLocation } from "../errors.js";
import { offsetToLocation, suggestion, type Diagnostic } from "./diagnostics.js";
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
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.ffnSetting) }, { ALT: () => this.SUBRULE(this.unknownSetting) }]));
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
    this.MANY(() => this.OR([{ ALT: () => this.SUBRULE(this.headsSetting) }, { ALT: () => this.SUBRULE(this.unknownSetting) }]));
    this.CONSUME(T.RCurly);
  });

  headsSetting = this.RULE("headsSetting", () => {
    this.CONSUME(T.HeadsField);
    this.SUBRULE(this.expr);
  });

  /** A field the grammar does not know: parsed so that the resolver can say "did you mean". */
  unknownSetting = this.RULE("unknownSetting", () => {
    this.CONSUME(T.Identifier);
    this.OR([{ ALT: () => this.SUBRULE(this.expr) }, { ALT: () => this.SUBRULE(this.looseBody) }]);
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

/** The one parser instance. Not re-entrant: parse one token vector at a time (JS is single-threaded). */
export const convspecParser = new ConvspecParser();

export interface ParseResult {
  text: string;
  cst: CstNode;
  tokens: IToken[];
  lexErrors: ILexingError[];
  parseErrors: IRecognitionException[];
}

export function parseConvspec(text: string): ParseResult {
  const lexed = T.convspecLexer.tokenize(text);
  convspecParser.input = lexed.tokens;
  const cst = convspecParser.file();
  return { text, cst, tokens: lexed.tokens, lexErrors: lexed.errors, parseErrors: [...convspecParser.errors] };
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
    const concrete = type.PATTERN === Lexer.NA ? T.categoryMembers(type) : [type];
    for (const t of concrete) {
      if (T.KEYWORDS.includes(t.name)) keywords.add(t.name);
      else if (t !== T.AnyWord) others.add(t.LABEL ?? t.name);
    }
  }
  return { keywords: [...keywords].sort(), others: [...others].sort() };
}

/** Lexer and parser errors as located diagnostics, with the expected keywords and a did-you-mean. */
export function syntaxDiagnostics(result: ParseResult, file: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const e of result.lexErrors) {
    out.push({
      loc: { file, line: e.line ?? 1, column: e.column ?? 1, length: Math.max(1, e.length) },
      message: `unexpected character ${JSON.stringify(String.fromCodePoint(result.text.codePointAt(e.offset) ?? 32))}`,
    });
  }
  for (const e of result.parseErrors) {
    const token = e.token;
    const atEnd = token.tokenType === EOF || !Number.isFinite(token.startOffset);
    const index = atEnd ? result.tokens.length : result.tokens.indexOf(token);
    const expected = expectedAfter(result.tokens.slice(0, index < 0 ? result.tokens.length : index));
    const found = atEnd ? "end of file" : `'${token.image}'`;
    const options = [...expected.keywords.map((k) => `'${k}'`), ...expected.others];
    let message = options.length > 0 ? `unexpected ${found}; expected ${listOptions(options)}` : `unexpected ${found}`;
    if (!atEnd && token.tokenType === T.Identifier) message += suggestion(token.image, expected.keywords);
    else if (!atEnd && T.KEYWORDS.includes(token.image) && expected.others.includes(T.Identifier.LABEL!)) {
      message = `'${token.image}' is a keyword and cannot be used as a name`;
    }
    const last = result.tokens[result.tokens.length - 1];
    const at = atEnd ? endLocation(result.text, last, file) : { file, line: token.startLine ?? 1, column: token.startColumn ?? 1, length: token.image.length };
    out.push({ loc: at, message });
  }
  return out.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
}

function listOptions(options: string[]): string {
  if (options.length <= 8) return options.length === 1 ? options[0] : `one of ${options.join(", ")}`;
  return `one of ${options.slice(0, 8).join(", ")}, ...`;
}

function endLocation(text: string, last: IToken | undefined, file: string): SourceLocation {
  if (!last || last.endLine === undefined || last.endColumn === undefined) return offsetToLocation(text, text.length, file);
  return { file, line: last.endLine, column: last.endColumn + 1, length: 1 };
}
