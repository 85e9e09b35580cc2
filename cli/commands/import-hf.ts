import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";
import { CommandInputs } from "../../compiler/io/input-files.js";
import { checkOutputPath, writeOutputText } from "../../compiler/io/write-file.js";
import { loadSpecFromText, loadSpecWithSources } from "../../compiler/load.js";
import { printDsl } from "../../compiler/spec/print-dsl.js";

/**
 * The output format is --format; without it, `-o NAME.json` writes a JSON
 * spec and anything else (standard output, `-o x.convspec`, `-o x.txt`,
 * `-o x`) the .convspec language. The extension never changes how the
 * printed spec is checked.
 */
export function registerImportHf(program: Command): void {
  program
    .command("import-hf")
    .description("turn a Hugging Face ConvBERT config.json into a readable .convspec spec")
    .argument("<config>", "a Hugging Face ConvBERT config.json")
    .option("-o, --output <file>", "write the spec here instead of standard output (never over the config)")
    .option("-f, --format <format>", "convspec (the spec language) or json (a convspec JSON spec); default: json for -o *.json, else convspec")
    .action(async (configPath: string, options: { output?: string; format?: string }) => {
      const format = options.format ?? (options.output?.toLowerCase().endsWith(".json") ? "json" : "convspec");
      if (format !== "convspec" && format !== "json") throw new UserError(`unknown import-hf format '${format}': use convspec or json`);
      const { spec, sources } = await loadSpecWithSources(configPath);
      const output = { label: `-o ${options.output}`, inputs: new CommandInputs().addSpec(sources, "the config") };
      checkOutputPath(options.output, output);
      const dsl = printDsl(spec, `Imported from ${configPath} by convspec import-hf.`);
      // The printed spec must read back as the same model, whatever the output is called; a mismatch is a convspec bug.
      const back = loadSpecFromText(dsl, "imported.convspec");
      if (JSON.stringify(back) !== JSON.stringify(spec)) throw new Error("import-hf: printed spec does not read back as the imported one");
      const text = format === "json" ? JSON.stringify(spec, null, 2) + "\n" : dsl;
      if (options.output) await writeOutputText(options.output, text, output);
      else process.stdout.write(text);
    });
}
