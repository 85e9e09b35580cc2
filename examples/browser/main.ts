/**
 * The browser demo: a compiled WGSL bundle (plan.json + run-plan.js), a
 * checkpoint and inputs -> one forward pass on navigator.gpu -> a few numbers
 * per output, with the max abs error where expected outputs are known.
 * Where the model comes from:
 *  - by default the golden tiny-mixed case (dist/model, golden/tiny-mixed);
 *  - `?user`: what `npm run example:browser -- --bundle DIR --weights FILE`
 *    serves under user/ (inputs.json and expected.safetensors when given);
 *  - `?bundle=…&weights=…&inputs=…&expected=…`: any URLs;
 *  - the form: a bundle folder and a checkpoint picked from disk.
 * With `?target=tfjs` the golden pass runs through the TensorFlow.js target on
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

interface InputsJson {
  input_ids: number[][];
  attention_mask?: number[][];
  token_type_ids?: number[][];
}

/** Everything one run needs, wherever it came from. */
interface ModelSource {
  label: string;
  plan: WgslProgramPlan;
  /** URL of run-plan.js (a blob: URL for picked files). */
  runnerUrl: string;
  checkpoint: ArrayBuffer;
  inputs?: InputsJson;
  expected?: ArrayBuffer;
}

export interface DemoResult {
  adapter: string;
  /** "wgsl" or "tfjs" (tfjs's webgpu backend). */
  target: string;
  /** "golden", "served" or "picked". */
  source: string;
  /** Max abs error per output, where expected outputs were given. */
  errors: Record<string, number>;
  outputs: Record<string, { shape: number[]; first: number[] }>;
  error?: string;
}

declare global {
  interface Window {
    convspecResult?: DemoResult;
  }
}

/** Minimal safetensors reader (F32 only): an 8-byte header length, a JSON header, the raw data. */
function parseSafetensors(bytes: ArrayBuffer, what: string): Map<string, Tensor> {
  if (bytes.byteLength < 8) throw new Error(`${what}: not a safetensors file (${bytes.byteLength} bytes)`);
  const headerLength = Number(new DataView(bytes).getBigUint64(0, true));
  if (8 + headerLength > bytes.byteLength) throw new Error(`${what}: not a safetensors file (header of ${headerLength} bytes in a file of ${bytes.byteLength})`);
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(bytes, 8, headerLength))) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
  const tensors = new Map<string, Tensor>();
  for (const [name, t] of Object.entries(header)) {
    if (name === "__metadata__") continue;
    if (t.dtype !== "F32") throw new Error(`${what}: ${name} is ${t.dtype}; this page reads F32 tensors only`);
    const [begin, end] = t.data_offsets;
    tensors.set(name, { shape: t.shape, data: new Float32Array(bytes.slice(8 + headerLength + begin, 8 + headerLength + end)) });
  }
  return tensors;
}

/** The plan names parameters by IR key; HF checkpoints prefix base-model keys (`convbert.`, `electra.`, `bert.`). */
function weightsFor(plan: WgslProgramPlan, checkpoint: Map<string, Tensor>): Map<string, Tensor> {
  const weights = new Map<string, Tensor>();
  for (const piece of plan.weights.flatMap((w) => w.pieces)) {
    const key = [piece.param, ...["convbert.", "electra.", "bert."].map((p) => p + piece.param)].find((k) => checkpoint.has(k));
    if (key) weights.set(piece.param, checkpoint.get(key)!);
  }
  return weights;
}

/** Inputs for a model given none: one sequence of 16 ids (or max_positions) within its vocabulary. */
function defaultInputs(plan: WgslProgramPlan): InputsJson {
  const length = Math.min(16, plan.limits.maxPositions);
  return { input_ids: [Array.from({ length }, (_, i) => (i * 37 + 1) % plan.limits.vocabSize)] };
}

async function fetchOk(url: string): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`GET ${url}: ${response.status}`);
  return response;
}
const fetchOptional = async (url: string): Promise<Response | undefined> => {
  const response = await fetch(url);
  return response.ok ? response : undefined;
};

