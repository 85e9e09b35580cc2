/**
 * Loading a model spec from any of its three forms, checked and located:
 *  - `.convspec`: the spec language;
 *  - `.json` with `"format"`: a resolved ModelSpec (as `convspec export --format json` writes);
 *  - `.json` with `hidden_size` / `model_type`: a Hugging Face ConvBERT config.json.
 * Every problem becomes a SpecError whose diagnostics carry file:line:column.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { basename, dirname, extname } from "node:path";
import { findNodeAtLocation, parseTree, printParseErrorCode, type Node as JsonNode, type ParseError } from "jsonc-parser";
import { UserError, type SourceLocation } from "./errors.js";
import { offsetToLocation, SpecError, type Diagnostic } from "./dsl/diagnostics.js";
import type { HeadTerms, ResolvedSpec } from "./dsl/expand.js";
import { resolveSpecText, type ReadText } from "./dsl/resolve.js";
import { validateSpec, type Locate } from "./dsl/validate.js";
import { importHfConfig, isHfConfig } from "./spec/hf-config.js";
import type { ModelSpec } from "./spec/model-spec.js";
import { schemaDiagnostics } from "./spec/schema.js";

export async function loadSpec(path: string): Promise<ModelSpec> {
  return (await loadSpecWithSources(path)).spec;
}

/** `loadSpec`, also naming every file it read (the spec, and each file reached through `extends`): outputs must not overwrite them. */
export async function loadSpecWithSources(path: string): Promise<{ spec: ModelSpec; sources: string[] }> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new UserError(`cannot read spec '${path}': ${(e as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (e as Error).message}`);
  }
  if (extname(path).toLowerCase() !== ".convspec") return { spec: loadSpecFromText(text, path), sources: [path] };
  const resolved = loadDsl(text, path);
  return { spec: resolved.spec, sources: [...resolved.sources.keys()] };
}

/** Loads a spec from text; `fileName` picks the format by extension and resolves `extends`. */
export function loadSpecFromText(text: string, fileName: string, readText: ReadText = (p) => readFileSync(p, "utf8")): ModelSpec {
  const ext = extname(fileName).toLowerCase();
  if (ext === ".convspec") return loadDsl(text, fileName, readText).spec;
  if (ext === ".json") return loadJson(text, fileName);
  throw new UserError(`cannot tell the format of '${fileName}': expected a .convspec or .json file`);
}

/** The DSL path, keeping the source map (for tools that want to point into the spec). */
export function loadDsl(text: string, fileName: string, readText?: ReadText): ResolvedSpec {
  const resolved = resolveSpecText(text, fileName, readText);
  const locate = sourceMapLocator(resolved.sourceMap, fileName);
  check(resolved.spec, locate, resolved.headTerms, resolved.sources, resolved.diagnostics);
  return resolved;
}

function sourceMapLocator(sourceMap: ReadonlyMap<string, SourceLocation>, fileName: string): Locate {
  return (path) => {
    // Fall back to the nearest enclosing field that has a location.
    for (let p = path; ; p = p.slice(0, Math.max(0, p.lastIndexOf(".")))) {
      const loc = sourceMap.get(p);
      if (loc) return loc;
      if (p === "") return sourceMap.get("name") ?? { file: fileName, line: 1, column: 1 };
    }
  };
}

/** Semantic checks, then the schema as a safety net; throws every problem (earlier ones too) at once, in file order. */
function check(
  spec: ModelSpec,
  locate: Locate,
  headTerms: readonly (HeadTerms | undefined)[],
  sources: ReadonlyMap<string, string>,
  earlier: readonly Diagnostic[] = [],
): void {
  const diagnostics = [...earlier, ...validateSpec(spec, locate, headTerms)];
  if (diagnostics.length === 0) diagnostics.push(...schemaDiagnostics(spec, locate));
  if (diagnostics.length === 0) return;
  const order = (d: Diagnostic) => [d.loc.file, d.loc.line, d.loc.column] as const;
  diagnostics.sort((a, b) => {
    const [fa, la, ca] = order(a);
    const [fb, lb, cb] = order(b);
    return fa === fb ? la - lb || ca - cb : fa < fb ? -1 : 1;
  });
  throw new SpecError(diagnostics, sources);
}

function loadJson(text: string, fileName: string): ModelSpec {
  const sources = new Map([[fileName, text]]);
  const errors: ParseError[] = [];
  const root = parseTree(text, errors, { allowTrailingComma: false, disallowComments: true });
  if (errors.length > 0 || !root) {
    const diagnostics: Diagnostic[] = errors.map((e) => ({ loc: offsetToLocation(text, e.offset, fileName, Math.max(1, e.length)), message: `invalid JSON: ${printParseErrorCode(e.error)}` }));
    throw new SpecError(diagnostics.length > 0 ? diagnostics : [{ loc: { file: fileName, line: 1, column: 1 }, message: "empty JSON file" }], sources);
  }
  const value: unknown = JSON.parse(text);
  const nodeLoc = (segments: (string | number)[]): SourceLocation => {
    for (let s = segments; ; s = s.slice(0, -1)) {
      const node: JsonNode | undefined = findNodeAtLocation(root, s);
      const at = node?.parent?.type === "property" ? node.parent : node;
      if (at) return offsetToLocation(text, at.offset, fileName, at.type === "property" ? (at.children?.[0]?.length ?? 1) : at.length);
      if (s.length === 0) return { file: fileName, line: 1, column: 1 };
    }
  };
  const pathSegments = (path: string) => (path === "" ? [] : path.split(".").map((p) => (/^\d+$/.test(p) ? Number(p) : p)));

  if (typeof value === "object" && value !== null && "format" in value) {
    const locate: Locate = (path) => nodeLoc(pathSegments(path));
    const schema = schemaDiagnostics(value, locate);
    if (schema.length > 0) throw new SpecError(schema, sources);
    check(value as ModelSpec, locate, [], sources);
    return value as ModelSpec;
  }
  if (isHfConfig(value)) {
    const name = basename(fileName) === "config.json" ? basename(dirname(fileName)) || "model" : basename(fileName, extname(fileName));
    const imported = importHfConfig(value, name);
    const locate: Locate = (path) => nodeLoc([imported.keyOf(path)].filter((k) => k !== ""));
    if (imported.problems.length > 0) {
      throw new SpecError(imported.problems.map((p) => ({ loc: nodeLoc([p.key]), message: p.message })), sources);
    }
    const terms = imported.headTerms.map((t) => ({ ...t, loc: nodeLoc(["num_attention_heads"]) }));
    check(imported.spec, locate, terms, sources);
    return imported.spec;
  }
  throw new SpecError([{ loc: { file: fileName, line: 1, column: 1 }, message: 'not a model spec: expected a convspec JSON spec (with "format") or a Hugging Face config.json (with "hidden_size")' }], sources);
}
