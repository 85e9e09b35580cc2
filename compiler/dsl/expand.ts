/**
 * AST -> ModelSpec, step 2: defaults, the head split (HF terms or explicit),
 * and layer-range overrides, expanded to one BlockSpec per layer. Records for
 * every ModelSpec field path (`hiddenSize`, `layers.3.headSize`) the source
 * location that produced it, so later checks can point at the spec text.
 */
import type { Diagnostic, DiagnosticSink } from "../diagnostics.js";
import type { SourceLocation } from "../errors.js";
import { fieldDef, fieldsOf, type FieldDef } from "../spec/fields.js";
import { ACTIVATIONS, MAX_LAYERS, SPEC_FORMAT, type Activation, type BlockSpec, type HeadsSpec, type ModelSpec } from "../spec/model-spec.js";
import type { HeadTerms } from "../spec/validate.js";
import { asBoolean, asInteger, asNumber, asWord, type Located, type Value } from "./evaluate.js";
import type { Fields, MergedModel, RangeOverride } from "./merged.js";

export interface ResolvedSpec {
  spec: ModelSpec;
  /** ModelSpec field path (dots, e.g. `layers.3.headSize`) -> where its value came from. */
  sourceMap: Map<string, SourceLocation>;
  /** Per layer: the HF head terms when the split was given that way (validate checks H % n). */
  headTerms: (HeadTerms | undefined)[];
  sources: ReadonlyMap<string, string>;
  /** Parent file -> the `extends` in its child that pulled it in (the "required by" chain of an error). */
  extendedBy: ReadonlyMap<string, SourceLocation>;
  /**
   * Problems that did not stop the spec from being built (a bad layer range is
   * reported and ignored): reported together with the semantic checks, so one
   * run shows every error of a file.
   */
  diagnostics: Diagnostic[];
}

const HF_SPLIT = ["heads", "ratio"];
const EXPLICIT_SPLIT = ["attention_heads", "conv_heads", "head_size"];

export function expandModel(merged: MergedModel, sink: DiagnosticSink): ResolvedSpec | undefined {
  const sourceMap = new Map<string, SourceLocation>();
  const modelLoc = merged.name.loc;
  const field = <T>(fields: Fields, name: string, path: string, read: (v: Located<Value>) => T | undefined, fallback?: () => T): T | undefined => {
    const v = fields.get(name);
    if (!v) {
      sourceMap.set(path, modelLoc);
      if (fallback) return fallback();
      sink.error(modelLoc, `model '${merged.name.value}' does not set '${name}', which is required`);
      return undefined;
    }
    sourceMap.set(path, v.loc);
    return read(v);
  };
  // Model-level fields from the field table: its type says how to read a value, its default fills an absent one.
  const m = merged.model;
  const values = new Map<string, number | string | undefined>();
  const dependsOnAnother = (def: FieldDef) => typeof def.default === "object" && def.default !== null;
  for (const def of [...fieldsOf("model").filter((d) => !dependsOnAnother(d)), ...fieldsOf("model").filter(dependsOnAnother)]) {
    const fallback = modelDefault(def, values);
    values.set(def.word, field(m, def.word, def.property, (v) => readModelField(def, v, sink), fallback === undefined ? undefined : () => fallback));
    // A default taken from another field (E from H) is located there: a problem with it is a problem with that field.
    const source = dependsOnAnother(def) ? m.get((def.default as { sameAs: string }).sameAs) : undefined;
    if (!m.has(def.word) && source) sourceMap.set(def.property, source.loc);
  }
  const hiddenSize = values.get("hidden") as number | undefined;
  const layerCount = values.get("layers") as number | undefined;
  const activation = values.get("activation") as Activation | undefined;
  sourceMap.set("name", modelLoc);
  sourceMap.set("format", modelLoc);

  const heads = expandHeads(merged, sink, sourceMap);
  if (hiddenSize === undefined || layerCount === undefined || activation === undefined) return undefined;
  if (layerCount < 1 || layerCount > MAX_LAYERS) {
    sink.error(m.get("layers")!.loc, `'layers' must be between 1 and ${MAX_LAYERS}, got ${layerCount}`);
    return undefined;
  }
  const ranges = checkRanges(merged.ranges, layerCount, sink);
  const layers: BlockSpec[] = [];
  const headTerms: (HeadTerms | undefined)[] = [];
  for (let i = 0; i < layerCount; i++) {
    const scopes = [...merged.blocks, ...ranges.filter((r) => r.from.value <= i && i <= r.to.value).map((r) => r.fields)];
    const layer = expandLayer(i, scopes, hiddenSize, activation, merged, sink, sourceMap);
    if (!layer) return undefined;
    layers.push(layer.block);
    headTerms.push(layer.terms);
  }
  const scalar = (word: string) => values.get(word) as number;
  if (!heads || fieldsOf("model").some((def) => values.get(def.word) === undefined)) return undefined;
  const spec: ModelSpec = {
    format: SPEC_FORMAT,
    name: merged.name.value,
    vocabSize: scalar("vocab"),
    maxPositions: scalar("max_positions"),
    typeVocabSize: scalar("type_vocab"),
    padTokenId: scalar("pad_id"),
    embeddingSize: scalar("embedding"),
    hiddenSize,
    layerNormEps: scalar("layer_norm_eps"),
    activation,
    layers,
    heads,
  };
  return { spec, sourceMap, headTerms, sources: sink.sources, extendedBy: sink.extendedBy, diagnostics: [...sink.diagnostics] };
}

