/**
 * Tuning knobs of the generated kernels, in one place. They are chosen to fit
 * WebGPU's *default* limits (256 invocations, 16 KiB workgroup storage), so
 * every adapter runs them, compatibility-mode software adapters included.
 */
export const FLAGS = {
  /** Matmul output tile (rows x cols) of one workgroup, and its K step. */
  matmulTileM: 64,
  matmulTileN: 64,
  matmulTileK: 16,
  /** Each invocation computes a (tileM / workgroupY) x (tileN / workgroupX) register block. */
  matmulWorkgroupX: 16,
  matmulWorkgroupY: 16,
  /** Row-wise reductions (LayerNorm): invocations per row. */
  rowWorkgroupSize: 64,
  /** Elementwise and convolution kernels: invocations along the channel axis. */
  elementwiseWorkgroupSize: 64,
  /** Attention: query rows per workgroup (one per invocation) and keys per shared-memory tile. */
  attentionQueryTile: 64,
  attentionKeyTile: 32,
} as const;
