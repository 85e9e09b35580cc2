/**
 * safetensors files: reading (from a file, streamed tensor by tensor, or from
 * memory), the header alone (to size a run before loading it), sharded
 * Hugging Face checkpoints (`model.safetensors.index.json`), and writing.
 *
 * A file is read through one descriptor: the header first, then each float
 * tensor straight into its own float32 array (F16/BF16 decoded once), so no
 * single buffer holds the whole file and checkpoints over 2 GiB load. Every
 * offset is checked before anything is allocated, so a damaged file is a
 * UserError naming the file and tensor, never an out-of-bounds read.
 */
import { closeSync } from "node:fs";
import { basename } from "node:path";
import { UserError } from "../../compiler/errors.js";
import { escapeControl } from "../../compiler/io/preview.js";
import { FILE_KINDS, formatBytes, openRegularFile, readFully } from "../../compiler/io/read-file.js";
import { writeOutputFile, type OutputOptions } from "../../compiler/io/write-file.js";
import type { HostTensor } from "../executor.js";
import { bf16ToF32, f16ToF32 } from "./float-convert.js";
import {
  checkOffsets, FLOAT_BYTES, headerLength, isFloatDType, parseHeader, type Fail, type FloatDType, type HeaderEntry,
} from "./safetensors-header.js";
import { isShardIndex, readShardIndex } from "./sharded.js";

export type { FloatDType } from "./safetensors-header.js";

export interface SafetensorsTensor extends HostTensor {
  /** dtype as stored in the file, before conversion to float32. */
  dtype: FloatDType;
}

/** Names, dtypes and shapes of a checkpoint's tensors, without their data. */
export interface SafetensorsHeader {
  /** What the user named: a .safetensors file or a shard index. */
  path: string;
  /** Every file read: the path, and for a shard index each shard. */
  files: string[];
  metadata: Record<string, string>;
  tensors: Map<string, { dtype: FloatDType; shape: number[] }>;
  /** Tensors of a valid but non-float dtype, kept by name so errors can say why they are unusable. */
  unsupported: Map<string, { dtype: string; shape: number[] }>;
  /** Bytes the float tensors take once loaded as float32. */
  float32Bytes: number;
}

export interface SafetensorsFile {
  path: string;
  /** Every file read (see SafetensorsHeader.files); absent for an in-memory parse. */
  files?: string[];
  metadata: Record<string, string>;
  tensors: Map<string, SafetensorsTensor>;
  unsupported: Map<string, { dtype: string; shape: number[] }>;
}

/** JavaScript typed arrays hold at most 2^32 elements (V8, 64-bit). */
const MAX_TENSOR_ELEMENTS = 2 ** 32;

/** Reads a checkpoint: a .safetensors file or a `*.safetensors.index.json` with its shards. */
export function readSafetensors(path: string): SafetensorsFile {
  if (isShardIndex(path)) {
    const index = readShardIndex(path);
    const parts = index.shards.map((shard) => ({ shard, file: readOne(shard.path) }));
    return { ...index.merge(parts.map(({ shard, file }) => ({ shard, tensors: file.tensors, unsupported: file.unsupported }))), files: index.files };
  }
  return readOne(path);
}

/** The header(s) of a checkpoint, without reading any tensor data. */
export function readSafetensorsHeader(path: string): SafetensorsHeader {
  if (isShardIndex(path)) {
    const index = readShardIndex(path);
    const parts = index.shards.map((shard) => ({ shard, header: headerOfOne(shard.path) }));
    const merged = index.merge(parts.map(({ shard, header }) => ({ shard, tensors: header.tensors, unsupported: header.unsupported })));
    return { ...merged, files: index.files, float32Bytes: parts.reduce((sum, p) => sum + p.header.float32Bytes, 0) };
  }
  return headerOfOne(path);
}

interface OpenedFile {
  fd: number;
  dataStart: number;
  entries: HeaderEntry[];
  metadata: Record<string, string>;
  fail: Fail;
}

