/**
 * Runs a `WgslProgramPlan` on a GPUDevice. Deliberately self-contained (type
 * imports only): a compiled bundle ships this file, transpiled, as
 * `run-plan.js`, so a browser page needs nothing from convspec.
 *
 * Weights are uploaded once per context (shared by every plan compiled for
 * other output sets); slots grow when B or L outgrow them; each forward is one
 * command encoder with one compute pass; only requested outputs are copied back.
 */
import type { PlanDispatch, SizeExpr, WeightBuffer, WgslProgramPlan } from "../../compiler/backends/wgsl/index.js";

export interface PlanInputs {
  batch: number;
  seqLen: number;
  inputIds: Int32Array;
  attentionMask: Float32Array;
  tokenTypeIds: Int32Array;
}

export interface PlanTensor {
  shape: number[];
  data: Float32Array;
}

/** Checkpoint tensors by IR key. */
export type WeightSource = ReadonlyMap<string, { shape?: readonly number[]; data: Float32Array }>;

/** Why a plan cannot run: the caller turns these into user-facing errors. */
export class PlanError extends Error {
  constructor(
    readonly reason: "compile" | "limit" | "weights" | "inputs",
    message: string,
  ) {
    super(message);
    this.name = "PlanError";
  }
}

/** Device state shared by every plan of one model: weights and pipelines. */
export interface GpuContext {
  device: GPUDevice;
  weights: WeightSource;
  /** Created and destroyed GPUBuffer counts: allocations must balance. */
  stats: { created: number; destroyed: number };
  weightBuffers: Map<string, GPUBuffer>;
  pipelines: Map<string, GPUComputePipeline>;
}

export function createGpuContext(device: GPUDevice, weights: WeightSource): GpuContext {
  return { device, weights, stats: { created: 0, destroyed: 0 }, weightBuffers: new Map(), pipelines: new Map() };
}

export function disposeGpuContext(ctx: GpuContext): void {
  for (const b of ctx.weightBuffers.values()) destroy(ctx, b);
  ctx.weightBuffers.clear();
  ctx.pipelines.clear();
}

const evalSize = (e: SizeExpr, B: number, L: number) => e.coef * (e.perB ? B : 1) * (e.perL ? L : 1);
// Round every buffer to 16 bytes so vec4 bindings see whole elements.
const padded = (bytes: number) => Math.max(16, Math.ceil(bytes / 16) * 16);

function createBuffer(ctx: GpuContext, label: string, bytes: number, usage: number, mapped = false): GPUBuffer {
  ctx.stats.created++;
  return ctx.device.createBuffer({ label, size: padded(bytes), usage, mappedAtCreation: mapped });
}

function destroy(ctx: GpuContext, buffer: GPUBuffer): void {
  ctx.stats.destroyed++;
  buffer.destroy();
}

function weightBuffer(ctx: GpuContext, spec: WeightBuffer): GPUBuffer {
  const cached = ctx.weightBuffers.get(spec.name);
  if (cached) return cached;
  const limit = ctx.device.limits.maxStorageBufferBindingSize;
  if (spec.elements * 4 > limit) throw new PlanError("limit", `weight '${spec.name}' needs ${spec.elements * 4} bytes; the adapter binds at most ${limit}`);
  const host = new Float32Array(spec.elements);
  for (const piece of spec.pieces) {
    const tensor = ctx.weights.get(piece.param);
    if (!tensor) throw new PlanError("weights", `missing weight '${piece.param}'`);
    const t = piece.transpose;
    const expected = t ? t.rows * t.cols : Math.min(tensor.data.length, spec.elements - piece.dstOffset);
    if (tensor.data.length !== expected || (!t && piece.dstOffset + tensor.data.length > spec.elements)) {
      throw new PlanError("weights", `weight '${piece.param}' has ${tensor.data.length} elements (shape [${tensor.shape?.join(", ") ?? "?"}]); expected ${t ? `[${t.rows}, ${t.cols}]` : expected}`);
    }
    if (!t) {
      host.set(tensor.data, piece.dstOffset);
      continue;
    }
    for (let j = 0; j < t.rows; j++) for (let i = 0; i < t.cols; i++) host[piece.dstOffset + i * t.dstRowStride + j] = tensor.data[j * t.cols + i];
  }
  // COPY_SRC: an output may be a view of a weight (the position rows of an unfused graph).
  const buffer = createBuffer(ctx, spec.name, spec.elements * 4, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC, true);
  new Float32Array(buffer.getMappedRange()).set(host);
  buffer.unmap();
  ctx.weightBuffers.set(spec.name, buffer);
  return buffer;
}

