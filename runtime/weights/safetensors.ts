/**
 * safetensors: an 8-byte little-endian header length, a JSON header
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`, then the
 * raw little-endian data (offsets relative to the end of the header).
 *
 * The file is read once into one buffer. Aligned F32 tensors become views of
 * that buffer (no copy); F16/BF16 are decoded once into new float32 arrays.
 * Every offset is checked before any view is made, so a damaged file is a
 * UserError naming the file and tensor, never an out-of-bounds read.
 */
import { readFileSync, openSync, writeSync, closeSync, renameSync, rmSync } from "node:fs";
import { basename } from "node:path";
import { UserError } from "../../compiler/errors.js";
import type { HostTensor } from "../executor.js";
import { bf16ToF32, f16ToF32 } from "./float-convert.js";

/** Float dtypes convspec reads (converted to float32). */
export type FloatDType = "F32" | "F16" | "BF16";
const FLOAT_BYTES: Record<FloatDType, number> = { F32: 4, F16: 2, BF16: 2 };
/** Valid safetensors dtypes convspec does not compute in (e.g. an I64 `position_ids` buffer): listed, not loaded. */
const OTHER_BYTES: Record<string, number> = {
  F64: 8, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};

export interface SafetensorsTensor extends HostTensor {
  /** dtype as stored in the file, before conversion to float32. */
  dtype: FloatDType;
}

export interface SafetensorsFile {
  path: string;
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsTensor>;
  /** Tensors of a valid but non-float dtype, kept by name so errors can say why they are unusable. */
  unsupported: Map<string, { dtype: string; shape: number[] }>;
}

/** Headers past this size are corrupt, not large models (real ones are well under 1 MB). */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export function readSafetensors(path: string): SafetensorsFile {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UserError(`cannot read safetensors file ${path}: ${(e as Error).message}`);
  }
  return parseSafetensors(bytes, path);
}

/** Parses an in-memory safetensors file; `path` only names it in errors. */
export function parseSafetensors(bytes: Uint8Array, path: string): SafetensorsFile {
  const fail = (what: string): never => {
    throw new UserError(`${path}: ${what}`);
  };
  if (bytes.byteLength < 8) fail(`truncated file: ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  const headerLength = Number(new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true));
  if (headerLength > bytes.byteLength - 8) {
    fail(`header length ${headerLength} runs past the end of the file (${bytes.byteLength} bytes): truncated or not safetensors`);
  }
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} is implausibly large`);
  const dataStart = 8 + headerLength;
  const dataLength = bytes.byteLength - dataStart;

  const { entries, metadata } = parseHeader(bytes.subarray(8, dataStart), fail);
  checkOffsets(entries, dataLength, fail);

  const tensors = new Map<string, SafetensorsTensor>();
  const unsupported = new Map<string, { dtype: string; shape: number[] }>();
  for (const entry of entries) {
    if (!(entry.dtype in FLOAT_BYTES)) {
      unsupported.set(entry.name, { dtype: entry.dtype, shape: entry.shape });
      continue;
    }
    const dtype = entry.dtype as FloatDType;
    const at = bytes.byteOffset + dataStart + entry.begin;
    const count = (entry.end - entry.begin) / FLOAT_BYTES[dtype];
    tensors.set(entry.name, { dtype, shape: entry.shape, data: decode(bytes, at, count, dtype) });
  }
  return { path, metadata, tensors, unsupported };
}

function decode(bytes: Uint8Array, at: number, count: number, dtype: FloatDType): Float32Array {
  const width = FLOAT_BYTES[dtype];
  // Typed-array views need aligned offsets; an unaligned tensor is copied once into aligned memory.
  const aligned = at % width === 0;
  const start = at - bytes.byteOffset;
  const buffer = aligned ? bytes.buffer : new Uint8Array(bytes.subarray(start, start + count * width)).buffer;
  const offset = aligned ? at : 0;
  if (dtype === "F32") return new Float32Array(buffer, offset, count);
  const words = new Uint16Array(buffer, offset, count);
  return dtype === "F16" ? f16ToF32(words) : bf16ToF32(words);
}

function parseHeader(
  raw: Uint8Array,
  fail: (what: string) => never,
): { entries: HeaderEntry[]; metadata: Record<string, string> } {
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(raw));
  } catch (e) {
    return fail(`malformed header JSON: ${(e as Error).message}`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("header JSON is not an object");
  const entries: HeaderEntry[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, value] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      metadata = parseMetadata(value, fail);
      continue;
    }
    entries.push(parseEntry(name, value, fail));
  }
  return { entries, metadata };
}

function parseMetadata(value: unknown, fail: (what: string) => never): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("__metadata__ is not an object");
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") fail(`__metadata__.${k} is not a string`);
  }
  return value as Record<string, string>;
}

function parseEntry(name: string, value: unknown, fail: (what: string) => never): HeaderEntry {
  const bad = (what: string): never => fail(`tensor '${name}': ${what}`);
  if (typeof value !== "object" || value === null) return bad("header entry is not an object");
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== "string") bad("missing dtype");
  if (!((dtype as string) in FLOAT_BYTES) && !((dtype as string) in OTHER_BYTES)) {
    bad(`unknown dtype '${String(dtype)}' (convspec reads F32, F16, BF16)`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    bad(`shape ${JSON.stringify(shape)} is not a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]
  ) {
    bad(`data_offsets ${JSON.stringify(offsets)} are not [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as number[];
  const shapeDims = shape as number[];
  const width = FLOAT_BYTES[dtype as FloatDType] ?? OTHER_BYTES[dtype as string];
  const expected = shapeDims.reduce((a, b) => a * b, 1) * width;
  if (end - begin !== expected) {
    bad(`data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} [${shapeDims.join(", ")}] needs ${expected}`);
  }
  return { name, dtype: dtype as string, shape: shapeDims, begin, end };
}

function checkOffsets(entries: HeaderEntry[], dataLength: number, fail: (what: string) => never): void {
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin);
  let previous: HeaderEntry | undefined;
  for (const entry of byBegin) {
    if (entry.end > dataLength) {
      fail(`tensor '${entry.name}': data_offsets [${entry.begin}, ${entry.end}] run past the end of the data (${dataLength} bytes): truncated file`);
    }
    if (previous && entry.begin < previous.end && entry.end > entry.begin) {
      fail(`tensor '${entry.name}': data_offsets [${entry.begin}, ${entry.end}] overlap tensor '${previous.name}' [${previous.begin}, ${previous.end}]`);
    }
    if (entry.end > entry.begin) previous = entry;
  }
}

/**
 * Writes float32 tensors as safetensors, atomically: to a temporary file in
 * the same folder, renamed over `path` only once complete.
 */
export function writeSafetensors(
  path: string,
  tensors: Record<string, HostTensor>,
  metadata?: Record<string, string>,
): void {
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const [name, tensor] of Object.entries(tensors)) {
    const count = tensor.shape.reduce((a, b) => a * b, 1);
    if (count !== tensor.data.length) {
      throw new Error(`writeSafetensors: '${name}' has shape [${tensor.shape}] but ${tensor.data.length} values`);
    }
    header[name] = { dtype: "F32", shape: tensor.shape, data_offsets: [offset, offset + count * 4] };
    offset += count * 4;
  }
  // Pad the header with spaces so the data starts 8-byte aligned, as the reference writer does.
  let json = JSON.stringify(header);
  json += " ".repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));

  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, prefix);
      writeSync(fd, json);
      for (const tensor of Object.values(tensors)) {
        writeSync(fd, new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    throw new UserError(`cannot write ${basename(path)} (${path}): ${(e as Error).message}`);
  }
}
