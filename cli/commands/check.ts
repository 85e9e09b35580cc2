import type { Command } from "commander";
import pc from "picocolors";
import { isUserError } from "../../compiler/errors.js";
import { loadSpec } from "../../compiler/load.js";
import type { ModelSpec } from "../../compiler/spec/model-spec.js";

/** "12 layers, 6 attention + 6 conv heads of 64", with one clause per run of alike layers. */
export function describeSpec(spec: ModelSpec): string {
  const split = (i: number) => {
    const b = spec.layers[i];
    const span = b.convHeads > 0 ? `, kernel ${b.convKernelSize}${b.maskSpan ? " (masked)" : ""}` : "";
    const groups = b.ffnGroups > 1 ? ` in ${b.ffnGroups} groups` : "";
    return `${b.attentionHeads} attention + ${b.convHeads} conv heads of ${b.headSize}${span}, FFN ${b.intermediateSize}${groups}`;
  };
  const runs: { from: number; to: number; text: string }[] = [];
  spec.layers.forEach((_, i) => {
    const text = split(i);
    const last = runs[runs.length - 1];
    if (last && last.text === text) last.to = i;
    else runs.push({ from: i, to: i, text });
  });
  const count = `${spec.layers.length} layer${spec.layers.length === 1 ? "" : "s"}`;
  if (runs.length === 1) return `${count}, ${runs[0].text}`;
  return `${count}, ${runs.map((r) => `layers ${r.from === r.to ? r.from : `${r.from}-${r.to}`}: ${r.text}`).join("; ")}`;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check spec files (.convspec, convspec JSON, HF config.json): one ok line per valid file, every error of the others; exit 1 if any is invalid")
    .argument("<files...>", "spec files to check")
    .action(async (files: string[]) => {
      let failed = 0;
      for (const file of files) {
        try {
          const spec = await loadSpec(file);
          process.stdout.write(`${pc.green("ok")}  ${file}  ${spec.name}: ${describeSpec(spec)}\n`);
        } catch (e) {
          if (!isUserError(e)) throw e;
          failed++;
          process.stderr.write(`${e.format()}\n`);
        }
      }
      if (failed > 0) {
        process.stderr.write(`${failed} of ${files.length} file${files.length === 1 ? "" : "s"} invalid\n`);
        process.exitCode = 1;
      }
    });
}
