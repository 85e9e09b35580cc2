/**
 * `convspec compile`: spec -> IR -> passes -> a target's artifact.
 *   --target ir (default)       the IR after the selected passes
 *   --target <t>                the target's artifact as text (tfjs plan, WGSL dispatch schedule)
 *   --target <t> -o OUT         the artifact written to disk (wgsl: kernels + plan.json + run-plan.js)
 *   --emit ir                   the IR the target runs, whatever the target
 */
import type { Command } from "commander";
import { checkBackend, compilerTarget, TARGET_NAMES, targetNamed, type TargetName } from "../../compiler/backends/index.js";
import { UserError } from "../../compiler/errors.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { printIR } from "../../compiler/ir/print.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { loadSpecWithSources } from "../../compiler/load.js";
import { resolveOutputs } from "../../compiler/passes/graph-utils.js";
import { ALL_PASSES, optimize } from "../../compiler/passes/index.js";
import { compileFor, type Compiled } from "../../compiler/pipeline.js";
import { checkOutputPath } from "../../compiler/io/write-file.js";
import { weightedWriter } from "../../runtime/targets.js";
import { parsePassesOption, parseShape } from "../options.js";
import { loadModelWeights, parseSeed, type WeightsRequest } from "../weights.js";

interface CompileOptions {
  target: string;
  backend?: string;
  emit?: string;
  opt: string;
  outputs?: string;
  out?: string;
  shape?: string;
  features?: string;
  weights?: string;
  seed: string;
}

export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("lower a spec to the IR, optimise it, and print or write a target's artifact")
    .argument("<spec>", ".convspec, JSON spec or Hugging Face config.json")
    .option("--target <target>", `ir (print the IR) or a target: ${TARGET_NAMES.join(", ")}`, "ir")
    .option("--backend <name>", "the target's backend, where it has several (tfjs: tensorflow, webgpu, wasm, cpu; the tfjs plan shows how it runs on each)")
    .option("--emit <what>", "ir: print the IR the target runs (after the passes) instead of its artifact")
    .option("--opt <passes>", "all, none (also: every op lowered as written, no backend-tuned forms), or a comma list of passes", "all")
    .option("--outputs <names>", "comma list of outputs to keep (default: the run contract's outputs)")
    .option("-o, --out <path>", "write the artifact there (wgsl: a directory; onnx: a .onnx file with the weights) instead of printing it")
    .option("--shape <BxL>", "batch x sequence length to tune for, e.g. 8x512 (wgsl tile choices; default 1x128); the artifact runs at any shape")
    .option("--features <list>", "wgsl: optional adapter features the kernels may use (subgroups); the plan then needs them")
    .option("--weights <file>", "onnx -o: the safetensors checkpoint whose weights the file holds (default: seeded random weights)")
    .option("--seed <n>", "onnx -o: seed of the random weights when --weights is absent", "0")
    .addHelpText(
      "after",
      `\nPasses (run in this order): ${ALL_PASSES.map((p) => `\n  ${p.name.padEnd(20)} ${p.summary}`).join("")}\n` +
        "\nEnvironment: CONVSPEC_DEBUG=ir prints the IR after each pass; CONVSPEC_DEBUG=kernels prints every generated WGSL kernel; CONVSPEC_DEBUG=plan prints each tfjs plan.",
    )
    .action(async (specPath: string, opts: CompileOptions) => {
      if (opts.emit !== undefined && opts.emit !== "ir") throw new UserError(`unknown --emit '${opts.emit}' (expected ir)`);
      const targetName = opts.target === "ir" ? null : targetNamed(opts.target);
      if (targetName === null && opts.out !== undefined) throw new UserError("-o needs a --target that writes files (wgsl, onnx)");
      if (targetName !== null) checkBackend(targetName, opts.backend);
      const { spec, sources } = await loadSpecWithSources(specPath);
      const graph = lowerToIR(spec);
      const outputs = opts.outputs ? opts.outputs.split(",").map((s) => s.trim()) : contractOutputs(graph);
      const passes = parsePassesOption(opts.opt);
      if (targetName === null) {
        resolveOutputs(graph, outputs); // unknown names fail here even with --opt none
        process.stdout.write(printIR(optimize(graph, { passes, requestedOutputs: outputs })) + "\n");
        return;
      }
      const options = { backend: opts.backend, shape: parseShape(opts.shape), features: opts.features?.split(",").map((f) => f.trim()) };
      const compiled = compileFor(targetName, graph, { outputs, passes, options });
      const inputs = new CommandInputs().addSpec(sources, "the spec").add(opts.weights, "--weights");
      const weights = { weights: opts.weights, seed: parseSeed(opts.seed) };
      process.stdout.write((opts.emit === "ir" ? printIR(compiled.graph) : await renderArtifact(compiled, opts.out, inputs, weights)) + "\n");
    });
}

/** The artifact printed, or written to `out` (what was written, as a summary). */
async function renderArtifact<N extends TargetName>(compiled: Compiled<N>, out: string | undefined, inputs: CommandInputs, weights: WeightsRequest): Promise<string> {
  const { target, artifact } = compiled;
  const compiler = compilerTarget(target);
  if (out === undefined) return compiler.print(artifact);
  if (compiler.write) return compiler.write(artifact, out, { inputs });
  // A file that holds the weights (ONNX initializers): its writer lives with the runtime.
  const writer = await weightedWriter(target);
  if (!writer) throw new UserError(`--target ${target} has no on-disk form; drop -o to print it`);
  checkOutputPath(out, { label: `-o ${out}`, inputs });
  return writer(artifact, out, loadModelWeights(compiled.graph, weights).weights, { inputs });
}
