/**
 * Checks on the token stream before parsing. The parser and every walk over
 * the tree recurse once per bracket and unary '-', so nesting is bounded
 * first (a located error, never a stack overflow); and a `{` that is never
 * closed is found by its indentation, not reported at end of file.
 */
import type { IToken, TokenType } from "chevrotain";
import * as T from "./tokens.js";

/** Brackets and unary minuses, together; real specs nest about 5 deep. */
export const MAX_NESTING = 64;

export interface StructureProblem {
  token: IToken;
  message: string;
}

/** Tokens after which a '-' is binary (they end an operand). */
const OPERAND_ENDS = new Set<TokenType>([T.NumberLiteral, T.StringLiteral, T.Identifier, T.RParen]);

function endsOperand(token: IToken | undefined): boolean {
  if (!token) return false;
  return OPERAND_ENDS.has(token.tokenType) || (token.tokenType.CATEGORIES ?? []).some((c) => c === T.ActivationName || c === T.WordValue);
}

export function nestingProblem(tokens: readonly IToken[]): StructureProblem | undefined {
  // Each open bracket counts 1 plus the unary minuses right before it; `run` counts the unary minuses since.
  const runBefore: number[] = [];
  let depth = 0;
  let run = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i];
    const type = token.tokenType;
    if (type === T.Minus && !endsOperand(tokens[i - 1])) run++;
    else if (type === T.LParen || type === T.LCurly) {
      runBefore.push(run);
      depth += 1 + run;
      run = 0;
    } else if (type === T.RParen || type === T.RCurly) {
      if (runBefore.length > 0) depth -= 1 + runBefore.pop()!;
      run = 0;
    } else run = 0;
    if (depth + run > MAX_NESTING) {
      return { token, message: `nested too deeply: more than ${MAX_NESTING} levels of brackets and unary '-'` };
    }
  }
  return undefined;
}

/** The `{` that is never closed, when there is one: the first whose `}` sits left of its line's indentation, else the innermost open one. */
export function unclosedBrace(tokens: readonly IToken[]): StructureProblem | undefined {
  const open: IToken[] = [];
  const pairs: [IToken, IToken][] = [];
  const firstOnLine = new Map<number, IToken>();
  for (const token of tokens) {
    const line = token.startLine ?? 0;
    if (!firstOnLine.has(line)) firstOnLine.set(line, token);
    if (token.tokenType === T.LCurly) open.push(token);
    else if (token.tokenType === T.RCurly && open.length > 0) pairs.push([open.pop()!, token]);
  }
  if (open.length === 0) return undefined;
  const indent = (line: number | undefined) => firstOnLine.get(line ?? 0)?.startColumn ?? 1;
  pairs.sort((a, b) => a[0].startOffset - b[0].startOffset);
  const misfit = pairs.find(([o, c]) => c.startLine !== o.startLine && firstOnLine.get(c.startLine ?? 0) === c && indent(c.startLine) < indent(o.startLine));
  const culprit = misfit?.[0] ?? open[open.length - 1];
  return { token: culprit, message: `this '{' at ${culprit.startLine}:${culprit.startColumn} is never closed` };
}
