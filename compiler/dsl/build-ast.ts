/**
 * CST -> AST. A small typed walk over chevrotain's concrete syntax tree
 * (children by rule/token name), rather than a generated visitor class whose
 * methods are untyped. Tolerates the partial trees that error recovery leaves.
 */
import type { CstElement, CstNode, IToken } from "chevrotain";
import type { SourceLocation } from "../errors.js";
import type { BlockBody, Expr, FileAst, LayersItem, LetDecl, ModelDecl, Setting } from "./ast.js";

type Children = Record<string, CstElement[] | undefined>;

function nodes(children: Children, name: string): CstNode[] {
  return (children[name] ?? []).filter((e): e is CstNode => "children" in e);
}
function tokens(children: Children, name: string): IToken[] {
  return (children[name] ?? []).filter((e): e is IToken => "image" in e);
}
function firstNode(children: Children, name: string): CstNode | undefined {
  return nodes(children, name)[0];
}
/** The first token of a rule's children, whatever its name. */
function anyToken(children: Children): IToken | undefined {
  for (const list of Object.values(children)) for (const e of list ?? []) if ("image" in e) return e;
  return undefined;
}

export class AstBuilder {
  constructor(private readonly file: string) {}

  loc(token: IToken | undefined, endToken: IToken | undefined = token): SourceLocation {
    const line = token?.startLine ?? NaN;
    const column = token?.startColumn ?? NaN;
    const sameLine = endToken?.endLine === line && endToken?.endColumn !== undefined;
    const length = sameLine && Number.isFinite(column) ? Math.max(1, endToken!.endColumn! - column + 1) : Math.max(1, token?.image.length ?? 1);
    return { file: this.file, line: Number.isFinite(line) ? line : 1, column: Number.isFinite(column) ? column : 1, length };
  }

  file_(cst: CstNode): FileAst {
    return {
      file: this.file,
      lets: nodes(cst.children, "letDecl").map((n) => this.letDecl(n)),
      models: nodes(cst.children, "modelDecl").map((n) => this.modelDecl(n)),
    };
  }

  letDecl(node: CstNode): LetDecl {
    const name = tokens(node.children, "Identifier")[0];
    return { name: name?.image ?? "", nameLoc: this.loc(name), value: this.expr(firstNode(node.children, "expr")) };
  }

  modelDecl(node: CstNode): ModelDecl {
    const c = node.children;
    const nameToken = tokens(c, "name")[0];
    const parentToken = tokens(c, "parent")[0];
    const model: ModelDecl = {
      name: nameToken ? unquote(nameToken.image) : "",
      nameLoc: this.loc(nameToken),
      parent: parentToken ? { path: unquote(parentToken.image), loc: this.loc(parentToken) } : undefined,
      settings: [],
      blocks: [],
      layers: [],
      heads: [],
      lets: [],
      loc: this.loc(tokens(c, "model")[0]),
    };
    for (const item of nodes(c, "modelItem")) {
      const ic = item.children;
      for (const n of nodes(ic, "letDecl")) model.lets.push(this.letDecl(n));
      for (const n of nodes(ic, "modelSetting")) model.settings.push(this.setting(n));
      for (const n of [...nodes(ic, "unknownSetting"), ...nodes(ic, "misplacedInModel"), ...nodes(ic, "misplacedHeadCount")]) model.settings.push(this.setting(n));
      for (const n of nodes(ic, "blockDecl")) {
        const body = firstNode(n.children, "blockBody");
        if (body) model.blocks.push(this.blockBody(body));
      }
      for (const n of nodes(ic, "layersItem")) model.layers.push(this.layersItem(n));
      for (const n of nodes(ic, "headsDecl")) {
        for (const s of [...nodes(n.children, "headsSetting"), ...nodes(n.children, "unknownSetting"), ...nodes(n.children, "misplacedInHeads")]) model.heads.push(this.setting(s));
      }
    }
    model.heads.sort(bySource);
    model.settings.sort(bySource);
    return model;
  }

  /** Any `word value` rule: its first token is the field name; unknown and misplaced fields keep their value in a `fieldTail`. */
  setting(node: CstNode, prefix = ""): Setting {
    const nameToken = anyToken(node.children);
    const tail = firstNode(node.children, "fieldTail");
    const exprNode = firstNode(tail?.children ?? node.children, "expr");
    return {
      name: prefix + (nameToken?.image ?? ""),
      nameLoc: this.loc(nameToken),
      value: exprNode ? this.expr(exprNode) : undefined,
      known: node.name !== "unknownSetting" && !node.name.startsWith("misplaced"),
    };
  }

