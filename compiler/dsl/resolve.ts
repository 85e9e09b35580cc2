/**
 * AST -> ModelSpec, step 1: files. Follows `extends` (a variant's fields
 * override its parent's, field by field; its layer ranges apply after the
 * parent's), evaluates constants, and reports unknown or repeated fields.
 * Step 2, expanding the merged fields into one BlockSpec per layer, is in
 * `expand.ts`.
 */
import { basename, dirname, extname, relative, resolve as resolvePath } from "node:path";
import { UserError, type SourceLocation } from "../errors.js";
import { FILE_KINDS, readRegularText } from "../io/read-file.js";
import type { BlockBody, Expr, FileAst, Setting } from "./ast.js";
import { buildAst } from "./build-ast.js";
import { DiagnosticSink, suggestion } from "../diagnostics.js";
import { asInteger, evaluate, type Env, type Located, type Value } from "./evaluate.js";
import { expandModel, type ResolvedSpec } from "./expand.js";
import type { Fields, MergedModel } from "./merged.js";
import { misplacedMessage } from "./misplaced.js";
import { parseConvspec, syntaxDiagnostics } from "./parser.js";
import { SCOPE_FIELDS, type Scope } from "./tokens.js";

export type ReadText = (path: string) => string;

interface Context {
  sink: DiagnosticSink;
  readText: ReadText;
  /** Absolute paths of the files being resolved, outermost first (cycle detection). */
  stack: string[];
}

/** Parses and resolves one spec text; `fileName` is used in messages and to resolve `extends`. */
export function resolveSpecText(text: string, fileName: string, readText: ReadText = (p) => readRegularText(p, FILE_KINDS.spec)): ResolvedSpec {
  const sink = new DiagnosticSink();
  const merged = resolveFile(text, fileName, { sink, readText, stack: [] }, 0);
  sink.throwIfAny();
  // A spec that could be built despite errors goes on to the semantic checks, which report them all.
  const resolved = expandModel(merged!, sink);
  if (resolved) return resolved;
  sink.throwIfAny();
  throw new Error(`internal: '${fileName}' resolved to no spec and no diagnostics`);
}

function displayName(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel.startsWith("..") ? path : rel;
}

function resolveFile(withBom: string, fileName: string, ctx: Context, level: number): MergedModel | undefined {
  const text = withBom.charCodeAt(0) === 0xfeff ? withBom.slice(1) : withBom;
  ctx.sink.sources.set(fileName, text);
  const parsed = parseConvspec(text);
  const syntax = syntaxDiagnostics(parsed, fileName);
  if (syntax.length > 0 || !parsed.cst) {
    for (const d of syntax) ctx.sink.error(d.loc, d.message);
    return undefined;
  }
  const ast = buildAst(parsed.cst, fileName);
  const model = ast.models[0];
  if (!model) {
    ctx.sink.error({ file: fileName, line: 1, column: 1 }, `no 'model "name" { ... }' in ${fileName}`);
    return undefined;
  }
  for (const extra of ast.models.slice(1)) ctx.sink.error(extra.loc, "a spec file holds one model; this is a second one");
  const env = evaluateConstants(ast, ctx.sink);

  let merged: MergedModel = { name: { value: model.name, loc: model.nameLoc }, model: new Map(), blocks: [], ranges: [], heads: new Map() };
  if (model.parent) {
    const parent = resolveParent(fileName, model.parent, ctx, level);
    if (!parent) return undefined;
    merged = { ...parent, name: merged.name, model: new Map(parent.model), blocks: [...parent.blocks], ranges: [...parent.ranges], heads: new Map(parent.heads) };
  }

  const own = { model: new Map(), block: new Map(), heads: new Map() } as Record<"model" | "block" | "heads", Fields>;
  readSettings(model.settings, "model", env, own.model, ctx.sink);
  for (const block of model.blocks) {
    readBlockBody(block, env, own.block, ctx.sink);
    merged.blockLoc = block.loc;
  }
  readSettings(model.heads, "heads", env, own.heads, ctx.sink);
  for (const item of model.layers) {
    if (item.body && !item.to && isSubtractedRange(item.from)) {
      const { left, right } = item.from;
      ctx.sink.error(item.from.loc, `'${left.value}-${right.value}' is arithmetic (${left.value} - ${right.value} = ${left.value - right.value}), not a range; did you mean \`layers ${left.value}..${right.value}\`?`);
      continue;
    }
    const from = evaluateLocated(item.from, env, ctx);
    if (!item.body) {
      if (item.to) ctx.sink.error(item.loc, "a layer range needs a body: 'layers a..b { field value ... }'");
      else if (from) setOnce(own.model, "layers", from, ctx.sink);
      continue;
    }
    const to = item.to ? evaluateLocated(item.to, env, ctx) : from;
    const fields: Fields = new Map();
    readBlockBody(item.body, env, fields, ctx.sink);
    const fromInt = from && asInteger("layers", from, ctx.sink);
    const toInt = to && asInteger("layers", to, ctx.sink);
    if (fromInt === undefined || toInt === undefined || !from || !to) continue;
    merged.ranges.push({ from: { value: fromInt, loc: from.loc }, to: { value: toInt, loc: to.loc }, fields, level, loc: item.loc });
  }
  for (const key of ["model", "heads"] as const) for (const [k, v] of own[key]) merged[key].set(k, v);
  if (own.block.size > 0) merged.blocks.push(own.block);
  return merged;
}