/** The model named by the page's URL (the golden case by default). */
async function servedSource(params: URLSearchParams): Promise<ModelSource> {
  const user = params.has("user");
  const golden = params.get("golden") ?? "golden/tiny-mixed";
  const bundle = params.get("bundle") ?? (user ? "user/bundle" : "dist/model");
  const weightsUrl = params.get("weights") ?? (user ? "user/weights.safetensors" : `${golden}/model.safetensors`);
  const inputsUrl = params.get("inputs") ?? (user ? "user/inputs.json" : `${golden}/inputs.json`);
  const expectedUrl = params.get("expected") ?? (user ? "user/expected.safetensors" : `${golden}/expected.safetensors`);
  const custom = user || params.has("bundle");
  const [plan, checkpoint, inputs, expected] = await Promise.all([
    fetchOk(`${bundle}/plan.json`).then((r) => r.json() as Promise<WgslProgramPlan>),
    fetchOk(weightsUrl).then((r) => r.arrayBuffer()),
    // A user's inputs and expected outputs are optional.
    (custom ? fetchOptional(inputsUrl) : fetchOk(inputsUrl)).then((r) => r?.json() as Promise<InputsJson> | undefined),
    (custom ? fetchOptional(expectedUrl) : fetchOk(expectedUrl)).then((r) => r?.arrayBuffer()),
  ]);
  return { label: custom ? `${plan.model} from ${bundle}` : `${plan.model} (golden)`, plan, runnerUrl: new URL(`${bundle}/run-plan.js`, location.href).href, checkpoint, inputs, expected };
}

/** The model picked in the form: a bundle folder (plan.json, run-plan.js), a checkpoint, optional inputs.json and expected outputs. */
async function pickedSource(): Promise<ModelSource> {
  const files = (id: string): File[] => Array.from((document.getElementById(id) as HTMLInputElement).files ?? []);
  const bundle = files("pick-bundle");
  const named = (name: string) => bundle.find((f) => f.name === name);
  const planFile = named("plan.json");
  const runnerFile = named("run-plan.js");
  if (!planFile || !runnerFile) throw new Error("pick the folder `convspec compile SPEC --target wgsl -o DIR` wrote (it holds plan.json and run-plan.js)");
  const [weights] = files("pick-weights");
  if (!weights) throw new Error("pick the model's checkpoint (.safetensors)");
  const [inputs] = files("pick-inputs");
  const [expected] = files("pick-expected");
  const plan = JSON.parse(await planFile.text()) as WgslProgramPlan;
  return {
    label: `${plan.model} from the picked folder`,
    plan,
    runnerUrl: URL.createObjectURL(new Blob([await runnerFile.text()], { type: "text/javascript" })),
    checkpoint: await weights.arrayBuffer(),
    inputs: inputs ? (JSON.parse(await inputs.text()) as InputsJson) : undefined,
    expected: expected ? await expected.arrayBuffer() : undefined,
  };
}

async function gpuDevice(): Promise<{ adapter: GPUAdapter; device: GPUDevice }> {
  if (!navigator.gpu) throw new Error("this browser has no WebGPU (navigator.gpu is undefined)");
  const adapter = await navigator.gpu.requestAdapter();
  if (!adapter) throw new Error("no WebGPU adapter");
  const features = (["subgroups", "timestamp-query"] as GPUFeatureName[]).filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { adapter, device };
}

