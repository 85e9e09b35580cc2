/**
 * ModelSpec -> readable `.convspec` text (what `convspec import-hf` writes).
 * The most common layer becomes the `block`; runs of layers that differ from
 * it become `layers a..b { ... }` overrides listing only what differs. The
 * head split is written in HF terms when it is expressible that way.
 */
import type { BlockSpec, ModelSpec } from "./model-spec.js";

export function printDsl(spec: ModelSpec, comment?: string): string {
  const out: string[] = [];
  if (comment) for (const line of comment.split("\n")) out.push(`# ${line}`);
  out.push(`model ${JSON.stringify(spec.name)} {`);
  out.push(`  vocab ${spec.vocabSize}  max_positions ${spec.maxPositions}  type_vocab ${spec.typeVocabSize}  pad_id ${spec.padTokenId}`);
  out.push(`  embedding ${spec.embeddingSize}  hidden ${spec.hiddenSize}  layers ${spec.layers.length}`);
  out.push(`  layer_norm_eps ${num(spec.layerNormEps)}  activation ${spec.activation}`);
  out.push("");
  const base = mostCommonBlock(spec.layers);
  out.push("  block {");
  for (const line of blockLines(base, undefined, spec)) out.push(`    ${line}`);
  out.push("  }");
  for (const run of differingRuns(spec.layers, base)) {
    const range = run.from === run.to ? `${run.from}` : `${run.from}..${run.to}`;
    out.push(`  layers ${range} { ${blockLines(spec.layers[run.from], base, spec).join("  ")} }`);
  }
  const heads: string[] = [];
  heads.push(`mlm ${spec.heads.mlm === null ? "none" : spec.heads.mlm.tied ? "tied" : "untied"}`);
  if (spec.heads.classifier) heads.push(`classifier ${spec.heads.classifier.numLabels}`);
  if (spec.heads.pooler) heads.push("pooler true");
  out.push("");
  out.push(`  heads { ${heads.join("  ")} }`);
  out.push("}");
  return out.join("\n") + "\n";
}

/** Numbers as JavaScript prints them (1e-12, 0.5): the spec lexer reads that form back exactly. */
function num(x: number): string {
  return String(x);
}

function sameBlock(a: BlockSpec, b: BlockSpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function mostCommonBlock(layers: readonly BlockSpec[]): BlockSpec {
  const counts = new Map<string, { block: BlockSpec; count: number }>();
  for (const block of layers) {
    const key = JSON.stringify(block);
    const entry = counts.get(key) ?? { block, count: 0 };
    entry.count++;
    counts.set(key, entry);
  }
  return [...counts.values()].sort((a, b) => b.count - a.count)[0].block;
}

function differingRuns(layers: readonly BlockSpec[], base: BlockSpec): { from: number; to: number }[] {
  const runs: { from: number; to: number }[] = [];
  for (let i = 0; i < layers.length; i++) {
    if (sameBlock(layers[i], base)) continue;
    const last = runs[runs.length - 1];
    if (last && last.to === i - 1 && sameBlock(layers[last.from], layers[i])) last.to = i;
    else runs.push({ from: i, to: i });
  }
  return runs;
}

/** HF terms give n = floor(2n / 2) heads per branch of size floor(H / n / 2). */
function isHfSplit(block: BlockSpec, hidden: number): boolean {
  const n = block.attentionHeads;
  return n >= 1 && block.convHeads === n && hidden % n === 0 && block.headSize === Math.floor(hidden / n / 2);
}

/** The fields of `block`; with `base`, only those that differ from it. */
function blockLines(block: BlockSpec, base: BlockSpec | undefined, spec: ModelSpec): string[] {
  const lines: string[] = [];
  const differs = (key: keyof BlockSpec) => !base || block[key] !== base[key];
  if (differs("attentionHeads") || differs("convHeads") || differs("headSize")) {
    if (!base && isHfSplit(block, spec.hiddenSize)) lines.push(`heads ${2 * block.attentionHeads}  ratio 2`);
    else lines.push(`attention_heads ${block.attentionHeads}  conv_heads ${block.convHeads}  head_size ${block.headSize}`);
  }
  if (differs("convKernelSize")) lines.push(`kernel ${block.convKernelSize}`);
  if (differs("maskSpan") && (base || block.maskSpan)) lines.push(`mask_span ${block.maskSpan}`);
  const ffn: string[] = [];
  if (differs("intermediateSize")) ffn.push(`intermediate ${block.intermediateSize}`);
  if (differs("ffnGroups")) ffn.push(`groups ${block.ffnGroups}`);
  if (differs("activation") && (base || block.activation !== spec.activation)) ffn.push(`activation ${block.activation}`);
  if (ffn.length > 0) lines.push(`ffn { ${ffn.join("  ")} }`);
  return lines;
}
