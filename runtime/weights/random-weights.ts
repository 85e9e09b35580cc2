/**
 * Deterministic random initialisation, so every spec can be run and
 * benchmarked without a checkpoint: normal(0, 0.02) as in BERT, zeros/ones
 * per `Param.init`. Each tensor's stream is seeded from (seed, key), so a
 * parameter's values do not depend on the order or presence of the others.
 */
import type { Graph, Param } from "../../compiler/ir/types.js";
import type { HostTensor, WeightMap } from "../executor.js";

const INIT_STD = 0.02;

export function randomWeights(graph: Graph, seed: number): WeightMap {
  const weights: WeightMap = new Map();
  for (const param of graph.params) weights.set(param.key, initTensor(param, seed));
  return weights;
}

function initTensor(param: Param, seed: number): HostTensor {
  const data = new Float32Array(param.shape.reduce((a, b) => a * b, 1));
  if (param.init === "ones") data.fill(1);
  if (param.init === "normal") {
    const next = mulberry32(hashString(param.key) ^ Math.imul(seed | 0, 0x9e3779b1));
    for (let i = 0; i < data.length; i += 2) {
      // Box-Muller: two independent normals per pair of uniforms.
      const u = 1 - next();
      const v = next();
      const r = INIT_STD * Math.sqrt(-2 * Math.log(u));
      data[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < data.length) data[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
  }
  return { shape: [...param.shape], data };
}

/** A small, fast 32-bit PRNG with good statistical quality for initialisation. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a over the key's UTF-16 code units. */
function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
