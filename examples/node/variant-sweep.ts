/**
 * The library from code: compile a family of variants, compare their cost,
 * and run each one forward on TensorFlow.js with seeded random weights.
 *
 *   npm run example:node
 */
import { countParams, forwardFlops, loadSpecFromText, lowerToIR, run } from "convspec";

// A small ConvBERT, then the same model with more conv heads and a wider span.
const family = (convHeads: number, kernel: number) => `
model "tiny-c${convHeads}-k${kernel}" {
  vocab 1000  max_positions 128  type_vocab 2  pad_id 0
  embedding 64  hidden 128  layers 4  layer_norm_eps 1e-12  activation gelu
  block {
    attention_heads ${4 - convHeads}  conv_heads ${convHeads}  head_size 16
    kernel ${kernel}
    ffn { intermediate 512  groups 2 }
  }
}`;

const batch = 2;
const seqLen = 32;
const inputs = {
  batch,
  seqLen,
  inputIds: Int32Array.from({ length: batch * seqLen }, (_, i) => (i * 37) % 1000),
  attentionMask: new Float32Array(batch * seqLen).fill(1),
  tokenTypeIds: new Int32Array(batch * seqLen),
};

for (const [convHeads, kernel] of [[0, 9], [2, 9], [2, 15], [4, 9]]) {
  const spec = loadSpecFromText(family(convHeads, kernel), `variant-c${convHeads}-k${kernel}.convspec`);
  const graph = lowerToIR(spec);
  const { last_hidden_state: out } = await run(graph, inputs, { seed: 42, outputs: ["last_hidden_state"] });
  const gflop = forwardFlops(graph, { batch, seqLen }).total / 1e9;
  const mean = out.data.reduce((s, v) => s + Math.abs(v), 0) / out.data.length;
  console.log(`${spec.name.padEnd(14)} params ${countParams(graph).backbone.toLocaleString("en-US").padStart(9)}  ${gflop.toFixed(3)} GFLOP  out [${out.shape}] mean|x| ${mean.toFixed(4)}`);
}
