/**
 * Semantic checks on a resolved ModelSpec, whatever it came from (DSL, JSON
 * spec, HF config.json). `locate` maps a field path (`layers.3.headSize`)
 * to the text that set it, so each message points at the culprit.
 */
import type { Diagnostic } from "../diagnostics.js";
import type { SourceLocation } from "../errors.js";
import type { BlockSpec, ModelSpec } from "./model-spec.js";

/** Field path (`layers.3.headSize`) -> the text that set it. */
export type Locate = (path: string) => SourceLocation;

/** A layer's head split as HF states it: n = max(1, floor(heads / ratio)) heads per branch. */
export interface HeadTerms {
  heads: number;
  ratio: number;
  loc: SourceLocation;
}

export function validateSpec(spec: ModelSpec, locate: Locate, headTerms: readonly (HeadTerms | undefined)[] = []): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  // A block shared by many layers fails the same way on each: report each (place, message) once.
  const error: Report = (path, message, loc = locate(path), alsoFrom = []) => {
    const key = `${loc.file}:${loc.line}:${loc.column}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    // A value from another file (a variant's `hidden` behind its parent's `heads`): show that line too.
    const related = alsoFrom.map((p) => ({ loc: locate(p.path), message: p.message })).filter((r) => r.loc.file !== loc.file);
    out.push(related.length > 0 ? { loc, message, related } : { loc, message });
  };
  const hiddenHere = { path: "hiddenSize", message: `hidden ${spec.hiddenSize} is set here` };
  const positive: Positive = (path, name, value) => {
    if (!(Number.isSafeInteger(value) && value >= 1)) error(path, `${name} must be a whole number of at least 1, got ${value}`);
  };

  positive("vocabSize", "vocab size", spec.vocabSize);
  positive("maxPositions", "max positions", spec.maxPositions);
  positive("typeVocabSize", "token-type vocab size", spec.typeVocabSize);
  positive("embeddingSize", "embedding size E", spec.embeddingSize);
  positive("hiddenSize", "hidden size H", spec.hiddenSize);
  if (!(Number.isSafeInteger(spec.padTokenId) && spec.padTokenId >= 0 && spec.padTokenId < spec.vocabSize)) {
    error("padTokenId", `pad id ${spec.padTokenId} is not a token of the vocabulary 0..${spec.vocabSize - 1}`, undefined, [{ path: "vocabSize", message: `vocab ${spec.vocabSize} is set here` }]);
  }
  if (!(spec.layerNormEps > 0)) error("layerNormEps", `layer_norm_eps must be greater than 0, got ${spec.layerNormEps}`);
  if (spec.layers.length < 1) error("layers", "a model needs at least one layer");
  spec.layers.forEach((block, i) => validateBlock(block, i, spec.hiddenSize, headTerms[i], error, positive, hiddenHere));
  if (spec.heads.classifier) positive("heads.classifier.numLabels", "classifier labels", spec.heads.classifier.numLabels);
  return out;
}

/** `alsoFrom`: other fields behind the error, shown when they were set in another file. */
type Report = (path: string, message: string, loc?: SourceLocation, alsoFrom?: readonly { path: string; message: string }[]) => void;
type Positive = (path: string, name: string, value: number) => void;

function validateBlock(block: BlockSpec, i: number, hidden: number, terms: HeadTerms | undefined, error: Report, positive: Positive, hiddenHere: { path: string; message: string }): void {
  const p = `layers.${i}.`;
  if (terms) {
    const n = Math.max(1, Math.floor(terms.heads / terms.ratio));
    if (hidden % n !== 0) {
      error(p + "attentionHeads", `hidden size ${hidden} is not divisible by the ${n} heads per branch that heads ${terms.heads} / ratio ${terms.ratio} give (HF requires H % n == 0)`, terms.loc, [hiddenHere]);
    }
  }
  for (const [key, name] of [["attentionHeads", "attention heads"], ["convHeads", "conv heads"]] as const) {
    if (!(Number.isSafeInteger(block[key]) && block[key] >= 0)) error(p + key, `${name} must be a whole number of at least 0, got ${block[key]}`);
  }
  if (block.attentionHeads + block.convHeads <= 0) error(p + "convHeads", "a block needs at least one head: attention heads + conv heads is 0");
  positive(p + "headSize", "head size", block.headSize);
  positive(p + "intermediateSize", "FFN intermediate size", block.intermediateSize);
  positive(p + "ffnGroups", "FFN groups", block.ffnGroups);
  const k = block.convKernelSize;
  if (!(Number.isSafeInteger(k) && k >= 0)) error(p + "convKernelSize", `kernel size must be a whole number, got ${k}`);
  else if (block.convHeads > 0 && k < 1) error(p + "convKernelSize", `with ${block.convHeads} conv heads the kernel size must be at least 1, got ${k}`);
  else if (block.convHeads > 0 && k % 2 === 0) error(p + "convKernelSize", `kernel size ${k} must be odd (the span conv pads (K-1)/2 on each side)`);
  const g = block.ffnGroups;
  if (g >= 1 && Number.isSafeInteger(g)) {
    if (hidden % g !== 0) error(p + "ffnGroups", `FFN groups ${g} must divide the hidden size ${hidden}`, undefined, [hiddenHere]);
    if (block.intermediateSize % g !== 0) {
      error(p + "ffnGroups", `FFN groups ${g} must divide the intermediate size ${block.intermediateSize}`, undefined, [{ path: p + "intermediateSize", message: `intermediate ${block.intermediateSize} is set here` }]);
    }
  }
}
