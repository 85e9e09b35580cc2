/**
 * What every runtime target (tfjs, WebGPU, ...) offers the `run` command,
 * benchmarks and tests: the same inputs, the same output names.
 */

/** Row-major [batch, seqLen] inputs. */
export interface ModelInputs {
  batch: number;
  seqLen: number;
  inputIds: Int32Array;
  /** 1 keep, 0 padding. */
  attentionMask: Float32Array;
  tokenTypeIds: Int32Array;
}

export interface HostTensor {
  shape: number[];
  data: Float32Array;
}

/** Parameters by IR key (HF state-dict key without `convbert.`), HF shapes, float32. */
export type WeightMap = Map<string, HostTensor>;

/**
 * Runs one compiled artifact (runtime/targets.ts creates one per target). An
 * executor never optimises: the artifact was compiled from an optimised graph
 * for a set of outputs, and `run` returns those (or a subset).
 */
export interface Executor {
  /** The outputs the artifact computes. */
  readonly outputs: readonly string[];
  /** What it runs on, when the executor chose it (tfjs: the backend `auto` picked, and what it skipped). */
  readonly runsOn?: string;
  /** Runs one forward pass; `outputs` (default: all of `this.outputs`) must be among those compiled. */
  run(inputs: ModelInputs, outputs?: readonly string[]): Promise<Record<string, HostTensor>>;
  /** Releases every device resource the executor holds. */
  dispose(): void;
}