/** Compiles (or reuses) every kernel of `plan`, checking it against the device's features and limits. */
async function pipelinesFor(ctx: GpuContext, plan: WgslProgramPlan): Promise<void> {
  const limits = ctx.device.limits;
  const missing = (plan.features ?? []).filter((f) => !ctx.device.features.has(f));
  if (missing.length > 0) throw new PlanError("limit", `the plan was compiled for adapter feature(s) ${missing.join(", ")}, which this device lacks; compile it for this adapter`);
  const subgroupMin = (ctx.device as GPUDevice & { adapterInfo?: GPUAdapterInfo }).adapterInfo?.subgroupMinSize;
  for (const k of plan.kernels) {
    if (ctx.pipelines.has(k.name)) continue;
    const [x, y, z] = k.workgroupSize;
    if (k.minSubgroupSize && subgroupMin !== undefined && subgroupMin < k.minSubgroupSize) {
      throw new PlanError("limit", `kernel '${k.name}' needs subgroups of at least ${k.minSubgroupSize} invocations; this adapter's can be ${subgroupMin}`);
    }
    const checks: [string, number, number][] = [
      ["storage buffers per shader stage", k.storageBindings, limits.maxStorageBuffersPerShaderStage],
      ["workgroup storage bytes", k.workgroupStorageBytes, limits.maxComputeWorkgroupStorageSize],
      ["invocations per workgroup", x * y * z, limits.maxComputeInvocationsPerWorkgroup],
    ];
    for (const [what, need, limit] of checks) {
      if (need > limit) throw new PlanError("limit", `kernel '${k.name}' needs ${need} ${what}; this adapter allows ${limit}`);
    }
    ctx.device.pushErrorScope("validation");
    const module = ctx.device.createShaderModule({ label: k.name, code: k.code });
    const info = await module.getCompilationInfo();
    const errors = info.messages.filter((m) => m.type === "error");
    if (errors.length > 0) {
      await ctx.device.popErrorScope();
      throw new PlanError("compile", `kernel '${k.name}' failed to compile:\n${errors.map((m) => `  ${m.lineNum}:${m.linePos}: ${m.message}`).join("\n")}`);
    }
    const pipeline = ctx.device.createComputePipeline({ label: k.name, layout: "auto", compute: { module, entryPoint: "main" } });
    const error = await ctx.device.popErrorScope();
    if (error) throw new PlanError("compile", `kernel '${k.name}': ${error.message}`);
    ctx.pipelines.set(k.name, pipeline);
  }
}

export interface PlanRunner {
  run(inputs: PlanInputs, outputs: readonly string[]): Promise<Record<string, PlanTensor>>;
  dispose(): void;
}