interface Split {
  hf?: { heads: Located<number>; ratio: Located<number> };
  attentionHeads?: Located<number>;
  convHeads?: Located<number>;
  headSize?: Located<number>;
}

/** Applies the block, then each range covering layer `index`; later scopes win field by field. */
/** A block or ffn field's constant default from the field table; undefined for a required field. */
function constantDefault(scope: "block" | "ffn", word: string): number | boolean | undefined {
  const d = fieldDef(scope, word)?.default;
  return typeof d === "number" || typeof d === "boolean" ? d : undefined;
}

/** A model field's default: a constant, another field's value (`embedding` is `hidden`), or none (required). */
function modelDefault(def: FieldDef, values: ReadonlyMap<string, number | string | undefined>): number | string | undefined {
  const d = def.default;
  if (d === undefined || d === "required" || d === null || typeof d === "boolean") return undefined;
  return typeof d === "object" ? values.get(d.sameAs) : d;
}

function readModelField(def: FieldDef, v: Located<Value>, sink: DiagnosticSink): number | string | undefined {
  if (def.type === "integer") return asInteger(def.word, v, sink);
  if (def.type === "number") return asNumber(def.word, v, sink);
  if (def.type === "activation") return asWord(def.word, v, ACTIVATIONS, sink);
  throw new Error(`internal: model field '${def.word}' has type ${def.type}, which expand.ts does not read`);
}

