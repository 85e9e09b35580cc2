/**
 * `convspec compile`: spec -> IR -> passes -> a backend's artefact.
 *   --emit ir              the IR after the selected passes (default)
 *   --target tfjs          the TensorFlow.js plan (steps, load-time weight layout)
 *   --target wgsl -o DIR   every kernel as .wgsl, plan.json and run-plan.js
 */
import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";
import { printTfjsPlan } from "../../compiler/backends/tfjs/print.js";
import { buildTfjsPlan } from "../../compiler/backends/tfjs/plan.js";
import { writeWgslBundle } from "../../compiler/backends/wgsl/index.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { printIR } from "../../compiler/ir/print.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { loadSpecWithSources } from "../../compiler/load.js";
import { resolveOutputs } from "../../compiler/passes/graph-utils.js";
import { optimize } from "../../compiler/passes/index.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { parsePassesOption } from "../options.js";

interface CompileOptions {
  target: string;
  emit?: string;
  opt: string;
  outputs?: string;
  out?: string;
}

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("lower a spec to the IR, optimise it, and print or write a backend's plan")
    .argument("<spec>", ".convspec, JSON spec or Hugging Face config.json")
    .option("--target <target>", "ir (print the IR), tfjs (print the plan) or wgsl (write kernels + plan to -o DIR)", "ir")
    .option("--emit <what>", "ir: print the IR whatever the target")
    .option("--opt <passes>", "all, none, or a comma list of passes", "all")
    .option("--outputs <names>", "comma list of outputs to keep (default: the run contract's outputs)")
    .option("-o, --out <dir>", "output directory (wgsl)")
    .addHelpText("after", "\nEnvironment: CONVSPEC_DEBUG=ir prints the IR after each pass; CONVSPEC_DEBUG=kernels prints every generated WGSL kernel.")
    .action(async (specPath: string, opts: CompileOptions) => {
      if (!["ir", "tfjs", "wgsl"].includes(opts.target)) throw new UserError(`unknown --target '${opts.target}' (expected ir, tfjs or wgsl)`);
      if (opts.emit !== undefined && opts.emit !== "ir") throw new UserError(`unknown --emit '${opts.emit}' (expected ir)`);
      if (opts.target === "wgsl" && opts.emit === undefined && opts.out === undefined) throw new UserError("--target wgsl needs -o DIR");
      const { spec, sources } = await loadSpecWithSources(specPath);
      const graph = lowerToIR(spec);
      const requested = opts.outputs ? opts.outputs.split(",").map((s) => s.trim()) : contractOutputs(graph);
      resolveOutputs(graph, requested); // unknown names fail here even with --opt none
      const optimized = optimize(graph, { passes: parsePassesOption(opts.opt), requestedOutputs: requested });
      if (opts.emit === "ir" || opts.target === "ir") {
        process.stdout.write(printIR(optimized) + "\n");
      } else if (opts.target === "tfjs") {
        process.stdout.write(printTfjsPlan(buildTfjsPlan(optimized, requested)) + "\n");
      } else {
        const plan = await writeWgslBundle(optimized, opts.out!, { outputs: requested }, { inputs: new CommandInputs().addSpec(sources, "the spec") });
        const { arenaBytes, intermediateBytes, reference } = plan.memory;
        const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(2)} MiB`;
        process.stdout.write(
          `wrote ${opts.out}: ${plan.kernels.length} kernels, ${plan.dispatches.length} dispatches, plan.json, run-plan.js\n` +
            `memory at B=${reference.B} L=${reference.L}: arena ${mib(arenaBytes)} in ${plan.slots.length} buffers ` +
            `(all intermediates: ${mib(intermediateBytes)})\n`,
        );
      }
    });
}
