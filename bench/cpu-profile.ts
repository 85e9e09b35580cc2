/**
 * `npm run bench:cpu-profile`: measures the figures of this machine's CPU
 * profile in compiler/analysis/device-profiles.json (the tfjs-wasm target):
 * matmul GFLOP/s at a BERT-sized shape, batched attention-shaped matmuls,
 * elementwise and LayerNorm-like throughput (GB/s), a tiny op's cost (the
 * per-dispatch overhead) and a plain JS copy's bandwidth. Prints JSON; the
 * profile's figures cite this script and the date they were taken.
 *
 *   npm run bench:cpu-profile -- [--backend wasm|cpu] [--reps 20]
 */
import * as tf from "@tensorflow/tfjs-core";
import { selectBackend, type TfjsBackendName } from "../runtime/tfjs/index.js";
import { median, option } from "./common.js";

const backend = await selectBackend(option("--backend", "wasm") as TfjsBackendName);
const reps = Number(option("--reps", "20"));

/** Median seconds of `work` (which must return a tensor to read back), after one warm-up. */
async function time(work: () => tf.Tensor): Promise<number> {
  const warm = work();
  await warm.data();
  warm.dispose();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const out = work();
    await out.data();
    samples.push((performance.now() - t0) / 1000);
    out.dispose();
  }
  return median(samples);
}

const rows = 512;
const hidden = 768;
const a = tf.randomNormal([rows, hidden]);
const w = tf.randomNormal([hidden, hidden]);
const matmulSeconds = await time(() => tf.matMul(a, w));
const matmulGflops = (2 * rows * hidden * hidden) / matmulSeconds / 1e9;

// Attention at B1 L128 with 6 heads of 64: QKᵀ then softmax then PV.
const [heads, seq, d] = [6, 128, 64];
const q = tf.randomNormal([heads, seq, d]);
const attentionSeconds = await time(() => tf.tidy(() => tf.matMul(tf.softmax(tf.matMul(q, q, false, true)), q)));
const attentionGflops = (heads * seq * seq * (4 * d + 5)) / attentionSeconds / 1e9;

// Elementwise: add of two [512, 768] tensors reads 2 and writes 1 (f32).
const b = tf.randomNormal([rows, hidden]);
const addSeconds = await time(() => tf.add(a, b));
const addGBps = (3 * rows * hidden * 4) / addSeconds / 1e9;

// A LayerNorm-like row reduction: moments then normalise (reads once, writes once at best).
const normSeconds = await time(() => tf.tidy(() => {
  const { mean, variance } = tf.moments(a, -1, true);
  return tf.div(tf.sub(a, mean), tf.sqrt(tf.add(variance, 1e-12)));
}));
const normGBps = (2 * rows * hidden * 4) / normSeconds / 1e9;

// Depthwise conv over the sequence, K=9, 768 channels (the span conv's first step).
const image = tf.randomNormal([1, 1, rows, hidden]) as tf.Tensor4D;
const filter = tf.randomNormal([1, 9, hidden, 1]) as tf.Tensor4D;
const convSeconds = await time(() => tf.depthwiseConv2d(image, filter, 1, "same"));
const convGflops = (2 * 9 * rows * hidden) / convSeconds / 1e9;

// Overhead: one op on a single element, read back.
const one = tf.scalar(1);
const overheadSeconds = await time(() => tf.add(one, one));

// Plain JS copy bandwidth (reads + writes), 64 MiB.
const src = new Float32Array(16 * 2 ** 20).fill(1);
const dst = new Float32Array(src.length);
const copySamples: number[] = [];
for (let i = 0; i < 10; i++) {
  const t0 = performance.now();
  dst.set(src);
  copySamples.push((performance.now() - t0) / 1000);
}
const copyGBps = (2 * src.byteLength) / median(copySamples) / 1e9;

process.stdout.write(
  JSON.stringify(
    {
      date: new Date().toISOString().slice(0, 10),
      node: process.version,
      backend,
      reps,
      matmul512x768x768Gflops: round(matmulGflops),
      attentionB1L128H6D64Gflops: round(attentionGflops),
      add512x768GBps: round(addGBps),
      layerNorm512x768GBps: round(normGBps),
      depthwiseConvK9Gflops: round(convGflops),
      tinyOpMicroseconds: round(overheadSeconds * 1e6),
      jsCopy64MiBGBps: round(copyGBps),
    },
    null,
    2,
  ) + "\n",
);

function round(x: number): number {
  return Number(x.toPrecision(3));
}
