import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { checkOutputPath, writeOutputText } from "../../compiler/io/write-file.js";
import { loadSpecWithSources } from "../../compiler/load.js";
import { exportHfConfig } from "../../compiler/spec/hf-config.js";

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write a spec as a resolved convspec JSON spec (--format json) or a Hugging Face ConvBERT config.json (--format hf)")
    .argument("<spec>", "a .convspec file, a convspec JSON spec or an HF config.json")
    .option("-f, --format <format>", "json (resolved ModelSpec) or hf (Hugging Face ConvBERT config.json)", "json")
    .option("-o, --output <file>", "write here instead of standard output (never over the spec or a file it extends)")
    .action(async (specPath: string, options: { format: string; output?: string }) => {
      if (options.format !== "json" && options.format !== "hf") {
        throw new UserError(`unknown export format '${options.format}': use json or hf`);
      }
      const { spec, sources } = await loadSpecWithSources(specPath);
      const output = { label: `-o ${options.output}`, inputs: new CommandInputs().addSpec(sources, "the spec") };
      checkOutputPath(options.output, output);
      const value = options.format === "json" ? spec : exportHfConfig(spec);
      const text = JSON.stringify(value, null, 2) + "\n";
      if (options.output) await writeOutputText(options.output, text, output);
      else process.stdout.write(text);
    });
}
