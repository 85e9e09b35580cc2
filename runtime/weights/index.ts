export { readSafetensors, parseSafetensors, writeSafetensors } from "./safetensors.js";
export type { SafetensorsFile, SafetensorsTensor, FloatDType } from "./safetensors.js";
export { loadWeights, weightsFromSafetensors, unusedCheckpointKeys, stripPrefix } from "./load-weights.js";
export { randomWeights } from "./random-weights.js";
export { specWithCheckpointHeads } from "./checkpoint-heads.js";
