import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";

// Placeholder until its issue lands: registered so --help lists it.
export function registerCompile(program: Command): void {
  program
    .command("compile")
    .description("(not available yet)")
    .action(() => {
      throw new UserError("'compile' is not available yet");
    });
}
