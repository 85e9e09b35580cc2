/**
 * The two JSON forms of a spec: a resolved ModelSpec (`"format"`) and a
 * Hugging Face config.json. Nesting is bounded before parsing (the JSON tree
 * walks recurse) and a number that overflows a double is reported where it
 * is written, not read as a default or as null.
 */
import { basename, dirname, extname } from "node:path";
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from "jsonc-parser";
import { offsetToLocation, SpecError, type Diagnostic } from "./diagnostics.js";
import type { SourceLocation } from "./errors.js";
import { importHfConfig, isHfConfig } from "./spec/hf-config.js";
import type { ModelSpec } from "./spec/model-spec.js";
import { schemaDiagnostics } from "./spec/schema.js";
import type { HeadTerms, Locate } from "./spec/validate.js";

/** Objects and arrays inside each other; a ModelSpec nests 4 deep, an HF config about 3. */
export const MAX_JSON_NESTING = 64;

type Check = (spec: ModelSpec, locate: Locate, headTerms: readonly (HeadTerms | undefined)[], sources: ReadonlyMap<string, string>) => void;

export function loadJson(withBom: string, fileName: string, check: Check): { spec: ModelSpec; notes: Diagnostic[] } {
  const text = withBom.charCodeAt(0) === 0xfeff ? withBom.slice(1) : withBom;
  const sources = new Map([[fileName, text]]);
  const fail = (diagnostics: Diagnostic[]): never => {
    throw new SpecError(diagnostics, sources);
  };
  const tooDeep = jsonNestingOffset(text);
  if (tooDeep !== undefined) fail([{ loc: offsetToLocation(text, tooDeep, fileName), message: `nested too deeply: more than ${MAX_JSON_NESTING} levels of objects and arrays` }]);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const diagnostics: Diagnostic[] = errors.map((e) => ({ loc: offsetToLocation(text, e.offset, fileName, Math.max(1, e.length)), message: `invalid JSON: ${printParseErrorCode(e.error)}` }));
    fail(diagnostics.length > 0 ? diagnostics : [{ loc: { file: fileName, line: 1, column: 1 }, message: "empty JSON file" }]);
  }
  const tree = root!;
  const overflows = overflowingNumbers(tree, text, fileName);
  if (overflows.length > 0) fail(overflows);
  const value: unknown = JSON.parse(text);
  const nodeLoc = (segments: (string | number)[]): SourceLocation => {
    for (let s = segments; ; s = s.slice(0, -1)) {
      const node: JsonNode | undefined = findNodeAtLocation(tree, s);
      const at = node?.parent?.type === "property" ? node.parent : node;
      if (at) return offsetToLocation(text, at.offset, fileName, at.type === "property" ? (at.children?.[0]?.length ?? 1) : at.length);
      if (s.length === 0) return { file: fileName, line: 1, column: 1 };
    }
  };
  const pathSegments = (path: string) => (path === "" ? [] : path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)));

  if (typeof value === "object" && value !== null && "format" in value) {
    const locate: Locate = (path) => nodeLoc(pathSegments(path));
    const schema = schemaDiagnostics(value, locate);
    if (schema.length > 0) fail(schema);
    check(value as ModelSpec, locate, [], sources);
    return { spec: value as ModelSpec, notes: [] };
  }
  if (isHfConfig(value)) {
    const name = basename(fileName) === "config.json" ? basename(dirname(fileName)) || "model" : basename(fileName, extname(fileName));
    const imported = importHfConfig(value, name);
    const keyLoc = (key: string | undefined) => (key ? nodeLoc([key]) : { file: fileName, line: 1, column: 1 });
    if (imported.problems.length > 0) fail(imported.problems.map((p) => ({ loc: keyLoc(p.key), message: p.message })));
    const locate: Locate = (path) => nodeLoc([imported.keyOf(path)].filter((k) => k !== ""));
    const terms = imported.headTerms.map((t) => t && { ...t, loc: nodeLoc(["num_attention_heads"]) });
    check(imported.spec, locate, terms, sources);
    return { spec: imported.spec, notes: imported.notes.map((n) => ({ loc: keyLoc(n.key), message: n.message })) };
  }
  return fail([{ loc: { file: fileName, line: 1, column: 1 }, message: 'not a model spec: expected a convspec JSON spec (with "format") or a Hugging Face config.json (with "model_type" or "hidden_size")' }]);
}

/** Offset of the first `{` or `[` (outside strings) deeper than MAX_JSON_NESTING. */
function jsonNestingOffset(text: string): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // backslash: skip the escaped character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      if (++depth > MAX_JSON_NESTING) return i;
    } else if (c === 125 || c === 93) depth--;
  }
  return undefined;
}

/** Number literals that a double cannot hold (1e999), located; the tree is shallow (checked above), an explicit stack anyway. */
function overflowingNumbers(root: JsonNode, text: string, fileName: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "number" && !Number.isFinite(node.value as number)) {
      const literal = text.slice(node.offset, node.offset + node.length);
      out.push({ loc: offsetToLocation(text, node.offset, fileName, node.length), message: `number ${literal} is too large: numbers go up to about 1.8e308` });
    }
    for (const child of node.children ?? []) stack.push(child);
  }
  return out.sort((a, b) => a.loc.line - b.loc.line || a.loc.column - b.loc.column);
}
