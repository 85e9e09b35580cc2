import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";

// Placeholder until its issue lands: registered so --help lists it.
export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("(not available yet)")
    .action(() => {
      throw new UserError("'compare' is not available yet");
    });
}
