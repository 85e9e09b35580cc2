import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";

// Placeholder until its issue lands: registered so --help lists it.
export function registerImportHf(program: Command): void {
  program
    .command("import-hf")
    .description("(not available yet)")
    .action(() => {
      throw new UserError("'import-hf' is not available yet");
    });
}
