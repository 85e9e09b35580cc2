/**
 * What every runtime target (tfjs, WebGPU) offers the `run` command,
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

export interface Executor {
  /** Runs one forward pass and returns the requested graph outputs (see `Graph.outputs`). */
  run(inputs: ModelInputs, outputs: readonly string[]): Promise<Record<string, HostTensor>>;
  /** Releases every device resource the executor holds. */
  dispose(): void;
}
