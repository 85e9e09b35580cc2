import type { Command } from "commander";
import { loadSpec, loadSpecFromText } from "../../compiler/load.js";
import { printDsl } from "../../compiler/spec/print-dsl.js";
import { writeTextAtomic } from "./export.js";

export function registerImportHf(program: Command): void {
  program
    .command("import-hf")
    .description("turn a Hugging Face ConvBERT config.json into a readable .convspec spec")
    .argument("<config>", "a Hugging Face ConvBERT config.json")
    .option("-o, --output <file>", "write the .convspec here instead of standard output")
    .action(async (configPath: string, options: { output?: string }) => {
      const spec = await loadSpec(configPath);
      const text = printDsl(spec, `Imported from ${configPath} by convspec import-hf.`);
      // The printed spec must read back as the same model; a mismatch is a convspec bug.
      const back = loadSpecFromText(text, options.output ?? "imported.convspec");
      if (JSON.stringify(back) !== JSON.stringify(spec)) throw new Error("import-hf: printed spec does not read back as the imported one");
      if (options.output) writeTextAtomic(options.output, text);
      else process.stdout.write(text);
    });
}
