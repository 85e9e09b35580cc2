/** Golden case -> IR graph + weights, built the way `convspec run` builds them from a config.json. */
import { lowerToIR } from "../../compiler/ir/lower.js";
import type { Graph } from "../../compiler/ir/types.js";
import { importHfConfig } from "../../compiler/spec/hf-config.js";
import type { WeightMap } from "../../runtime/executor.js";
import { readSafetensors, specWithCheckpointHeads, weightsFromSafetensors } from "../../runtime/weights/index.js";
import type { GoldenCase } from "../helpers/golden.js";

export function goldenModel(golden: GoldenCase): { graph: Graph; weights: WeightMap } {
  const checkpoint = readSafetensors(golden.modelPath);
  const { spec } = importHfConfig(golden.config, golden.name);
  const graph = lowerToIR(specWithCheckpointHeads(spec, checkpoint));
  return { graph, weights: weightsFromSafetensors(graph, checkpoint) };
}
