/**
 * Named device profiles for the roofline cost model: peak FLOP/s, memory
 * bandwidth, compute units, per-dispatch overhead and achieved fractions per
 * kernel class, each figure with its source (device-profiles.json, valid
 * against device-profiles.schema.json: the tests check it, so the CLI does
 * not pay for compiling the schema on every run). The JSON is imported, not
 * read from disk, so the browser bundle has it too.
 */
import Ajv2020 from "ajv/dist/2020.js";
import { didYouMean } from "../dsl/diagnostics.js";
import { UserError } from "../errors.js";
import PROFILES_JSON from "./device-profiles.json" with { type: "json" };
import PROFILES_SCHEMA from "./device-profiles.schema.json" with { type: "json" };

export const KERNEL_CLASSES = ["matmul", "attention", "conv", "elementwise"] as const;
export type KernelClass = (typeof KERNEL_CLASSES)[number];

export type Precision = "fp32" | "fp16" | "fp16Tensor";
export const PRECISIONS: readonly Precision[] = ["fp32", "fp16", "fp16Tensor"];

export interface Figure {
  value: number;
  source: string;
  url?: string;
}

export interface ClassEfficiency {
  /** Share of peak FLOP/s reached by a kernel of this class on a full device. */
  compute: number;
  /** Share of peak memory bandwidth. */
  memory: number;
}

export interface EfficiencySet {
  description: string;
  source: string;
  classes: Record<KernelClass, ClassEfficiency>;
}

export interface DeviceProfile {
  id: string;
  aliases?: string[];
  name: string;
  kind: "gpu" | "integrated-gpu" | "cpu";
  runtime: string;
  /** A key of the file's `efficiencies`. */
  efficiency: string;
  computeUnits: Figure;
  peakFlops: Partial<Record<Precision, Figure>> & { fp32: Figure };
  memoryBandwidth: Figure;
  memoryBytes?: Figure;
  dispatchOverhead: Figure;
}

export interface DeviceProfiles {
  efficiencies: Record<string, EfficiencySet>;
  devices: DeviceProfile[];
}

/** A profile with its efficiency set resolved: what the predictor takes. */
export interface Device extends DeviceProfile {
  classes: Record<KernelClass, ClassEfficiency>;
  efficiencySource: string;
}

/** The shipped profiles. */
export function deviceProfiles(): DeviceProfiles {
  return PROFILES_JSON as unknown as DeviceProfiles;
}

/** Schema violations and dangling references of a profiles document; empty when valid. */
export function profileProblems(value: unknown): string[] {
  const validate = new Ajv2020({ allErrors: true, strict: true }).compile(PROFILES_SCHEMA);
  if (!validate(value)) return (validate.errors ?? []).map((e) => `${e.instancePath || "/"} ${e.message ?? "is invalid"}`);
  const doc = value as unknown as DeviceProfiles;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const device of doc.devices) {
    if (!(device.efficiency in doc.efficiencies)) problems.push(`${device.id}: unknown efficiency set '${device.efficiency}'`);
    for (const name of [device.id, ...(device.aliases ?? [])]) {
      if (seen.has(name)) problems.push(`${device.id}: the name '${name}' is used twice`);
      seen.add(name);
    }
  }
  return problems;
}

export function deviceIds(): string[] {
  return deviceProfiles().devices.map((d) => d.id);
}

/** A device by id or alias (case-insensitive); an unknown name is the user's mistake. */
export function findDevice(name: string): Device {
  const { devices, efficiencies } = deviceProfiles();
  const key = name.trim().toLowerCase();
  const profile = devices.find((d) => d.id === key || (d.aliases ?? []).includes(key));
  if (!profile) {
    const names = devices.flatMap((d) => [d.id, ...(d.aliases ?? [])]);
    const close = didYouMean(key, names);
    throw new UserError(`unknown device '${name}'${close ? ` (did you mean '${close}'?)` : ""}; known devices: ${deviceIds().join(", ")}`);
  }
  const set = efficiencies[profile.efficiency];
  return { ...profile, classes: set.classes, efficiencySource: set.source };
}

/** Peak FLOP/s at a precision; a device without that figure cannot be predicted at it. */
export function peakFlops(device: DeviceProfile, precision: Precision): number {
  const figure = device.peakFlops[precision];
  if (!figure) throw new UserError(`device '${device.id}' has no ${precision} peak in device-profiles.json (it has ${Object.keys(device.peakFlops).join(", ")})`);
  return figure.value;
}
