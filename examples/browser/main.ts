/**
 * The browser demo: fetches a compiled WGSL bundle (plan.json + run-plan.js),
 * the checkpoint and a golden case, runs one forward pass on navigator.gpu and
 * shows a few numbers with the max abs error against the expected outputs.
 * With `?target=tfjs` the same pass runs through the TensorFlow.js target on
 * tfjs's WebGPU backend, on the same device (tfjs.ts, tfjs-plan.json).
 * The result is also left on `window.convspecResult` for the end-to-end test.
 */
import type { TfjsPlan } from "../../compiler/backends/tfjs/plan.js";
import type { WgslProgramPlan } from "../../compiler/backends/wgsl/plan.js";
import type * as Runner from "../../runtime/webgpu/plan-runner.js";
import type * as TfjsPath from "./tfjs.js";

interface Tensor {
  shape: number[];
  data: Float32Array;
}

export interface DemoResult {
  adapter: string;
  /** "wgsl" or "tfjs" (tfjs's webgpu backend). */
  target: string;
  errors: Record<string, number>;
  error?: string;
}

declare global {
  interface Window {
    convspecResult?: DemoResult;
  }
}

/** Minimal safetensors reader (F32 only): an 8-byte header length, a JSON header, the raw data. */
function parseSafetensors(bytes: ArrayBuffer): Map<string, Tensor> {
  const headerLength = Number(new DataView(bytes).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, headerLength))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (t.dtype !== "F32") throw new Error(`${name}: only F32 tensors are supported here, got ${t.dtype}`);
    const [begin, end] = t.data_offsets;
    tensors.set(name, { shape: t.shape, data: new Float32Array(bytes.slice(8 + headerLength + begin, 8 + headerLength + end)) });
  }
  return tensors;
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response;
}

async function main(): Promise<DemoResult> {
  const params = new URLSearchParams(location.search);
  const bundle = params.get("bundle") ?? "dist/model";
  const golden = params.get("golden") ?? "golden/tiny-mixed";
  const target = params.get("target") === "tfjs" ? "tfjs" : "wgsl";
  if (!navigator.gpu) throw new Error("this browser has no WebGPU (navigator.gpu is undefined)");
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error("no WebGPU adapter");
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage, maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize },
  });

  const checkpoint = parseSafetensors(await (await fetchOk(`${golden}/model.safetensors`)).arrayBuffer());
  const expected = parseSafetensors(await (await fetchOk(`${golden}/expected.safetensors`)).arrayBuffer());
  const inputsJson = (await (await fetchOk(`${golden}/inputs.json`)).json()) as Record<string, number[][]>;

  // The plan names parameters by IR key: the checkpoint's base-model keys carry a `convbert.` prefix.
  const weights = new Map([...checkpoint].map(([k, t]) => [k.replace(/^convbert\./, ""), t]));
  const ids = inputsJson.input_ids;
  const inputs = {
    batch: ids.length,
    seqLen: ids[0].length,
    inputIds: Int32Array.from(ids.flat()),
    attentionMask: Float32Array.from(inputsJson.attention_mask.flat()),
    tokenTypeIds: Int32Array.from(inputsJson.token_type_ids.flat()),
  };
  let outputs: Record<string, Tensor>;
  let names: string[];
  if (target === "tfjs") {
    const path = (await import(/* @vite-ignore */ new URL("dist/tfjs.js", location.href).href)) as typeof TfjsPath;
    const plan = (await (await fetchOk("dist/tfjs-plan.json")).json()) as TfjsPlan;
    names = Object.keys(plan.outputs).filter((n) => expected.has(n));
    outputs = await path.runOnTfjsWebGpu(device, adapter.info, plan, weights, inputs, names);
  } else {
    const runner = (await import(/* @vite-ignore */ new URL(`${bundle}/run-plan.js`, location.href).href)) as typeof Runner;
    const plan = (await (await fetchOk(`${bundle}/plan.json`)).json()) as WgslProgramPlan;
    names = Object.keys(plan.outputs).filter((n) => expected.has(n));
    const ctx = runner.createGpuContext(device, weights);
    const run = await runner.createPlanRunner(ctx, plan);
    outputs = await run.run(inputs, names);
    run.dispose();
    runner.disposeGpuContext(ctx);
  }

  const errors: Record<string, number> = {};
  const tbody = document.querySelector<HTMLTableSectionElement>("#results tbody")!;
  for (const name of names) {
    const want = expected.get(name)!;
    const got = outputs[name];
    errors[name] = got.data.reduce((m, v, i) => Math.max(m, Math.abs(v - want.data[i])), 0);
    const row = tbody.insertRow();
    const first = Array.from(got.data.slice(0, 3), (v) => v.toFixed(5)).join(", ");
    for (const text of [name, `[${got.shape.join(", ")}]`, first, errors[name].toExponential(2)]) row.insertCell().textContent = text;
    row.cells[3].className = errors[name] <= 1e-3 ? "ok" : "bad";
  }
  document.getElementById("results")!.hidden = false;
  const info = adapter.info;
  return { adapter: `${info.vendor} ${info.architecture} ${info.description}`.trim(), target, errors };
}

main().then(
  (result) => {
    document.getElementById("status")!.textContent = `done (${result.target}) on ${result.adapter || "WebGPU"}`;
    window.convspecResult = result;
  },
  (e: unknown) => {
    document.getElementById("status")!.textContent = `error: ${(e as Error).message}`;
    window.convspecResult = { adapter: "", target: "", errors: {}, error: String((e as Error).message ?? e) };
  },
);
