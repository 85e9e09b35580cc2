/** The WGSL target: generated kernels and a dispatch plan (runtime/webgpu runs it on any GPUDevice). */
import type { CompilerTarget } from "../target.js";
import { compileWgsl } from "./index.js";
import { printWgslPlan } from "./print.js";

export const wgslTarget: CompilerTarget<"wgsl"> = {
  name: "wgsl",
  summary: "generated WGSL kernels on any WebGPU device (Dawn in Node, browsers)",
  backends: [],
  compile: (graph, outputs, options) => compileWgsl(graph, { outputs, features: options.features, flags: options.flags, reference: options.shape }),
  print: printWgslPlan,
  async write(plan, out, io) {
    // Loaded only here: emit.ts needs esbuild, which nothing else at run time does.
    const { writeWgslBundle } = await import("./emit.js");
    await writeWgslBundle(plan, out, io);
    const { arenaBytes, intermediateBytes, reference } = plan.memory;
    const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
    return (
      `wrote ${out}: ${plan.kernels.length} kernels, ${plan.dispatches.length} dispatches, plan.json, run-plan.js\n` +
      `memory at B=${reference.B} L=${reference.L}: arena ${mib(arenaBytes)} in ${plan.slots.length} buffers (all intermediates: ${mib(intermediateBytes)})`
    );
  },
};
