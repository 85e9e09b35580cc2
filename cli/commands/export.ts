import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";

// Placeholder until its issue lands: registered so --help lists it.
export function registerExport(program: Command): void {
  program
    .command("export")
    .description("(not available yet)")
    .action(() => {
      throw new UserError("'export' is not available yet");
    });
}
