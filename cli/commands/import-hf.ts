import { extname } from "node:path";
import type { Command } from "commander";
import { locationText, printable } from "../../compiler/diagnostics.js";
import { UserError } from "../../compiler/errors.js";
import { loadSpecFromText, loadSpecWithNotes } from "../../compiler/load.js";
import { printDsl } from "../../compiler/spec/print-dsl.js";
import { writeTextAtomic } from "./export.js";

export function registerImportHf(program: Command): void {
  program
    .command("import-hf")
    .description("turn a Hugging Face config.json (ConvBERT, BERT or ELECTRA) into a readable .convspec spec")
    .argument("<config>", "a Hugging Face config.json")
    .option("-o, --output <file>", "write the .convspec here instead of standard output")
    .action(async (configPath: string, options: { output?: string }) => {
      if (extname(configPath).toLowerCase() === ".convspec") {
        throw new UserError(`${configPath} is already a .convspec spec: import-hf reads a Hugging Face config.json (\`convspec export\` converts specs)`);
      }
      const { spec, notes } = await loadSpecWithNotes(configPath);
      for (const note of notes) process.stderr.write(`${locationText(note.loc)}: note: ${printable(note.message)}\n`);
      const text = printDsl(spec, `Imported from ${configPath} by convspec import-hf.`);
      // The printed spec must read back as the same model; a mismatch is a convspec bug. The name only picks the format.
      const back = loadSpecFromText(text, "imported.convspec");
      if (JSON.stringify(back) !== JSON.stringify(spec)) throw new Error("import-hf: printed spec does not read back as the imported one");
      if (options.output) writeTextAtomic(options.output, text);
      else process.stdout.write(text);
    });
}
