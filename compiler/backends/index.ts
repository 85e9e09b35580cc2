/**
 * The registry of compile targets. The CLI, benches and examples look
 * targets up here (and their executors in runtime/targets.ts), never by
 * string if-chains.
 */
import { didYouMean } from "../diagnostics.js";
import { UserError } from "../errors.js";
import type { CompilerTarget, CompilerTargets, TargetName } from "./target.js";
import { onnxTarget } from "./onnx/target.js";
import { tfjsTarget } from "./tfjs/target.js";
import { wgslTarget } from "./wgsl/target.js";

export type { Artifacts, CompilerTarget, TargetName, TargetOptions } from "./target.js";

export const COMPILER_TARGETS: CompilerTargets = { tfjs: tfjsTarget, wgsl: wgslTarget, onnx: onnxTarget };

export const TARGET_NAMES = Object.keys(COMPILER_TARGETS) as TargetName[];

export function isTargetName(name: string): name is TargetName {
  return Object.hasOwn(COMPILER_TARGETS, name);
}

/** The target called `name`; an unknown name is a user error with a suggestion. */
export function targetNamed(name: string): TargetName {
  if (isTargetName(name)) return name;
  const closest = didYouMean(name, TARGET_NAMES);
  throw new UserError(`unknown target '${name}'${closest ? ` (did you mean '${closest}'?)` : ""}; targets: ${TARGET_NAMES.join(", ")}`);
}

export function compilerTarget<N extends TargetName>(name: N): CompilerTarget<N> {
  return COMPILER_TARGETS[name];
}

/** Checks `--backend` against what the target offers. */
export function checkBackend(target: TargetName, backend: string | undefined): void {
  if (backend === undefined) return;
  const { backends } = COMPILER_TARGETS[target];
  if (backends.length === 0) throw new UserError(`--backend does not apply to --target ${target} (it has no backends to choose from)`);
  if (!backends.includes(backend)) {
    const closest = didYouMean(backend, backends);
    throw new UserError(`unknown --backend '${backend}' for --target ${target}${closest ? ` (did you mean '${closest}'?)` : ""}; expected ${backends.join(", ")}`);
  }
}
