import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";

// Placeholder until its issue lands: registered so --help lists it.
export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("(not available yet)")
    .action(() => {
      throw new UserError("'check' is not available yet");
    });
}
