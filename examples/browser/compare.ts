/**
 * Live comparison in the browser: the spec typed in the page is compiled by
 * convspec's front end (bundled for the browser) at every pause in typing
 * and compared with a shipped spec: parameters, FLOPs, memory, predicted
 * latency on the chosen device profiles, per-part shares and, for specs whose
 * layers differ, the per-layer head split. `extends` reads the shipped specs.
 * The state is left on `window.convspecCompare` for the end-to-end test.
 */
import { deviceIds, findDevice } from "../../compiler/analysis/devices.js";
import { summarizeModel } from "../../compiler/analysis/summary.js";
import { isUserError } from "../../compiler/errors.js";
import { loadSpecFromText } from "../../compiler/load.js";
import { buildComparison } from "../../cli/compare/comparison.js";
import { renderHtml } from "../../cli/compare/render-html.js";
import { CHART_CSS } from "../../cli/report/charts/chart-css.js";
import { flopsFigure, isHeterogeneous, latencyFigures, parametersFigure, perLayerFigures, sharesFigure, type Figure } from "../../cli/report/sections.js";
import bertBase from "../../specs/bert-base.convspec";
import convBertBase from "../../specs/conv-bert-base.convspec";
import convBertMediumSmall from "../../specs/conv-bert-medium-small.convspec";
import convBertSmall from "../../specs/conv-bert-small.convspec";
import electraSmall from "../../specs/electra-small.convspec";
import convLow from "../../specs/variants/conv-bert-base-conv-low.convspec";
import groupedFfn from "../../specs/variants/conv-bert-base-grouped-ffn.convspec";
import wideKernel from "../../specs/variants/conv-bert-small-wide-kernel.convspec";
import dynamicConvSmall from "../../specs/variants/dynamic-conv-small.convspec";

export interface CompareState {
  status: "ok" | "error";
  models: string[];
  charts: number;
  /** Diagnostics, formatted as the CLI prints them. */
  message?: string;
  /** Time to compile and analyse both specs, ms. */
  ms: number;
}

declare global {
  interface Window {
    convspecCompare?: CompareState;
  }
}

/** The shipped specs at the paths their `extends` expect. */
const SPECS: Record<string, string> = {
  "/specs/bert-base.convspec": bertBase,
  "/specs/conv-bert-base.convspec": convBertBase,
  "/specs/conv-bert-medium-small.convspec": convBertMediumSmall,
  "/specs/conv-bert-small.convspec": convBertSmall,
  "/specs/electra-small.convspec": electraSmall,
  "/specs/variants/conv-bert-base-conv-low.convspec": convLow,
  "/specs/variants/conv-bert-base-grouped-ffn.convspec": groupedFfn,
  "/specs/variants/conv-bert-small-wide-kernel.convspec": wideKernel,
  "/specs/variants/dynamic-conv-small.convspec": dynamicConvSmall,
};
const USER_FILE = "/specs/variants/your-spec.convspec";
const CURVE = [16, 32, 64, 128, 256, 512];

/** `extends` resolves among the shipped specs; a bare name also finds one in /specs/. */
function readText(path: string): string {
  const text = SPECS[path] ?? SPECS[`/specs/${path.split("/").pop()}`];
  if (text === undefined) throw new Error(`no such spec here: ${path} (the page has ${Object.keys(SPECS).join(", ")})`);
  return text;
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

function setUp(): void {
  const style = document.createElement("style");
  style.textContent = CHART_CSS;
  document.head.append(style);
  const baseline = $<HTMLSelectElement>("baseline");
  baseline.innerHTML = Object.keys(SPECS).map((p) => `<option value="${p}"${p.endsWith("/conv-bert-base.convspec") ? " selected" : ""}>${p.replace("/specs/", "")}</option>`).join("");
  $<HTMLDivElement>("devices").innerHTML = deviceIds()
    .map((id) => `<label><input type="checkbox" value="${id}"${["h100", "m2", "cpu-wasm"].includes(id) ? " checked" : ""}> ${id}</label>`)
    .join(" ");
  const source = $<HTMLTextAreaElement>("source");
  if (source.value.trim() === "") source.value = convLow.replace("let size = 32", "let size = 32  # edit me: the page recompiles as you type").replace("conv-bert-base-conv-low", "your-variant");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(update, 250);
  };
  for (const id of ["source", "baseline", "seq", "batch", "devices"]) $(id).addEventListener("input", schedule);
  update();
}

function update(): void {
  const start = performance.now();
  const status = $<HTMLParagraphElement>("status");
  const diagnostics = $<HTMLPreElement>("diagnostics");
  try {
    const seqLens = numbers($<HTMLInputElement>("seq").value, "sequence lengths");
    const batch = numbers($<HTMLInputElement>("batch").value, "batch")[0];
    const devices = Array.from(document.querySelectorAll<HTMLInputElement>("#devices input:checked")).map((i) => findDevice(i.value));
    const baselinePath = $<HTMLSelectElement>("baseline").value;
    const specs = [
      { path: baselinePath, spec: loadSpecFromText(SPECS[baselinePath], baselinePath, readText) },
      { path: USER_FILE, spec: loadSpecFromText($<HTMLTextAreaElement>("source").value, USER_FILE, readText) },
    ];
    const lens = [...new Set([...CURVE, ...seqLens])].sort((a, b) => a - b);
    const models = specs.map(({ path, spec }) => summarizeModel(path.replace("/specs/", ""), spec, { batch, seqLens: lens, devices }));
    const comparison = buildComparison(models, { batches: [batch], predictBatches: [batch], seqLens: seqLens.filter((L) => models.some((m) => m.flops.bySeqLen[L])) });
    const figures: Figure[] = [
      parametersFigure(models), flopsFigure(models, batch), ...latencyFigures(models, batch),
      ...[seqLens[0]].map((L) => sharesFigure(models, L)).filter((f): f is Figure => f !== null),
      ...models.flatMap((m, i) => (isHeterogeneous(m) ? perLayerFigures(m, i) : [])),
    ];
    $<HTMLDivElement>("table").innerHTML = renderHtml(comparison);
    $<HTMLDivElement>("charts").innerHTML = figures.map((f) => `<figure>${f.svg}<figcaption>${f.caption}</figcaption></figure>`).join("");
    diagnostics.hidden = true;
    const ms = performance.now() - start;
    status.textContent = `compiled and analysed ${models.map((m) => m.name).join(" and ")} in ${ms.toFixed(0)} ms`;
    status.className = "ok";
    window.convspecCompare = { status: "ok", models: models.map((m) => m.name), charts: figures.length, ms };
  } catch (e) {
    const message = isUserError(e) ? e.format() : String((e as Error).message ?? e);
    diagnostics.textContent = message;
    diagnostics.hidden = false;
    status.textContent = "the spec has errors; the last good comparison stays below";
    status.className = "bad";
    window.convspecCompare = { status: "error", models: [], charts: 0, message, ms: performance.now() - start };
  }
}

function numbers(text: string, what: string): number[] {
  const values = text.split(",").map((s) => Number(s.trim()));
  if (values.length === 0 || values.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`${what}: positive integers separated by commas, got '${text}'`);
  return values;
}

setUp();