function expandLayer(index: number, scopes: Fields[], hiddenSize: number, modelActivation: Activation, merged: MergedModel, sink: DiagnosticSink, sourceMap: Map<string, SourceLocation>) {
  const split: Split = {};
  const last = new Map<string, Located<Value>>();
  for (const scope of scopes) {
    for (const [k, v] of scope) last.set(k, v);
    applySplit(scope, split, hiddenSize, sink);
  }
  const blockLoc = merged.blockLoc ?? merged.name.loc;
  if (!split.attentionHeads && !split.convHeads && !split.headSize) {
    if (sink.hasErrors) return undefined; // most likely a consequence of an error already reported
    sink.error(blockLoc, `layer ${index} has no head split: set 'heads N' (HF num_attention_heads, with optional 'ratio') or 'attention_heads', 'conv_heads' and 'head_size'`);
    return undefined;
  }
  if (!split.headSize) {
    sink.error((split.attentionHeads ?? split.convHeads)!.loc, `layer ${index} sets its heads explicitly but not 'head_size'`);
    return undefined;
  }
  const p = `layers.${index}.`;
  const get = <T>(name: string, path: string, read: (v: Located<Value>) => T | undefined, fallback: T | undefined): T | undefined => {
    const v = last.get(name);
    sourceMap.set(p + path, v?.loc ?? blockLoc);
    if (v) return read(v);
    if (fallback === undefined) sink.error(blockLoc, `layer ${index} does not set '${name.replace("ffn.", "ffn { ")}${name.startsWith("ffn.") ? " }" : ""}', which is required`);
    return fallback;
  };
  const block: Partial<BlockSpec> = {
    attentionHeads: split.attentionHeads?.value ?? 0,
    convHeads: split.convHeads?.value ?? 0,
    headSize: split.headSize.value,
    convKernelSize: get("kernel", "convKernelSize", (v) => asInteger("kernel", v, sink), constantDefault("block", "kernel") as number),
    maskSpan: get("mask_span", "maskSpan", (v) => asBoolean("mask_span", v, sink), constantDefault("block", "mask_span") as boolean),
    intermediateSize: get("ffn.intermediate", "intermediateSize", (v) => asInteger("intermediate", v, sink), constantDefault("ffn", "intermediate") as number | undefined),
    ffnGroups: get("ffn.groups", "ffnGroups", (v) => asInteger("groups", v, sink), constantDefault("ffn", "groups") as number),
    activation: get("ffn.activation", "activation", (v) => asWord("activation", v, ACTIVATIONS, sink), modelActivation),
  };
  const fallbackLoc = split.headSize.loc;
  sourceMap.set(p + "attentionHeads", split.attentionHeads?.loc ?? fallbackLoc);
  sourceMap.set(p + "convHeads", split.convHeads?.loc ?? fallbackLoc);
  sourceMap.set(p + "headSize", fallbackLoc);
  sourceMap.set(p.slice(0, -1), blockLoc);
  if (Object.values(block).some((v) => v === undefined)) return undefined;
  const terms = split.hf ? { heads: split.hf.heads.value, ratio: split.hf.ratio.value, loc: split.hf.heads.loc } : undefined;
  return { block: block as BlockSpec, terms };
}

/** HF terms (heads/ratio) re-derive the whole split; explicit fields override single parts of it. */
function applySplit(scope: Fields, split: Split, hiddenSize: number, sink: DiagnosticSink): void {
  const hf = HF_SPLIT.filter((k) => scope.has(k));
  const explicit = EXPLICIT_SPLIT.filter((k) => scope.has(k));
  const int = (name: string): Located<number> | undefined => {
    const v = scope.get(name);
    const n = v && asInteger(name, v, sink);
    return v && n !== undefined ? { value: n, loc: v.loc } : undefined;
  };
  if (hf.length > 0 && explicit.length > 0) {
    sink.error(scope.get(explicit[0])!.loc, `'${explicit[0]}' cannot be combined with '${hf[0]}' in one scope: give the head split in HF terms (heads, ratio) or explicitly (attention_heads, conv_heads, head_size)`);
    return;
  }
  if (hf.length > 0) {
    const heads = int("heads") ?? split.hf?.heads;
    const ratio = int("ratio") ?? split.hf?.ratio ?? (heads && { value: 2, loc: heads.loc });
    if (!heads) {
      sink.error(scope.get("ratio")!.loc, "'ratio' needs 'heads' (the HF num_attention_heads) in the block");
      return;
    }
    if (!ratio || heads.value < 1 || ratio.value < 1) {
      const bad = !ratio || ratio.value < 1 ? scope.get("ratio") : scope.get("heads");
      sink.error((bad ?? scope.get("heads"))!.loc, "'heads' and 'ratio' must be whole numbers of at least 1");
      return;
    }
    split.hf = { heads, ratio };
    const n = Math.max(1, Math.floor(heads.value / ratio.value));
    split.attentionHeads = { value: n, loc: heads.loc };
    split.convHeads = { value: n, loc: heads.loc };
    split.headSize = { value: Math.floor(hiddenSize / n / 2), loc: heads.loc };
    return;
  }
  if (explicit.length > 0) {
    // Leaving HF terms: keep the derived values as the starting point, then override.
    split.hf = undefined;
    for (const [name, key] of [["attention_heads", "attentionHeads"], ["conv_heads", "convHeads"], ["head_size", "headSize"]] as const) {
      const v = int(name);
      if (v) split[key] = v;
    }
  }
}

