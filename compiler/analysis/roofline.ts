/**
 * Roofline latency prediction over a list of kernels (kernels.ts) on a
 * device profile (devices.ts). Per kernel:
 *
 *   fill    = w / (ceil(w / units) · units)        (w workgroups; 1 when unknown)
 *   compute = flops / (peak · achieved.compute · fill)
 *   memory  = bytes / (bandwidth · achieved.memory · fill)
 *   time    = dispatchOverhead + max(compute, memory)
 *
 * and the model's latency is the sum over kernels (dispatches run one after
 * another). Assumptions and sources: docs/analysis.md.
 */
import type { Part } from "../ir/types.js";
import { KERNEL_CLASSES, peakFlops, type Device, type KernelClass, type Precision } from "./devices.js";
import type { Kernel } from "./kernels.js";

export interface KernelTime {
  kernel: Kernel;
  seconds: number;
  computeSeconds: number;
  memorySeconds: number;
  overheadSeconds: number;
  bound: "compute" | "memory" | "overhead";
  /** Share of the device's compute units busy, averaged over waves (1 when workgroups are unknown). */
  fill: number;
}

export interface LatencyPrediction {
  device: string;
  precision: Precision;
  seconds: number;
  dispatches: number;
  flops: number;
  bytes: number;
  byClass: Record<KernelClass, number>;
  byPart: Partial<Record<Part, number>>;
  /** Seconds spent in dispatch overhead alone. */
  overheadSeconds: number;
  kernels: KernelTime[];
}

export function predictKernel(kernel: Kernel, device: Device, precision: Precision = "fp32"): KernelTime {
  const units = device.computeUnits.value;
  const fill = kernel.workgroups === undefined || kernel.workgroups === 0 ? 1 : kernel.workgroups / (Math.ceil(kernel.workgroups / units) * units);
  const efficiency = device.classes[kernel.class];
  const computeSeconds = kernel.flops / (peakFlops(device, precision) * efficiency.compute * fill);
  const memorySeconds = kernel.bytes / (device.memoryBandwidth.value * efficiency.memory * fill);
  const overheadSeconds = device.dispatchOverhead.value;
  const work = Math.max(computeSeconds, memorySeconds);
  const bound = overheadSeconds > work ? "overhead" : computeSeconds >= memorySeconds ? "compute" : "memory";
  return { kernel, seconds: overheadSeconds + work, computeSeconds, memorySeconds, overheadSeconds, bound, fill };
}

export function predictLatency(kernels: readonly Kernel[], device: Device, precision: Precision = "fp32"): LatencyPrediction {
  const times = kernels.map((k) => predictKernel(k, device, precision));
  const byClass = Object.fromEntries(KERNEL_CLASSES.map((c) => [c, 0])) as Record<KernelClass, number>;
  const byPart: Partial<Record<Part, number>> = {};
  for (const t of times) {
    byClass[t.kernel.class] += t.seconds;
    byPart[t.kernel.part] = (byPart[t.kernel.part] ?? 0) + t.seconds;
  }
  return {
    device: device.id,
    precision,
    seconds: times.reduce((s, t) => s + t.seconds, 0),
    dispatches: times.length,
    flops: kernels.reduce((s, k) => s + k.flops, 0),
    bytes: kernels.reduce((s, k) => s + k.bytes, 0),
    byClass,
    byPart,
    overheadSeconds: times.reduce((s, t) => s + t.overheadSeconds, 0),
    kernels: times,
  };
}
