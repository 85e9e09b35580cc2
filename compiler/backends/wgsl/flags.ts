/**
 * Tuning knobs of the generated kernels, in one place, passed to every
 * kernel through the lowering context (`--wgsl-flags` / TargetOptions.flags
 * override them). The defaults fit WebGPU's *default* limits (256
 * invocations, 16 KiB workgroup storage), so every adapter runs them,
 * compatibility-mode software adapters included. Each dispatch records the
 * choices it made in plan.json.
 */

/** One matmul tiling: a TM x TN output tile per workgroup, K in steps of TK, an RM x RN register block per invocation. */
export interface MatmulTile {
  name: string;
  TM: number;
  TN: number;
  TK: number;
  RM: number;
  /** A multiple of 4: weights are loaded and accumulated as vec4. */
  RN: number;
}

export interface WgslFlags {
  /** Candidate tilings, largest first: each matmul takes the largest that still gives `matmulTargetWorkgroups` workgroups. */
  matmulTiles: readonly MatmulTile[];
  /** Workgroups a matmul (and attention) should launch to fill the GPU (WebGPU reports no SM count: 132 is an H100 SXM's). */
  matmulTargetWorkgroups: number;
  /** Two shared-memory tile buffers: the next K-tile is stored while the current one is read (one barrier per step). */
  matmulDoubleBuffer: boolean;
  /** Rows per workgroup of the matmul + residual + LayerNorm kernel (it spans whole rows). */
  normMatmulRows: number;
  /** Widest output the matmul + LayerNorm kernel takes in one workgroup (4 columns per invocation, at most 256 invocations). */
  normMatmulMaxColumns: number;
  /** Row-wise reductions (LayerNorm): invocations per row. */
  rowWorkgroupSize: number;
  /** Elementwise and convolution kernels: invocations along the channel axis. */
  elementwiseWorkgroupSize: number;
  /**
   * Attention: queries per workgroup (halved, down to 8, while the grid at the reference shape has fewer
   * than matmulTargetWorkgroups workgroups), keys per shared-memory tile, invocations sharing one query's head dimension.
   */
  attentionQueryTile: number;
  attentionKeyTile: number;
  attentionThreadsPerQuery: number;
  /** The fused span conv: rows and channels per workgroup (its kernel logits are computed per row tile). */
  spanConvRows: number;
  spanConvChannels: number;
  /** Use subgroup operations (reductions, shuffles) where the adapter has the `subgroups` feature. */
  useSubgroups: boolean;
}

export const MATMUL_TILES: Record<string, MatmulTile> = {
  "128x128": { name: "128x128", TM: 128, TN: 128, TK: 8, RM: 8, RN: 8 },
  "128x64": { name: "128x64", TM: 128, TN: 64, TK: 8, RM: 8, RN: 4 },
  "64x64": { name: "64x64", TM: 64, TN: 64, TK: 16, RM: 4, RN: 4 },
  "32x32": { name: "32x32", TM: 32, TN: 32, TK: 16, RM: 2, RN: 4 },
};

export const DEFAULT_FLAGS: WgslFlags = {
  matmulTiles: [MATMUL_TILES["128x128"], MATMUL_TILES["128x64"], MATMUL_TILES["64x64"], MATMUL_TILES["32x32"]],
  matmulTargetWorkgroups: 132,
  matmulDoubleBuffer: true,
  normMatmulRows: 4,
  normMatmulMaxColumns: 1024,
  rowWorkgroupSize: 64,
  elementwiseWorkgroupSize: 64,
  attentionQueryTile: 32,
  attentionKeyTile: 16,
  attentionThreadsPerQuery: 4,
  spanConvRows: 8,
  spanConvChannels: 64,
  useSubgroups: true,
};

/**
 * The kernels as they were before the GPU-class work (one 64x64 tiling,
 * single-buffered, one invocation per query): `npm run bench:gpu` measures
 * them beside the defaults in the same run.
 */
export const LEGACY_FLAGS: WgslFlags = {
  ...DEFAULT_FLAGS,
  matmulTiles: [MATMUL_TILES["64x64"]],
  matmulDoubleBuffer: false,
  attentionQueryTile: 64,
  attentionKeyTile: 32,
  attentionThreadsPerQuery: 1,
  useSubgroups: false,
};
