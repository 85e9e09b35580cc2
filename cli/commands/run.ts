import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";

// Placeholder until its issue lands: registered so --help lists it.
export function registerRun(program: Command): void {
  program
    .command("run")
    .description("(not available yet)")
    .action(() => {
      throw new UserError("'run' is not available yet");
    });
}
