/**
 * The one interface every target implements on the compile side. A target
 * takes an already-optimised graph (passes run before, once, for every
 * target alike) and the outputs to compute, and returns its artifact: plain
 * data that its executor in runtime/ runs without running passes again.
 * Adding a target: its artifact type in `Artifacts`, an entry in
 * COMPILER_TARGETS (compiler/backends/index.ts) and one in EXECUTORS
 * (runtime/targets.ts); the type checker points at every place left.
 */
import type { CommandInputs } from "../io/input-files.js";
import type { Graph } from "../ir/types.js";
import type { OnnxArtifact } from "./onnx/artifact.js";
import type { TfjsPlan } from "./tfjs/plan.js";
import type { WgslFlags } from "./wgsl/flags.js";
import type { WgslProgramPlan } from "./wgsl/plan.js";

/** Each target's compiled form. */
export interface Artifacts {
  /** TensorFlow.js: ordered op steps with frees, plus load-time weight layouts. */
  tfjs: TfjsPlan;
  /** Generated WGSL kernels, dispatches, buffer slots: runs on any GPUDevice. */
  wgsl: WgslProgramPlan;
  /** An ONNX ModelProto without weight data, plus each initializer's layout (weights are attached when written or run). */
  onnx: OnnxArtifact;
}

export type TargetName = keyof Artifacts;

/** Options a target may use; each target refuses the ones that do not apply to it. */
export interface TargetOptions {
  /** The execution backend inside the target (tfjs: tensorflow, webgpu, wasm, cpu; onnx: the operator set, standard or ort). */
  backend?: string;
  /**
   * "tuned" (default): ops in the forms measured fastest on the backend;
   * "direct": every op as written, the unoptimised baseline. compileFor
   * picks "direct" for `--opt none`. Targets without such choices ignore it.
   */
  lowering?: "tuned" | "direct";
  /** WGSL: optional adapter features the kernels may use (`subgroups`); the plan records what it used. */
  features?: readonly string[];
  /** WGSL: tuning knobs over DEFAULT_FLAGS. */
  flags?: Partial<WgslFlags>;
  /** The batch and sequence length to tune for (tile choices); the artifact still runs at any shape. */
  shape?: { B: number; L: number };
}

export interface CompilerTarget<N extends TargetName> {
  name: N;
  /** One line for `--help`. */
  summary: string;
  /** Backends `--backend` may name; empty when the target has none. */
  backends: readonly string[];
  /** Optimised graph -> the artifact computing `outputs` (graph output names). Never runs passes. */
  compile(graph: Graph, outputs: readonly string[], options: TargetOptions): Artifacts[N];
  /** The artifact as text: what `convspec compile --target <name>` prints. */
  print(artifact: Artifacts[N]): string;
  /**
   * Writes the artifact under `out` (`compile -o`), never over one of the
   * command's `inputs`; returns what to tell the user. Absent when the
   * target has no on-disk form, or when that form needs the weights (ONNX:
   * runtime/targets.ts has its writer).
   */
  write?(artifact: Artifacts[N], out: string, io: { inputs?: CommandInputs }): Promise<string>;
}

export type CompilerTargets = { [N in TargetName]: CompilerTarget<N> };
