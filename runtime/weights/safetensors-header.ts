/**
 * The safetensors header: an 8-byte little-endian length, then JSON
 * `{name: {dtype, shape, data_offsets: [begin, end]}, __metadata__?}`; the
 * data follows, offsets relative to its start. Every entry and offset is
 * checked here, before anything reads or allocates for a tensor.
 */
import { escapeControl, previewJson } from "../../compiler/io/preview.js";

/** Float dtypes convspec reads (converted to float32). */
export type FloatDType = "F32" | "F16" | "BF16";
export const FLOAT_BYTES: Record<FloatDType, number> = { F32: 4, F16: 2, BF16: 2 };
/** Valid safetensors dtypes convspec does not compute in (e.g. an I64 `position_ids` buffer): listed, not loaded. */
const OTHER_BYTES: Record<string, number> = {
  F64: 8, I64: 8, U64: 8, I32: 4, U32: 4, I16: 2, U16: 2, I8: 1, U8: 1, BOOL: 1,
  F8_E4M3: 1, F8_E5M2: 1,
};

/** Headers past this size are corrupt, not large models (real ones are well under 1 MB). */
export const MAX_HEADER_BYTES = 100 * 1024 * 1024;

export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export type Fail = (what: string) => never;

export function isFloatDType(dtype: string): dtype is FloatDType {
  return Object.hasOwn(FLOAT_BYTES, dtype);
}

/** The header length from the first 8 bytes, checked against the file size. */
export function headerLength(first8: Uint8Array, fileBytes: number, fail: Fail): number {
  if (fileBytes < 8) fail(`truncated file: ${fileBytes} bytes, shorter than the 8-byte header length`);
  const length = Number(new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true));
  if (length > fileBytes - 8) {
    fail(`header length ${length} runs past the end of the file (${fileBytes} bytes): truncated or not safetensors`);
  }
  if (length > MAX_HEADER_BYTES) fail(`header length ${length} is implausibly large`);
  return length;
}

export function parseHeader(raw: Uint8Array, fail: Fail): { entries: HeaderEntry[]; metadata: Record<string, string> } {
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

function parseMetadata(value: unknown, fail: Fail): Record<string, string> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail("__metadata__ is not an object");
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (typeof v !== "string") fail(`__metadata__.${escapeControl(k)} is not a string`);
  }
  return value as Record<string, string>;
}

function parseEntry(name: string, value: unknown, fail: Fail): HeaderEntry {
  const bad = (what: string): never => fail(`tensor '${escapeControl(name)}': ${what}`);
  if (typeof value !== "object" || value === null) return bad("header entry is not an object");
  const { dtype, shape, data_offsets: offsets } = value as Record<string, unknown>;
  if (typeof dtype !== "string") bad("missing dtype");
  if (!isFloatDType(dtype as string) && !Object.hasOwn(OTHER_BYTES, dtype as string)) {
    bad(`unknown dtype '${escapeControl((dtype as string).slice(0, 40))}' (convspec reads F32, F16, BF16)`);
  }
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    bad(`shape ${previewJson(shape)} is not a list of non-negative integers`);
  }
  if (
    !Array.isArray(offsets) || offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) || offsets[0] > offsets[1]
  ) {
    bad(`data_offsets ${previewJson(offsets)} are not [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = offsets as number[];
  const shapeDims = shape as number[];
  const width = isFloatDType(dtype as string) ? FLOAT_BYTES[dtype as FloatDType] : OTHER_BYTES[dtype as string];
  const expected = shapeDims.reduce((a, b) => a * b, 1) * width;
  if (end - begin !== expected) {
    bad(`data_offsets [${begin}, ${end}] span ${end - begin} bytes but ${dtype} [${shapeDims.join(", ")}] needs ${expected}`);
  }
  return { name, dtype: dtype as string, shape: shapeDims, begin, end };
}

export function checkOffsets(entries: readonly HeaderEntry[], dataLength: number, fail: Fail): void {
  const byBegin = [...entries].sort((a, b) => a.begin - b.begin);
  let previous: HeaderEntry | undefined;
  for (const entry of byBegin) {
    if (entry.end > dataLength) {
      fail(`tensor '${escapeControl(entry.name)}': data_offsets [${entry.begin}, ${entry.end}] run past the end of the data (${dataLength} bytes): truncated file`);
    }
    if (previous && entry.begin < previous.end && entry.end > entry.begin) {
      fail(`tensor '${escapeControl(entry.name)}': data_offsets [${entry.begin}, ${entry.end}] overlap tensor '${escapeControl(previous.name)}' [${previous.begin}, ${previous.end}]`);
    }
    if (entry.end > entry.begin) previous = entry;
  }
}