async function run(source: ModelSource, target: "wgsl" | "tfjs", kind: string): Promise<DemoResult> {
  const { adapter, device } = await gpuDevice();
  const expected = source.expected ? parseSafetensors(source.expected, "expected outputs") : undefined;
  const weights = weightsFor(source.plan, parseSafetensors(source.checkpoint, "checkpoint"));
  const json = source.inputs ?? defaultInputs(source.plan);
  const ids = json.input_ids;
  const inputs = {
    batch: ids.length,
    seqLen: ids[0].length,
    inputIds: Int32Array.from(ids.flat()),
    attentionMask: json.attention_mask ? Float32Array.from(json.attention_mask.flat()) : new Float32Array(ids.flat().length).fill(1),
    tokenTypeIds: json.token_type_ids ? Int32Array.from(json.token_type_ids.flat()) : new Int32Array(ids.flat().length),
  };
  // With expected outputs, compare those; else show the run contract's outputs.
  const wanted = (names: string[]) => names.filter((n) => (expected ? expected.has(n) : !n.startsWith("debug.")));
  let outputs: Record<string, Tensor>;
  let names: string[];
  if (target === "tfjs") {
    if (kind !== "golden") throw new Error("?target=tfjs runs the golden model only (its tfjs plan is built with the demo)");
    const path = (await import(/* @vite-ignore */ new URL("dist/tfjs.js", location.href).href)) as typeof TfjsPath;
    const plan = (await (await fetchOk("dist/tfjs-plan.json")).json()) as TfjsPlan;
    names = wanted(Object.keys(plan.outputs));
    outputs = await path.runOnTfjsWebGpu(device, adapter.info, plan, weights, inputs, names);
  } else {
    const runner = (await import(/* @vite-ignore */ source.runnerUrl)) as typeof Runner;
    names = wanted(Object.keys(source.plan.outputs));
    const ctx = runner.createGpuContext(device, weights);
    const planRunner = await runner.createPlanRunner(ctx, source.plan);
    outputs = await planRunner.run(inputs, names);
    planRunner.dispose();
    runner.disposeGpuContext(ctx);
  }
  device.destroy();

  const result: DemoResult = { adapter: `${adapter.info.vendor} ${adapter.info.architecture} ${adapter.info.description}`.trim(), target, source: kind, errors: {}, outputs: {} };
  const tbody = document.querySelector<HTMLTableSectionElement>("#results tbody")!;
  tbody.replaceChildren();
  for (const name of names) {
    const got = outputs[name];
    const want = expected?.get(name);
    const first = Array.from(got.data.slice(0, 3));
    result.outputs[name] = { shape: got.shape, first };
    const row = tbody.insertRow();
    let errorText = "(no expected outputs)";
    if (want) {
      result.errors[name] = got.data.reduce((m, v, i) => Math.max(m, Math.abs(v - want.data[i])), 0);
      errorText = result.errors[name].toExponential(2);
    }
    for (const text of [name, `[${got.shape.join(", ")}]`, first.map((v) => v.toFixed(5)).join(", "), errorText]) row.insertCell().textContent = text;
    if (want) row.cells[3].className = result.errors[name] <= 1e-3 ? "ok" : "bad";
  }
  document.getElementById("results")!.hidden = false;
  document.getElementById("model")!.textContent = `${source.label}; inputs B=${inputs.batch} L=${inputs.seqLen}${source.inputs ? "" : " (generated: no inputs.json given)"}`;
  return result;
}

function report(promise: Promise<DemoResult>): void {
  const status = document.getElementById("status")!;
  status.textContent = "running…";
  promise.then(
    (result) => {
      status.textContent = `done (${result.target}) on ${result.adapter || "WebGPU"}`;
      window.convspecResult = result;
    },
    (e: unknown) => {
      const message = String((e as Error)?.message ?? e);
      status.textContent = `error: ${message}`;
      window.convspecResult = { adapter: "", target: "", source: "", errors: {}, outputs: {}, error: message };
    },
  );
}

const params = new URLSearchParams(location.search);
const target = params.get("target") === "tfjs" ? "tfjs" : "wgsl";
report(servedSource(params).then((source) => run(source, target, params.has("user") || params.has("bundle") ? "served" : "golden")));
document.getElementById("pick")!.addEventListener("submit", (event) => {
  event.preventDefault();
  window.convspecResult = undefined;
  report(pickedSource().then((source) => run(source, "wgsl", "picked")));
});