/** Longer `extends` chains are a mistake (or a generated attack), not a model family. */
export const MAX_EXTENDS_DEPTH = 32;

function resolveParent(fileName: string, parent: { path: string; loc: SourceLocation }, ctx: Context, level: number): MergedModel | undefined {
  const self = resolvePath(fileName);
  const target = resolvePath(dirname(self), parent.path);
  const stack = [...ctx.stack, self];
  if (stack.includes(target)) {
    const cycle = [...stack.slice(stack.indexOf(target)), target].map(displayName).join(" -> ");
    ctx.sink.error(parent.loc, `extends cycle: ${cycle}`);
    return undefined;
  }
  if (stack.length >= MAX_EXTENDS_DEPTH) {
    ctx.sink.error(parent.loc, `extends chain too deep: more than ${MAX_EXTENDS_DEPTH} specs (${displayName(stack[0])} -> ... -> ${displayName(target)})`);
    return undefined;
  }
  // Only a .convspec is read: the error names the path and never quotes another kind of file.
  const ext = extname(target).toLowerCase();
  if (ext === ".json") {
    ctx.sink.error(parent.loc, `extends needs a .convspec; run \`convspec import-hf ${parent.path} -o ${basename(parent.path, extname(parent.path))}.convspec\` first and extend that`);
    return undefined;
  }
  if (ext !== ".convspec") {
    ctx.sink.error(parent.loc, `extends needs a .convspec file; '${parent.path}' is not one`);
    return undefined;
  }
  let text: string;
  try {
    text = ctx.readText(target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = e instanceof UserError ? e.message : code === "ENOENT" ? "no such file" : (e as Error).message;
    ctx.sink.error(parent.loc, `cannot read parent spec '${parent.path}' (${displayName(target)}): ${why}`);
    return undefined;
  }
  // A parent's ranges apply before its child's: ancestors get lower levels.
  const name = displayName(target);
  ctx.sink.extendedBy.set(name, parent.loc);
  return resolveFile(text, name, { ...ctx, stack }, level - 1);
}

/** `layers 6-11 { }`: a range written with '-' (two literals subtracted). */
function isSubtractedRange(e: Expr): e is Extract<Expr, { kind: "binary" }> & { left: { kind: "number"; value: number }; right: { kind: "number"; value: number } } {
  return e.kind === "binary" && e.op === "-" && e.left.kind === "number" && e.right.kind === "number";
}

function evaluateLocated(expr: Parameters<typeof evaluate>[0], env: Env, ctx: Context): Located<Value> | undefined {
  const value = evaluate(expr, env, ctx.sink);
  return value ? { value, loc: expr.loc } : undefined;
}

function evaluateConstants(ast: FileAst, sink: DiagnosticSink): Env {
  const env: Env = new Map();
  const lets = [...ast.lets, ...ast.models.flatMap((m) => m.lets)].sort((a, b) => a.nameLoc.line - b.nameLoc.line || a.nameLoc.column - b.nameLoc.column);
  for (const decl of lets) {
    const previous = env.get(decl.name);
    if (previous !== undefined) {
      if (previous) sink.error(decl.nameLoc, `constant '${decl.name}' is already defined at line ${previous.loc.line}`);
      continue;
    }
    const value = evaluate(decl.value, env, sink);
    env.set(decl.name, value ? { value, loc: decl.nameLoc } : null);
  }
  return env;
}

function setOnce(fields: Fields, name: string, value: Located<Value>, sink: DiagnosticSink): void {
  const previous = fields.get(name);
  if (previous) sink.error(value.loc, `'${name}' is set twice in this scope (first at line ${previous.loc.line})`);
  else fields.set(name, value);
}

function readSettings(settings: readonly Setting[], scope: Scope, env: Env, into: Fields, sink: DiagnosticSink): void {
  const allowed: readonly string[] = SCOPE_FIELDS[scope];
  for (const s of settings) {
    const bare = s.name.startsWith("ffn.") ? s.name.slice(4) : s.name;
    if (!s.known || !allowed.includes(bare)) {
      const where = scope === "model" ? "model" : scope === "heads" ? "task heads" : scope;
      sink.error(s.nameLoc, misplacedMessage(bare, scope, s.value !== undefined) ?? `unknown field '${bare}' in ${where}${suggestion(bare, allowed)}`);
      continue;
    }
    if (!s.value) continue;
    const value = evaluate(s.value, env, sink);
    if (value) setOnce(into, s.name, { value, loc: s.value.loc }, sink);
  }
}

function readBlockBody(body: BlockBody, env: Env, into: Fields, sink: DiagnosticSink): void {
  readSettings(body.settings.filter((s) => !s.name.startsWith("ffn.")), "block", env, into, sink);
  const ffn = body.settings.filter((s) => s.name.startsWith("ffn."));
  readSettings(ffn, "ffn", env, into, sink);
}
