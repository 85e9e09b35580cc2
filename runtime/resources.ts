/**
 * Whether a forward pass fits, decided before a byte of it is allocated:
 * a spec that `check` accepts may still need terabytes (`layers 4096 hidden
 * 4096`, `vocab 2e9`), and finding out by allocating means being killed or a
 * RangeError deep inside tfjs. The figures come from the analysis: parameter
 * counts, and activation memory from liveness at the run's (B, L).
 *
 * What a run holds at its peak:
 *  - the weights as loaded (a checkpoint's float tensors, or random weights);
 *  - the executor's copy (tfjs tensors laid out at load, or GPU buffers,
 *    which software adapters keep in host memory too);
 *  - the peak of live activations, with each op's scratch (attention scores);
 *  - the outputs downloaded to the host.
 */
import { createRequire } from "node:module";
import { totalmem } from "node:os";
import { UserError } from "../compiler/errors.js";
import { formatBytes } from "../compiler/io/read-file.js";
import { activationMemory, BYTES_PER_ELEMENT, scratchSize, valueBytes } from "../compiler/analysis/memory.js";
import { paramCount } from "../compiler/analysis/params.js";
import { evaluate } from "../compiler/ir/polynomial.js";
import type { TargetName } from "../compiler/backends/index.js";
import type { Graph } from "../compiler/ir/types.js";
import { resolveOutputs } from "../compiler/ir/outputs.js";

export interface ResourceRequest {
  batch: number;
  seqLen: number;
  /** Graph outputs the run downloads. */
  outputs: readonly string[];
  target: TargetName;
  /** The backend asked for (tfjs: cpu, wasm, tensorflow); undefined: the default choice. */
  backend?: string;
  /** Float32 bytes of a --weights checkpoint once loaded (all its float tensors); absent for random weights. */
  checkpointBytes?: number;
}

export interface ResourceEstimate {
  parameters: number;
  loadedWeightBytes: number;
  executorWeightBytes: number;
  activationBytes: number;
  outputBytes: number;
  totalBytes: number;
  /** The tensor with the most elements: weights, outputs and (tfjs) intermediates and scratch. */
  largest: { name: string; elements: number };
}

/** tfjs-backend-wasm's heap maximum (its emscripten getHeapMax(): 4 GiB less one 64 KiB page). */
export const WASM_HEAP_BYTES = 4294901760;
/** JavaScript typed arrays hold at most 2^32 elements (V8, 64-bit): a larger tensor cannot exist. */
export const MAX_TENSOR_ELEMENTS = 2 ** 32;

export function estimateResources(graph: Graph, request: ResourceRequest): ResourceEstimate {
  const at = { batch: request.batch, seqLen: request.seqLen };
  let largest = { name: "", elements: 0 };
  const consider = (name: string, elements: number) => {
    if (elements > largest.elements) largest = { name, elements };
  };
  let parameters = 0;
  for (const param of graph.params) {
    const n = paramCount(param);
    parameters += n;
    consider(`weight '${param.key}'`, n);
  }
  const memory = activationMemory(graph, request.outputs, at);
  let outputBytes = 0;
  resolveOutputs(graph, request.outputs).forEach((id, i) => {
    const bytes = valueBytes(graph.values[id], at);
    outputBytes += bytes;
    consider(`output '${request.outputs[i]}'`, bytes / BYTES_PER_ELEMENT);
  });
  if (request.target === "tfjs") {
    // tfjs materialises every intermediate and the attention scores as tensors of their own.
    for (const op of graph.ops) {
      for (const id of op.outputs) consider(`intermediate '${id}' of ${op.id}`, valueBytes(graph.values[id], at) / BYTES_PER_ELEMENT);
      consider(`the scratch of ${op.id}`, evaluate(scratchSize(op), at));
    }
  }
  const executorWeightBytes = parameters * BYTES_PER_ELEMENT;
  const loadedWeightBytes = request.checkpointBytes ?? executorWeightBytes;
  const activationBytes = memory.peakWithScratchBytes;
  return {
    parameters,
    loadedWeightBytes,
    executorWeightBytes,
    activationBytes,
    outputBytes,
    totalBytes: loadedWeightBytes + executorWeightBytes + activationBytes + outputBytes,
    largest,
  };
}

/**
 * Throws a UserError, with the figures, when the run cannot fit: a tensor
 * beyond what a typed array holds (always), more memory than the machine
 * has, or more than tfjs-wasm's 4 GiB heap (unless `allowLarge`).
 */
export function checkResources(
  graph: Graph,
  request: ResourceRequest,
  options: { allowLarge?: boolean; totalMemory?: number; defaultBackend?: "wasm" | "tensorflow" } = {},
): ResourceEstimate {
  const estimate = estimateResources(graph, request);
  const where = `B=${request.batch}, L=${request.seqLen}`;
  if (estimate.largest.elements > MAX_TENSOR_ELEMENTS) {
    throw new UserError(
      `model '${graph.name}' cannot run here: its ${estimate.largest.name} has ${formatCount(estimate.largest.elements)} elements at ${where}, ` +
        `and a JavaScript typed array holds at most ${formatCount(MAX_TENSOR_ELEMENTS)}`,
    );
  }
  if (options.allowLarge) return estimate;
  const machine = options.totalMemory ?? totalmem();
  if (estimate.totalBytes > machine) {
    throw new UserError(
      `model '${graph.name}' needs about ${formatBytes(estimate.totalBytes)} to run at ${where}: ` +
        `${formatBytes(estimate.loadedWeightBytes)} of weights as loaded, ${formatBytes(estimate.executorWeightBytes)} more laid out for the ` +
        `${request.target} executor (${formatCount(estimate.parameters)} parameters as float32), ` +
        `${formatBytes(estimate.activationBytes)} of activations at the peak and ${formatBytes(estimate.outputBytes)} of outputs; ` +
        `this machine has ${formatBytes(machine)} (os.totalmem). Pass --no-memory-check to try anyway`,
    );
  }
  const backend = request.target === "tfjs" ? (request.backend ?? options.defaultBackend ?? defaultTfjsBackend()) : undefined;
  const heapBytes = estimate.executorWeightBytes + estimate.activationBytes;
  if (backend === "wasm" && heapBytes > WASM_HEAP_BYTES) {
    const chosen = request.backend === undefined ? " (the default backend here)" : "";
    throw new UserError(
      `model '${graph.name}' needs about ${formatBytes(heapBytes)} of tfjs-wasm heap at ${where} ` +
        `(${formatBytes(estimate.executorWeightBytes)} of weights, ${formatBytes(estimate.activationBytes)} of activations at the peak), ` +
        `and tfjs-wasm${chosen} keeps every tensor in one WebAssembly heap of at most ${formatBytes(WASM_HEAP_BYTES)}. ` +
        "Use --backend cpu, fewer or shorter sequences, or --no-memory-check to try anyway",
    );
  }
  return estimate;
}

/** What `createTfjsExecutor` picks without --backend: tensorflow when tfjs-node-gpu is installed, else wasm. */
function defaultTfjsBackend(): "wasm" | "tensorflow" {
  try {
    createRequire(import.meta.url).resolve("@tensorflow/tfjs-node-gpu");
    return "tensorflow";
  } catch {
    return "wasm";
  }
}

function formatCount(n: number): string {
  if (n >= 1e12) return n.toExponential(2);
  if (n >= 1e9) return `${(n / 1e9).toFixed(2)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  return n.toLocaleString("en-US");
}
