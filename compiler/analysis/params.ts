/**
 * Parameter counts from `graph.params`, split the way papers and Hugging Face
 * report them: backbone = embeddings + projection + layers + pooler (what a
 * bare `ConvBertModel` / `BertModel` holds), task heads separately.
 * A tied LM head has no parameter of its own in the IR, so it is never
 * counted twice.
 */
import type { Graph, Param, Part } from "../ir/types.js";

/** Parts inside an encoder layer, in the order they run. */
export const LAYER_PARTS = ["self_attention", "span_conv", "attention_output", "ffn"] as const;
export type LayerPart = (typeof LAYER_PARTS)[number];

export interface ParamCounts {
  /** Word, position and token-type tables plus the embedding LayerNorm. */
  embeddings: number;
  /** `embeddings_project` (E -> H), 0 when E == H. */
  projection: number;
  /** All encoder layers together. */
  layers: number;
  pooler: number;
  backbone: number;
  mlm_head: number;
  cls_head: number;
  heads: number;
  total: number;
  /** Per layer, by part within the layer. */
  perLayer: Array<Record<LayerPart, number> & { total: number }>;
  /** Every IR part (projection included in `embeddings` here). */
  byPart: Record<Part, number>;
}

const PROJECTION_PREFIX = "embeddings_project.";

export function paramCount(param: Param): number {
  return param.shape.reduce((a, b) => a * b, 1);
}

export function countParams(graph: Graph): ParamCounts {
  const byPart: Record<Part, number> = {
    embeddings: 0, self_attention: 0, span_conv: 0, attention_output: 0, ffn: 0, pooler: 0, mlm_head: 0, cls_head: 0,
  };
  const layerCount = graph.spec.layers.length;
  const perLayer = Array.from({ length: layerCount }, () => ({ self_attention: 0, span_conv: 0, attention_output: 0, ffn: 0, total: 0 }));
  let projection = 0;
  for (const param of graph.params) {
    const n = paramCount(param);
    byPart[param.part] += n;
    if (param.key.startsWith(PROJECTION_PREFIX)) projection += n;
    if (param.layer !== undefined && isLayerPart(param.part)) {
      perLayer[param.layer][param.part] += n;
      perLayer[param.layer].total += n;
    }
  }
  const embeddings = byPart.embeddings - projection;
  const layers = LAYER_PARTS.reduce((sum, part) => sum + byPart[part], 0);
  const backbone = embeddings + projection + layers + byPart.pooler;
  const heads = byPart.mlm_head + byPart.cls_head;
  return {
    embeddings, projection, layers, pooler: byPart.pooler, backbone,
    mlm_head: byPart.mlm_head, cls_head: byPart.cls_head, heads, total: backbone + heads,
    perLayer, byPart,
  };
}

function isLayerPart(part: Part): part is LayerPart {
  return (LAYER_PARTS as readonly string[]).includes(part);
}
