import { renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import { UserError } from "../../compiler/errors.js";
import { loadSpec } from "../../compiler/load.js";
import { exportHfConfig } from "../../compiler/spec/hf-config.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";

/** Writes to a temporary name in the same folder, then renames: never a half-written file. */
export function writeTextAtomic(path: string, text: string): void {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(temp, text);
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UserError(`cannot write '${path}': ${(e as Error).message}`);
  }
}

export function registerExport(program: Command): void {
  program
    .command("export")
    .description("write a spec as a resolved convspec JSON spec (--format json) or a Hugging Face ConvBERT config.json (--format hf)")
    .argument("<spec>", "a .convspec file, a convspec JSON spec or an HF config.json")
    .option("-f, --format <format>", "json (resolved ModelSpec) or hf (Hugging Face ConvBERT config.json)", "json")
    .option("-o, --output <file>", "write here instead of standard output")
    .action(async (specPath: string, options: { format: string; output?: string }) => {
      if (options.format !== "json" && options.format !== "hf") {
        throw new UserError(`unknown export format '${options.format}': use json or hf`);
      }
      const spec = await loadSpec(specPath);
      const value = options.format === "json" ? spec : hfConfigOrAdvice(spec);
      const text = JSON.stringify(value, null, 2) + "\n";
      if (options.output) writeTextAtomic(options.output, text);
      else process.stdout.write(text);
    });
}

/** The HF config, or the refusal with the format that keeps everything. */
function hfConfigOrAdvice(spec: ModelSpec): Record<string, unknown> {
  try {
    return exportHfConfig(spec);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    throw new UserError(`${e.message}\nUse --format json to write the resolved spec, which keeps every detail (convspec reads it back; Hugging Face does not).`);
  }
}
