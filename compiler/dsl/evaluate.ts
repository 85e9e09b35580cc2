/**
 * Values of the spec language: constants (`let width = 512`) and the small
 * arithmetic on them (`intermediate 4 * width`). Constants are file-scoped:
 * a variant sees its own, not its parent's. A number that does not fit a
 * double (`1e999`, `1e308 * 10`) is an error at its text, never a default.
 */
import { suggestion, type DiagnosticSink } from "../diagnostics.js";
import type { SourceLocation } from "../errors.js";
import type { Expr } from "./ast.js";
import { VALUE_WORDS } from "./tokens.js";

export type Value = { type: "number"; value: number } | { type: "string"; value: string } | { type: "word"; value: string };

export interface Located<T> {
  value: T;
  loc: SourceLocation;
}

/** Constants by name; `null` for one whose definition failed (already reported: its uses stay quiet). */
export type Env = Map<string, Located<Value> | null>;

function describe(v: Value): string {
  return v.type === "string" ? JSON.stringify(v.value) : String(v.value);
}

type Binary = Extract<Expr, { kind: "binary" }>;

/** Evaluates `expr`; reports and returns undefined on an error (unknown name, arithmetic on a non-number, / 0, overflow). */
export function evaluate(expr: Expr, env: Env, sink: DiagnosticSink): Value | undefined {
  switch (expr.kind) {
    case "number":
      return literal(expr, sink);
    case "string":
      return { type: "string", value: expr.value };
    case "word":
      return { type: "word", value: expr.value };
    case "ref": {
      const found = env.get(expr.name);
      if (found) return found.value;
      if (found === null) return undefined;
      sink.error(expr.loc, `unknown name '${expr.name}'${suggestion(expr.name, [...env.keys(), ...VALUE_WORDS])}`);
      return undefined;
    }
    case "negate": {
      const operand = evaluate(expr.operand, env, sink);
      if (!operand) return undefined;
      if (operand.type !== "number") return notNumber(expr.loc, "-", operand, sink);
      return { type: "number", value: -operand.value };
    }
    case "binary":
      return evaluateChain(expr, env, sink);
  }
}

function literal(expr: Extract<Expr, { kind: "number" }>, sink: DiagnosticSink): Value | undefined {
  const { value, image } = expr;
  if (Number.isNaN(value) || image === undefined) return undefined; // a placeholder left by syntax-error recovery
  if (!Number.isFinite(value)) {
    sink.error(expr.loc, `number ${image} is too large: numbers go up to about 1.8e308`);
    return undefined;
  }
  if (value === 0 && /[1-9]/.test(image.split(/[eE]/)[0])) {
    sink.error(expr.loc, `number ${image} is too small: it rounds to 0`);
    return undefined;
  }
  return { type: "number", value };
}

/** `a + b - c * d`: left-deep, so walk the left spine with a loop (a 10,000-term sum must not recurse 10,000 deep). */
function evaluateChain(top: Binary, env: Env, sink: DiagnosticSink): Value | undefined {
  const spine: Binary[] = [];
  let leftmost: Expr = top;
  while (leftmost.kind === "binary") {
    spine.push(leftmost);
    leftmost = leftmost.left;
  }
  let left = evaluate(leftmost, env, sink);
  for (let i = spine.length - 1; i >= 0; i--) {
    const expr = spine[i];
    const right = evaluate(expr.right, env, sink);
    left = left && right ? apply(expr, left, right, sink) : undefined;
  }
  return left;
}

function apply(expr: Binary, left: Value, right: Value, sink: DiagnosticSink): Value | undefined {
  if (left.type !== "number") return notNumber(expr.left.loc, expr.op, left, sink);
  if (right.type !== "number") return notNumber(expr.right.loc, expr.op, right, sink);
  if (expr.op === "/" && right.value === 0) {
    sink.error(expr.right.loc, "division by zero");
    return undefined;
  }
  const value = expr.op === "+" ? left.value + right.value : expr.op === "-" ? left.value - right.value : expr.op === "*" ? left.value * right.value : left.value / right.value;
  if (!Number.isFinite(value)) {
    sink.error(expr.loc, `${left.value} ${expr.op} ${right.value} overflows: numbers go up to about 1.8e308`);
    return undefined;
  }
  return { type: "number", value };
}

function notNumber(loc: SourceLocation, op: string, v: Value, sink: DiagnosticSink): undefined {
  sink.error(loc, `'${op}' needs numbers, got ${describe(v)}`);
  return undefined;
}

/** Reads a field value as a whole number. */
export function asInteger(field: string, v: Located<Value>, sink: DiagnosticSink): number | undefined {
  if (v.value.type === "number" && Number.isSafeInteger(v.value.value)) return v.value.value;
  if (v.value.type === "number" && Number.isInteger(v.value.value)) {
    sink.error(v.loc, `'${field}' is too large to be exact: ${v.value.value} is beyond 2^53`);
    return undefined;
  }
  sink.error(v.loc, `'${field}' expects a whole number, got ${describe(v.value)}`);
  return undefined;
}

export function asNumber(field: string, v: Located<Value>, sink: DiagnosticSink): number | undefined {
  if (v.value.type === "number") return v.value.value;
  sink.error(v.loc, `'${field}' expects a number, got ${describe(v.value)}`);
  return undefined;
}

/** Reads one of a fixed set of words (e.g. tied/untied/none). */
export function asWord<W extends string>(field: string, v: Located<Value>, allowed: readonly W[], sink: DiagnosticSink): W | undefined {
  const text = v.value.type === "word" ? v.value.value : undefined;
  if (text !== undefined && (allowed as readonly string[]).includes(text)) return text as W;
  const got = describe(v.value);
  sink.error(v.loc, `'${field}' expects one of ${allowed.join(", ")}, got ${got}${suggestion(String(v.value.value), allowed)}`);
  return undefined;
}

export function asBoolean(field: string, v: Located<Value>, sink: DiagnosticSink): boolean | undefined {
  const word = asWord(field, v, ["true", "false"] as const, sink);
  return word === undefined ? undefined : word === "true";
}
