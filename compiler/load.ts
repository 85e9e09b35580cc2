/**
 * Loading a model spec from any of its three forms, checked and located:
 *  - `.convspec`: the spec language;
 *  - `.json` with `"format"`: a resolved ModelSpec (as `convspec export --format json` writes);
 *  - `.json` with `hidden_size` / `model_type`: a Hugging Face config.json (ConvBERT, BERT, ELECTRA).
 * Every problem becomes a SpecError whose diagnostics carry file:line:column.
 * Files are read only if they are regular files of a sensible size (io/read-file.ts).
 */
import { statSync } from "node:fs";
import { extname } from "node:path";
import { SpecError, type Diagnostic } from "./diagnostics.js";
import { resolveSpecText, type ReadText } from "./dsl/resolve.js";
import type { ResolvedSpec } from "./dsl/expand.js";
import { UserError, type SourceLocation } from "./errors.js";
import { FILE_KINDS, readRegularText } from "./io/read-file.js";
import { loadJson } from "./load-json.js";
import type { ModelSpec } from "./spec/model-spec.js";
import { schemaDiagnostics } from "./spec/schema.js";
import { validateSpec, type HeadTerms, type Locate } from "./spec/validate.js";

/** A spec, what loading it decided that its file does not say (HF defaults applied, heads left out), and the files it read. */
export interface LoadedSpec {
  spec: ModelSpec;
  notes: Diagnostic[];
  /** The spec file and every file reached through `extends` (an output must not overwrite them). */
  sources: string[];
}

export async function loadSpec(path: string): Promise<ModelSpec> {
  return (await loadSpecWithNotes(path)).spec;
}

/** `loadSpec`, also naming every file it read. */
export async function loadSpecWithSources(path: string): Promise<{ spec: ModelSpec; sources: string[] }> {
  const { spec, sources } = await loadSpecWithNotes(path);
  return { spec, sources };
}

export async function loadSpecWithNotes(path: string): Promise<LoadedSpec> {
  // The format first: a file that is no spec is never read (nor quoted).
  try {
    specFormat(path);
  } catch (e) {
    if (isDirectory(path)) throw new UserError(`${path} is a directory, not a spec file (.convspec or .json)`);
    throw e;
  }
  return loadSpecFromTextWithNotes(readRegularText(path, FILE_KINDS.spec), path);
}

/** Reads a parent spec for `extends`: regular files only, size capped. */
export const readSpecFile: ReadText = (path) => readRegularText(path, FILE_KINDS.spec);

/** Loads a spec from text; `fileName` picks the format by extension and resolves `extends`. */
export function loadSpecFromText(text: string, fileName: string, readText: ReadText = readSpecFile): ModelSpec {
  return loadSpecFromTextWithNotes(text, fileName, readText).spec;
}

export function loadSpecFromTextWithNotes(text: string, fileName: string, readText: ReadText = readSpecFile): LoadedSpec {
  if (specFormat(fileName) === "convspec") {
    const resolved = loadDsl(text, fileName, readText);
    return { spec: resolved.spec, notes: [], sources: [...resolved.sources.keys()] };
  }
  return { ...loadJson(text, fileName, checkSpec), sources: [fileName] };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function specFormat(fileName: string): "convspec" | "json" {
  const ext = extname(fileName).toLowerCase();
  if (ext === ".convspec") return "convspec";
  if (ext === ".json") return "json";
  throw new UserError(`cannot tell the format of '${fileName}': expected a .convspec or .json file`);
}

/** The DSL path, keeping the source map (for tools that want to point into the spec). */
export function loadDsl(text: string, fileName: string, readText: ReadText = readSpecFile): ResolvedSpec {
  const resolved = resolveSpecText(text, fileName, readText);
  const locate = sourceMapLocator(resolved.sourceMap, fileName);
  checkSpec(resolved.spec, locate, resolved.headTerms, resolved.sources, resolved.diagnostics, resolved.extendedBy);
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
export function checkSpec(
  spec: ModelSpec,
  locate: Locate,
  headTerms: readonly (HeadTerms | undefined)[],
  sources: ReadonlyMap<string, string>,
  earlier: readonly Diagnostic[] = [],
  extendedBy: ReadonlyMap<string, SourceLocation> = new Map(),
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
  throw new SpecError(diagnostics, sources, extendedBy);
}
