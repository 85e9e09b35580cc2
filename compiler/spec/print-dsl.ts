/**
 * ModelSpec -> readable `.convspec` text (what `convspec import-hf` writes).
 * The most common layer becomes the `block`; runs of layers that differ from
 * it become `layers a..b { ... }` overrides listing only what differs. The
 * head split is written in HF terms when it is expressible that way. Which
 * fields exist, their words and their order come from the field table.
 */
import { fieldsOf, type FieldDef } from "./fields.js";
import type { BlockSpec, ModelSpec } from "./model-spec.js";

export function printDsl(spec: ModelSpec, comment?: string): string {
  const out: string[] = [];
  if (comment) for (const line of comment.split("\n")) out.push(`# ${line}`);
  out.push(`model ${JSON.stringify(spec.name)} {`);
  // Model fields in table order, grouped on the lines the table gives them.
  const lines = new Map<number, string[]>();
  for (const def of fieldsOf("model")) {
    const value = def.property === "layers" ? spec.layers.length : spec[def.property];
    const line = lines.get(def.printLine ?? 0) ?? [];
    line.push(`${def.word} ${typeof value === "number" ? num(value) : String(value)}`);
    lines.set(def.printLine ?? 0, line);
  }
  for (const [, line] of [...lines].sort((a, b) => a[0] - b[0])) out.push(`  ${line.join("  ")}`);
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
  const mlmActivation = spec.heads.mlm?.activation;
  if (mlmActivation !== undefined && mlmActivation !== "gelu") heads.push(`mlm_activation ${mlmActivation}`);
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

/** The fields of `block`; with `base`, only those that differ from it. The head split is written first, then the table's block and ffn fields. */
function blockLines(block: BlockSpec, base: BlockSpec | undefined, spec: ModelSpec): string[] {
  const lines: string[] = [];
  const differs = (key: keyof BlockSpec) => !base || block[key] !== base[key];
  if (differs("attentionHeads") || differs("convHeads") || differs("headSize")) {
    if (!base && isHfSplit(block, spec.hiddenSize)) lines.push(`heads ${2 * block.attentionHeads}  ratio 2`);
    else lines.push(`attention_heads ${block.attentionHeads}  conv_heads ${block.convHeads}  head_size ${block.headSize}`);
  }
  const printed = (def: FieldDef & { property?: keyof BlockSpec }): string | undefined => {
    const key = def.property;
    if (!key || SPLIT.has(key) || !differs(key)) return undefined;
    // At the base block a field the table marks as noise is left out when it has its default.
    const quiet = def.omitWhenDefault || (def.spanConv && block.convHeads === 0);
    if (!base && quiet && block[key] === defaultValue(def, spec)) return undefined;
    return `${def.word} ${String(block[key])}`;
  };
  for (const def of fieldsOf("block")) {
    const text = printed(def);
    if (text) lines.push(text);
  }
  const ffn = fieldsOf("ffn").map(printed).filter((t): t is string => t !== undefined);
  if (ffn.length > 0) lines.push(`ffn { ${ffn.join("  ")} }`);
  return lines;
}

const SPLIT = new Set<keyof BlockSpec>(["attentionHeads", "convHeads", "headSize"]);

/** The value a block field takes when absent: the table's constant, or the model field it follows. */
function defaultValue(def: FieldDef, spec: ModelSpec): unknown {
  const d = def.default;
  if (typeof d === "object" && d !== null) {
    const source = fieldsOf("model").find((m) => m.word === d.sameAs);
    return source ? spec[source.property] : undefined;
  }
  return d;
}