export async function createPlanRunner(ctx: GpuContext, plan: WgslProgramPlan): Promise<PlanRunner> {
  const { device } = ctx;
  await pipelinesFor(ctx, plan);
  const weightRefs = new Map(plan.weights.map((w) => [w.name, weightBuffer(ctx, w)]));
  const uniformBuffers = plan.dispatches.map((d, i) => createBuffer(ctx, `uniforms ${i} ${d.kernel}`, 4 * d.uniforms.length, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST));
  let slots: GPUBuffer[] = [];
  let slotBytes: number[] = [];
  let inputs: Record<string, GPUBuffer> = {};
  let inputCapacity = 0;
  let bindGroups: GPUBindGroup[] | null = null;
  let shapeKey = "";

  const bufferOf = (ref: PlanDispatch["bindings"][number]): GPUBuffer =>
    ref.kind === "slot" ? slots[ref.index] : ref.kind === "weight" ? weightRefs.get(ref.name)! : inputs[ref.name];

  /** Grows slots and input buffers to fit (B, L); bind groups are rebuilt when any buffer changes. */
  function ensureCapacity(B: number, L: number): void {
    plan.slots.forEach((slot, i) => {
      const bytes = 4 * Math.max(...slot.sizes.map((s) => evalSize(s, B, L)));
      if (slots[i] && slotBytes[i] >= bytes) return;
      if (bytes > device.limits.maxStorageBufferBindingSize) {
        throw new PlanError("limit", `an intermediate tensor needs ${bytes} bytes at B=${B}, L=${L}; the adapter binds at most ${device.limits.maxStorageBufferBindingSize} (use a smaller batch or sequence)`);
      }
      if (slots[i]) destroy(ctx, slots[i]);
      slots[i] = createBuffer(ctx, `slot ${i}`, bytes, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC);
      slotBytes[i] = bytes;
      bindGroups = null;
    });
    if (B * L > inputCapacity) {
      for (const b of Object.values(inputs)) destroy(ctx, b);
      inputs = Object.fromEntries(["input_ids", "attention_mask", "token_type_ids"].map((n) => [n, createBuffer(ctx, n, 4 * B * L, GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST)]));
      inputCapacity = B * L;
      bindGroups = null;
    }
    bindGroups ??= plan.dispatches.map((d, i) =>
      device.createBindGroup({
        layout: ctx.pipelines.get(d.kernel)!.getBindGroupLayout(0),
        entries: [{ binding: 0, resource: { buffer: uniformBuffers[i] } }, ...d.bindings.map((ref, j) => ({ binding: j + 1, resource: { buffer: bufferOf(ref) } }))],
      }),
    );
  }

  async function run(x: PlanInputs, names: readonly string[]): Promise<Record<string, PlanTensor>> {
    const { batch: B, seqLen: L } = x;
    for (const n of names) if (!plan.outputs[n]) throw new PlanError("inputs", `output '${n}' was not compiled into this plan`);
    ensureCapacity(B, L);
    if (shapeKey !== `${B}x${L}`) {
      plan.dispatches.forEach((d, i) => device.queue.writeBuffer(uniformBuffers[i], 0, new Uint32Array(d.uniforms.map((e) => evalSize(e, B, L)))));
      shapeKey = `${B}x${L}`;
    }
    const upload = (buffer: GPUBuffer, a: Int32Array | Float32Array) => device.queue.writeBuffer(buffer, 0, a.buffer as ArrayBuffer, a.byteOffset, a.byteLength);
    upload(inputs.input_ids, x.inputIds);
    upload(inputs.token_type_ids, x.tokenTypeIds);
    upload(inputs.attention_mask, x.attentionMask);

    const encoder = device.createCommandEncoder({ label: plan.model });
    const pass = encoder.beginComputePass();
    const maxGroups = device.limits.maxComputeWorkgroupsPerDimension;
    plan.dispatches.forEach((d, i) => {
      const grid = d.grid.map((g) => Math.ceil(evalSize(g.size, B, L) / g.divisor));
      if (grid.some((n) => n > maxGroups)) throw new PlanError("limit", `dispatch of '${d.kernel}' needs a ${grid.join("x")} grid; the adapter allows ${maxGroups} per dimension`);
      if (grid.some((n) => n === 0)) return;
      pass.setPipeline(ctx.pipelines.get(d.kernel)!);
      pass.setBindGroup(0, bindGroups![i]);
      pass.dispatchWorkgroups(grid[0], grid[1], grid[2]);
    });
    pass.end();

    const reads = names.map((name) => {
      const o = plan.outputs[name];
      const rows = evalSize(o.rows, B, L);
      const stride = evalSize(o.rowStride, B, L);
      const span = rows === 0 ? 0 : (rows - 1) * stride + o.cols;
      const staging = createBuffer(ctx, `read ${name}`, 4 * span, GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST);
      if (span > 0) encoder.copyBufferToBuffer(bufferOf(o.buffer), 4 * o.offset, staging, 0, 4 * span);
      return { name, o, rows, stride, span, staging };
    });
    device.queue.submit([encoder.finish()]);

    const result: Record<string, PlanTensor> = {};
    await Promise.all(reads.map((r) => r.staging.mapAsync(GPUMapMode.READ)));
    for (const { name, o, rows, stride, span, staging } of reads) {
      const raw = new Float32Array(staging.getMappedRange(0, padded(4 * span)));
      const data = new Float32Array(rows * o.cols);
      for (let r = 0; r < rows; r++) data.set(raw.subarray(r * stride, r * stride + o.cols), r * o.cols);
      staging.unmap();
      destroy(ctx, staging);
      result[name] = { shape: o.shape.map((d) => (d === "B" ? B : d === "L" ? L : d)), data };
    }
    return result;
  }

  return {
    run,
    dispose() {
      for (const b of [...uniformBuffers, ...slots, ...Object.values(inputs)]) destroy(ctx, b);
      slots = [];
      inputs = {};
      uniformBuffers.length = 0;
      bindGroups = null;
    },
  };
}
