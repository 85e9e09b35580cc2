/**
 * The `convspec` command line. Each subcommand lives in `cli/commands/<name>.ts`
 * and registers itself on the program; this file only wires them and turns
 * user errors into a message and exit code 1.
 */
import { Command, CommanderError } from "commander";
import { checkDebugSetting } from "../compiler/debug.js";
import { isUserError } from "../compiler/errors.js";
import { registerBench } from "./commands/bench.js";
import { registerCheck } from "./commands/check.js";
import { registerCompile } from "./commands/compile.js";
import { registerCompare } from "./commands/compare.js";
import { registerImportHf } from "./commands/import-hf.js";
import { registerExport } from "./commands/export.js";
import { registerReport } from "./commands/report.js";
import { registerRun } from "./commands/run.js";

export function buildProgram(): Command {
  const program = new Command("convspec")
    .description("Compile ConvBERT-family model specs to TensorFlow.js plans and WGSL kernels, run and compare them.")
    .version("0.1.0")
    .showHelpAfterError()
    .exitOverride();
  for (const register of [registerCheck, registerCompile, registerCompare, registerImportHf, registerExport, registerRun, registerBench, registerReport]) {
    register(program);
  }
  for (const command of program.commands) command.exitOverride();
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    checkDebugSetting();
    await buildProgram().parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed.
      return e.exitCode;
    }
    if (isUserError(e)) {
      process.stderr.write(e.format() + "\n");
      return 1;
    }
    throw e;
  }
}