/** Opens a regular file, reads and checks its header; the caller closes `fd`. */
function openSafetensors(path: string): OpenedFile {
  const { fd, size } = openRegularFile(path, FILE_KINDS.weights);
  const fail: Fail = (what) => {
    throw new UserError(`${path}: ${what}`);
  };
  try {
    const first8 = new Uint8Array(Math.min(8, size));
    readFully(fd, first8, 0);
    const length = headerLength(first8, size, fail);
    const raw = new Uint8Array(length);
    if (readFully(fd, raw, 8) < length) fail("the file shrank while it was read");
    const { entries, metadata } = parseHeader(raw, fail);
    const dataStart = 8 + length;
    checkOffsets(entries, size - dataStart, fail);
    return { fd, dataStart, entries, metadata, fail };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

function headerOfOne(path: string): SafetensorsHeader {
  const { fd, entries, metadata } = openSafetensors(path);
  closeSync(fd);
  const tensors = new Map<string, { dtype: FloatDType; shape: number[] }>();
  const unsupported = new Map<string, { dtype: string; shape: number[] }>();
  let float32Bytes = 0;
  for (const entry of entries) {
    if (!isFloatDType(entry.dtype)) {
      unsupported.set(entry.name, { dtype: entry.dtype, shape: entry.shape });
      continue;
    }
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape });
    float32Bytes += ((entry.end - entry.begin) / FLOAT_BYTES[entry.dtype]) * 4;
  }
  return { path, files: [path], metadata, tensors, unsupported, float32Bytes };
}

function readOne(path: string): SafetensorsFile {
  const { fd, dataStart, entries, metadata, fail } = openSafetensors(path);
  try {
    const tensors = new Map<string, SafetensorsTensor>();
    const unsupported = new Map<string, { dtype: string; shape: number[] }>();
    for (const entry of entries) {
      if (!isFloatDType(entry.dtype)) unsupported.set(entry.name, { dtype: entry.dtype, shape: entry.shape });
      else tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data: readTensor(fd, dataStart, entry, entry.dtype, fail) });
    }
    return { path, files: [path], metadata, tensors, unsupported };
  } finally {
    closeSync(fd);
  }
}

/** One tensor's bytes, read into an array of its own and converted to float32. */
function readTensor(fd: number, dataStart: number, entry: HeaderEntry, dtype: FloatDType, fail: Fail): Float32Array {
  const name = escapeControl(entry.name);
  const count = (entry.end - entry.begin) / FLOAT_BYTES[dtype];
  if (count > MAX_TENSOR_ELEMENTS) fail(`tensor '${name}' has ${count} elements, more than a JavaScript typed array holds (2^32)`);
  let raw: Float32Array | Uint16Array;
  try {
    raw = dtype === "F32" ? new Float32Array(count) : new Uint16Array(count);
  } catch {
    return fail(`tensor '${name}': cannot allocate ${formatBytes(count * 4)} for it`);
  }
  const bytes = new Uint8Array(raw.buffer, raw.byteOffset, raw.byteLength);
  if (readFully(fd, bytes, dataStart + entry.begin) < bytes.byteLength) fail(`tensor '${name}': the file shrank while it was read`);
  if (raw instanceof Float32Array) return raw;
  return dtype === "F16" ? f16ToF32(raw) : bf16ToF32(raw);
}

/** Parses an in-memory safetensors file; `path` only names it in errors. Aligned F32 tensors are views of `bytes` (no copy). */
export function parseSafetensors(bytes: Uint8Array, path: string): SafetensorsFile {
  const fail: Fail = (what) => {
    throw new UserError(`${path}: ${what}`);
  };
  const length = headerLength(bytes.subarray(0, 8), bytes.byteLength, fail);
  const dataStart = 8 + length;
  const { entries, metadata } = parseHeader(bytes.subarray(8, dataStart), fail);
  checkOffsets(entries, bytes.byteLength - dataStart, fail);

  const tensors = new Map<string, SafetensorsTensor>();
  const unsupported = new Map<string, { dtype: string; shape: number[] }>();
  for (const entry of entries) {
    if (!isFloatDType(entry.dtype)) {
      unsupported.set(entry.name, { dtype: entry.dtype, shape: entry.shape });
      continue;
    }
    const at = bytes.byteOffset + dataStart + entry.begin;
    const count = (entry.end - entry.begin) / FLOAT_BYTES[entry.dtype];
    tensors.set(entry.name, { dtype: entry.dtype, shape: entry.shape, data: decode(bytes, at, count, entry.dtype) });
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

/**
 * Writes float32 tensors as safetensors: the header, then each tensor's bytes
 * streamed (no buffer of the whole file, so outputs may exceed 2 GiB), through
 * `writeOutputFile` (a regular file atomically, /dev/null or a FIFO in place).
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, HostTensor>,
  metadata?: Record<string, string>,
  options: OutputOptions = {},
): Promise<void> {
  // Null prototype: an output named "__proto__" must be a key like any other.
  const header = Object.create(null) as Record<string, unknown>;
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

  await writeOutputFile(
    path,
    async (sink) => {
      await sink.write(prefix);
      await sink.write(json);
      for (const tensor of Object.values(tensors)) {
        await sink.write(new Uint8Array(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
      }
    },
    { label: options.label ?? `${basename(path)} (${path})`, inputs: options.inputs },
  );
}
