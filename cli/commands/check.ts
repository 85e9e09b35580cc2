import type { Command } from "commander";
import pc from "picocolors";
import { colorOn } from "../color.js";
import { locationText, printable, printableLines } from "../../compiler/diagnostics.js";
import { isUserError } from "../../compiler/errors.js";
import { loadSpecWithNotes } from "../../compiler/load.js";
import { plural } from "../../compiler/spec/hf-config.js";
import type { BlockSpec, ModelSpec } from "../../compiler/spec/model-spec.js";

/** "6 attention + 6 conv heads of 64", "12 attention heads of 64", "4 conv heads of 32". */
function headSplit(b: BlockSpec): string {
  if (b.convHeads === 0) return `${plural(b.attentionHeads, "attention head")} of ${b.headSize}`;
  if (b.attentionHeads === 0) return `${plural(b.convHeads, "conv head")} of ${b.headSize}`;
  return `${b.attentionHeads} attention + ${b.convHeads} conv heads of ${b.headSize}`;
}

/** "12 layers, 6 attention + 6 conv heads of 64", with one clause per run of alike layers. */
export function describeSpec(spec: ModelSpec): string {
  const split = (i: number) => {
    const b = spec.layers[i];
    const span = b.convHeads > 0 ? `, kernel ${b.convKernelSize}${b.maskSpan ? " (masked)" : ""}` : "";
    const groups = b.ffnGroups > 1 ? ` in ${b.ffnGroups} groups` : "";
    return `${headSplit(b)}${span}, FFN ${b.intermediateSize}${groups}`;
  };
  const runs: { from: number; to: number; text: string }[] = [];
  spec.layers.forEach((_, i) => {
    const text = split(i);
    const last = runs[runs.length - 1];
    if (last && last.text === text) last.to = i;
    else runs.push({ from: i, to: i, text });
  });
  const count = plural(spec.layers.length, "layer");
  if (runs.length === 1) return `${count}, ${runs[0].text}`;
  return `${count}, ${runs.map((r) => `layers ${r.from === r.to ? r.from : `${r.from}-${r.to}`}: ${r.text}`).join("; ")}`;
}

export function registerCheck(program: Command): void {
  program
    .command("check")
    .description("check spec files (.convspec, convspec JSON, HF config.json of ConvBERT, BERT or ELECTRA): one ok line per valid file (with notes on what an HF import assumed), every error of the others; exit 1 if any is invalid")
    .argument("<files...>", "spec files to check")
    .action(async (files: string[]) => {
      let failed = 0;
      for (const file of files) {
        try {
          const { spec, notes } = await loadSpecWithNotes(file);
          process.stdout.write(`${colorOn() ? pc.green("ok") : "ok"}  ${printable(file)}  ${printable(spec.name)}: ${describeSpec(spec)}\n`);
          for (const note of notes) process.stderr.write(`${locationText(note.loc)}: note: ${printable(note.message)}\n`);
        } catch (e) {
          if (!isUserError(e)) throw e;
          failed++;
          process.stderr.write(`${printableLines(e.format())}\n`);
        }
      }
      if (failed > 0) {
        process.stderr.write(`${failed} of ${plural(files.length, "file")} invalid\n`);
        process.exitCode = 1;
      }
    });
}