  blockBody(node: CstNode): BlockBody {
    const settings: Setting[] = [];
    for (const item of nodes(node.children, "blockItem")) {
      for (const name of ["blockSetting", "unknownSetting", "misplacedInBlock", "misplacedTaskHeads"]) for (const n of nodes(item.children, name)) settings.push(this.setting(n));
      for (const ffn of nodes(item.children, "ffnDecl")) {
        for (const n of [...nodes(ffn.children, "ffnSetting"), ...nodes(ffn.children, "unknownSetting"), ...nodes(ffn.children, "misplacedInFfn")]) settings.push(this.setting(n, "ffn."));
      }
    }
    settings.sort(bySource);
    return { settings, loc: this.loc(tokens(node.children, "LCurly")[0]) };
  }

  layersItem(node: CstNode): LayersItem {
    const c = node.children;
    const body = firstNode(c, "blockBody");
    const toNode = firstNode(c, "to");
    return {
      from: this.expr(firstNode(c, "from")),
      to: toNode ? this.expr(toNode) : undefined,
      body: body ? this.blockBody(body) : undefined,
      loc: this.loc(tokens(c, "layers")[0]),
    };
  }

  expr(node: CstNode | undefined): Expr {
    if (!node) return { kind: "number", value: NaN, loc: this.loc(undefined) };
    return this.binaryChain(node, (n) => (n.name === "term" ? this.binaryChain(n, (u) => this.unary(u)) : this.unary(n)));
  }

  /** `operands[0] (operators[i] operands[i+1])*`, left-associative. Each node spans its own operands (built in O(1): long chains stay linear). */
  private binaryChain(node: CstNode, operand: (n: CstNode) => Expr): Expr {
    const operands = nodes(node.children, "operands");
    const operators = tokens(node.children, "operators");
    let result = operands[0] ? operand(operands[0]) : this.expr(undefined);
    for (let i = 0; i < operators.length && i + 1 < operands.length; i++) {
      const right = operand(operands[i + 1]);
      result = { kind: "binary", op: operators[i].image as "+" | "-" | "*" | "/", left: result, right, loc: span(result.loc, right.loc) };
    }
    return result;
  }

  private unary(node: CstNode): Expr {
    const inner = firstNode(node.children, "unary");
    if (inner) {
      const operand = this.unary(inner);
      return { kind: "negate", operand, loc: span(this.loc(tokens(node.children, "Minus")[0]), operand.loc) };
    }
    const atom = firstNode(node.children, "atom");
    return atom ? this.atom(atom) : this.expr(undefined);
  }

  private atom(node: CstNode): Expr {
    const c = node.children;
    const nested = firstNode(c, "expr");
    if (nested) return this.expr(nested);
    const token = anyToken(c);
    const loc = this.loc(token);
    if (!token) return { kind: "number", value: NaN, loc };
    switch (token.tokenType.name) {
      case "NumberLiteral":
        return { kind: "number", value: globalThis.Number(token.image), image: token.image, loc };
      case "StringLiteral":
        return { kind: "string", value: unquote(token.image), loc };
      case "Identifier":
        return { kind: "ref", name: token.image, loc };
      default:
        return { kind: "word", value: token.image, loc };
    }
  }
}

/** From the start of `first` to the end of `last` (the length of `first` when they are on different lines). */
function span(first: SourceLocation, last: SourceLocation): SourceLocation {
  if (first.file !== last.file || first.line !== last.line || last.column < first.column) return first;
  return { ...first, length: last.column + (last.length ?? 1) - first.column };
}

function bySource(a: Setting, b: Setting): number {
  return a.nameLoc.line - b.nameLoc.line || a.nameLoc.column - b.nameLoc.column;
}

/** String literals use JSON escapes. */
export function unquote(image: string): string {
  try {
    const value: unknown = JSON.parse(image);
    return typeof value === "string" ? value : image.slice(1, -1);
  } catch {
    return image.slice(1, -1);
  }
}

export function buildAst(cst: CstNode, file: string): FileAst {
  return new AstBuilder(file).file_(cst);
}