function checkRanges(ranges: RangeOverride[], layerCount: number, sink: DiagnosticSink): RangeOverride[] {
  const valid = ranges.filter((r) => {
    const text = `${r.from.value}..${r.to.value}`;
    if (r.from.value < 0 || r.to.value > layerCount - 1) {
      sink.error(r.from.value < 0 ? r.from.loc : r.to.loc, `layer range ${text} is outside the model's layers 0..${layerCount - 1}`);
      return false;
    }
    if (r.from.value > r.to.value) {
      sink.error(r.from.loc, `layer range ${text} is empty: the first layer comes after the last`);
      return false;
    }
    return true;
  });
  // Two ranges of one file that both set a field on a shared layer: which wins would depend on order.
  for (let j = 0; j < valid.length; j++) {
    for (let i = 0; i < j; i++) {
      const [a, b] = [valid[i], valid[j]];
      if (a.level !== b.level || a.to.value < b.from.value || b.to.value < a.from.value) continue;
      for (const [key, v] of b.fields) {
        const clash = [...a.fields.keys()].find((k) => k === key || (HF_SPLIT.includes(k) && EXPLICIT_SPLIT.includes(key)) || (EXPLICIT_SPLIT.includes(k) && HF_SPLIT.includes(key)));
        if (!clash) continue;
        const shared = `${Math.max(a.from.value, b.from.value)}..${Math.min(a.to.value, b.to.value)}`;
        const what = clash === key ? `both set '${key}'` : `set '${clash}' and '${key}'`;
        sink.error(v.loc, `ambiguous layer ranges: ${a.from.value}..${a.to.value} (line ${a.loc.line}) and ${b.from.value}..${b.to.value} ${what} on layers ${shared}`);
      }
    }
  }
  return valid.sort((a, b) => a.level - b.level);
}

function expandHeads(merged: MergedModel, sink: DiagnosticSink, sourceMap: Map<string, SourceLocation>): HeadsSpec | undefined {
  const h = merged.heads;
  const heads: HeadsSpec = { mlm: null, classifier: null, pooler: false };
  let ok = true;
  const mlm = h.get("mlm");
  if (mlm) {
    const word = asWord("mlm", mlm, ["tied", "untied", "none"] as const, sink);
    if (word === undefined) ok = false;
    else if (word !== "none") heads.mlm = { tied: word === "tied" };
  }
  const mlmActivation = h.get("mlm_activation");
  if (mlmActivation) {
    const fn = asWord("mlm_activation", mlmActivation, ACTIVATIONS, sink);
    if (fn === undefined) ok = false;
    else if (heads.mlm === null) {
      sink.error(mlmActivation.loc, "mlm_activation sets the masked-LM head's activation, and this model has no MLM head (`mlm tied` or `mlm untied`)");
      ok = false;
    } else if (fn !== "gelu") heads.mlm.activation = fn;
  }
  const classifier = h.get("classifier");
  if (classifier) {
    if (classifier.value.type === "word" && classifier.value.value === "none") heads.classifier = null;
    else {
      const n = asInteger("classifier", classifier, sink);
      if (n === undefined) ok = false;
      else heads.classifier = { numLabels: n };
    }
  }
  const pooler = h.get("pooler");
  if (pooler) {
    const b = asBoolean("pooler", pooler, sink);
    if (b === undefined) ok = false;
    else heads.pooler = b;
  }
  const at = (v: Located<Value> | undefined) => v?.loc ?? merged.name.loc;
  sourceMap.set("heads", at(undefined));
  sourceMap.set("heads.mlm", at(mlm));
  sourceMap.set("heads.mlm.tied", at(mlm));
  sourceMap.set("heads.mlm.activation", at(mlmActivation ?? mlm));
  sourceMap.set("heads.classifier", at(classifier));
  sourceMap.set("heads.classifier.numLabels", at(classifier));
  sourceMap.set("heads.pooler", at(pooler));
  return ok ? heads : undefined;
}
