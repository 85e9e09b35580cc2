export { readSafetensors, readSafetensorsHeader, parseSafetensors, writeSafetensors } from "./safetensors.js";
export type { SafetensorsFile, SafetensorsHeader, SafetensorsTensor, FloatDType } from "./safetensors.js";
export { firstNonFinite } from "./finite.js";
export { loadWeights, type LoadWeightsOptions, weightsFromSafetensors, unusedCheckpointKeys, stripPrefix } from "./load-weights.js";
export { randomWeights } from "./random-weights.js";
export { specWithCheckpointHeads } from "./checkpoint-heads.js";
