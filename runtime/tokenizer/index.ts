export { loadTokenizer, type WordPieceTokenizer, type Tokenized } from "./wordpiece.js";
export { predictMasks, type MaskPrediction } from "./fill-mask.js";
