/**
 * Checkpoints and outputs past 2 GiB (streamed, never one buffer; tested with
 * sparse files and zero pages, so nothing multi-GB is written or touched),
 * and sharded Hugging Face checkpoints (model.safetensors.index.json).
 */
import { closeSync, copyFileSync, openSync, readFileSync, truncateSync, writeFileSync, writeSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { readSafetensors, readSafetensorsHeader, writeSafetensors } from "../../runtime/weights/index.js";
import { goldenDir } from "../frontend/helpers.js";
import { checkedOutputs, loadGoldenCase, maxAbsDiff } from "../helpers/golden.js";
import { cli, countFifoBytes, makeFifo, tempDir, withFifoHeld } from "../io/helpers.js";

const GiB = 2 ** 30;
const golden = loadGoldenCase("tiny-mixed");

interface Entry {
  dtype: string;
  shape: number[];
  data_offsets: [number, number];
}

/** The golden checkpoint's header and data section. */
function goldenParts(): { header: Record<string, Entry>; data: Buffer } {
  const bytes = readFileSync(golden.modelPath);
  const length = Number(bytes.readBigUInt64LE(0));
  const header = JSON.parse(bytes.subarray(8, 8 + length).toString()) as Record<string, Entry>;
  delete header.__metadata__;
  return { header, data: bytes.subarray(8 + length) };
}

/**
 * Writes a safetensors file whose data starts with `gapBytes` of a U8 tensor
 * (not loaded: convspec lists non-float tensors), left sparse, then `tensors`.
 */
function sparseCheckpoint(path: string, gapBytes: number, tensors: Record<string, Entry>, data: Buffer): void {
  const header: Record<string, Entry> = { padding: { dtype: "U8", shape: [gapBytes], data_offsets: [0, gapBytes] } };
  for (const [name, e] of Object.entries(tensors)) header[name] = { ...e, data_offsets: [e.data_offsets[0] + gapBytes, e.data_offsets[1] + gapBytes] };
  const json = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.alloc(8);
  prefix.writeBigUInt64LE(BigInt(json.length));
  const fd = openSync(path, "w");
  try {
    writeSync(fd, prefix, 0, 8, 0);
    writeSync(fd, json, 0, json.length, 8);
    writeSync(fd, data, 0, data.length, 8 + json.length + gapBytes);
  } finally {
    closeSync(fd);
  }
}

describe("checkpoints over 2 GiB", () => {
  it("reads tensors stored past the first 2 GiB and 4 GiB of a file (sparse, nothing loaded for the gap)", () => {
    const path = join(tempDir(), "big.safetensors");
    const values = Float32Array.from([1.5, -2, 3.25, 1e-7]);
    const tensors = { late: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] as [number, number] } };
    sparseCheckpoint(path, 4 * GiB + 12, tensors, Buffer.from(values.buffer));
    const header = readSafetensorsHeader(path);
    expect(header.tensors.get("late")).toEqual({ dtype: "F32", shape: [2, 2] });
    expect(header.unsupported.get("padding")).toEqual({ dtype: "U8", shape: [4 * GiB + 12] });
    expect(header.float32Bytes).toBe(16);
    const file = readSafetensors(path);
    expect([...file.tensors.get("late")!.data]).toEqual([...values]);
  });

  it("runs a golden case from a 2.1 GiB checkpoint and matches the reference within 1e-4", async () => {
    const dir = tempDir();
    const path = join(dir, "model.safetensors");
    const { header, data } = goldenParts();
    sparseCheckpoint(path, 2 * GiB + 100 * 2 ** 20 + 4, header, data);
    const out = join(dir, "out.safetensors");
    const r = await cli("run", golden.configPath, "--weights", path, "--inputs", golden.inputsPath, "--output", out, "--backend", "cpu");
    expect(r.stderr.split("\n")[0]).toBe(`convspec run: model 'tiny-mixed' on tfjs backend cpu; checkpoint ${path}; inputs B=2 L=16`);
    expect(r.stderr).not.toMatch(/warning|error/);
    expect(r.code).toBe(0);
    const written = readSafetensors(out);
    for (const name of checkedOutputs(golden)) expect(maxAbsDiff(written.tensors.get(name)!, golden.expected.get(name)!), name).toBeLessThanOrEqual(1e-4);
  });

  it("refuses, before allocating, a tensor larger than a typed array can hold", () => {
    const path = join(tempDir(), "huge.safetensors");
    const elements = 2 ** 32 + 2;
    const json = Buffer.from(JSON.stringify({ huge: { dtype: "F32", shape: [elements], data_offsets: [0, elements * 4] } }));
    const fd = openSync(path, "w");
    const prefix = Buffer.alloc(8);
    prefix.writeBigUInt64LE(BigInt(json.length));
    writeSync(fd, prefix, 0, 8, 0);
    writeSync(fd, json, 0, json.length, 8);
    closeSync(fd);
    truncateSync(path, 8 + json.length + elements * 4); // sparse: 16 GiB that take no disk
    expect(readSafetensorsHeader(path).float32Bytes).toBe(elements * 4);
    expect(() => readSafetensors(path)).toThrow(UserError);
    expect(() => readSafetensors(path)).toThrow(`${path}: tensor 'huge' has ${elements} elements, more than a JavaScript typed array holds (2^32)`);
  });
});

describe("outputs over 2 GiB", () => {
  it("streams a 2 GiB+ tensor to a FIFO: every byte arrives (no 'length out of range')", async () => {
    const fifo = join(tempDir(), "out.pipe");
    makeFifo(fifo);
    const count = 2 ** 29 + 2 ** 20; // 2 GiB + 4 MiB of float32 zeros: fresh zero pages, never touched
    const tensor = { shape: [count], data: new Float32Array(count) };
    const received = countFifoBytes(fifo);
    await withFifoHeld(fifo, () => writeSafetensors(fifo, { big: tensor }));
    const headerJson = JSON.stringify({ big: { dtype: "F32", shape: [count], data_offsets: [0, count * 4] } });
    const padded = headerJson.length + ((8 - ((8 + headerJson.length) % 8)) % 8);
    expect(await received).toBe(8 + padded + count * 4);
  }, 120_000);
});

describe("sharded checkpoints (model.safetensors.index.json)", () => {
  /** Splits the golden checkpoint into two shards plus an index; returns the index path. */
  async function shard(dir: string, editIndex: (index: { weight_map: Record<string, string> }) => void = () => undefined): Promise<string> {
    const { header, data } = goldenParts();
    const names = Object.keys(header);
    const halves = [names.slice(0, names.length / 2), names.slice(names.length / 2)];
    const index = { metadata: { total_size: data.length }, weight_map: {} as Record<string, string> };
    const writes = halves.map((part, i) => {
      const file = `model-0000${i + 1}-of-00002.safetensors`;
      const tensors: Record<string, { shape: number[]; data: Float32Array }> = {};
      for (const name of part) {
        const e = header[name];
        expect(e.dtype).toBe("F32");
        tensors[name] = { shape: e.shape, data: new Float32Array(data.buffer.slice(data.byteOffset + e.data_offsets[0], data.byteOffset + e.data_offsets[1])) };
        index.weight_map[name] = file;
      }
      return writeSafetensors(join(dir, file), tensors);
    });
    await Promise.all(writes);
    editIndex(index);
    const path = join(dir, "model.safetensors.index.json");
    writeFileSync(path, JSON.stringify(index));
    return path;
  }

  it("runs a golden case from a two-shard checkpoint within 1e-4", async () => {
    const dir = tempDir();
    const index = await shard(dir);
    const out = join(dir, "out.safetensors");
    const r = await cli("run", golden.configPath, "--weights", index, "--inputs", golden.inputsPath, "--output", out, "--backend", "cpu");
    expect(r.stderr.split("\n")[0]).toBe(`convspec run: model 'tiny-mixed' on tfjs backend cpu; checkpoint ${index}; inputs B=2 L=16`);
    expect(r.stderr).not.toMatch(/warning|error/);
    expect(r.code).toBe(0);
    const written = readSafetensors(out);
    for (const name of checkedOutputs(golden)) expect(maxAbsDiff(written.tensors.get(name)!, golden.expected.get(name)!), name).toBeLessThanOrEqual(1e-4);
    const header = readSafetensorsHeader(index);
    expect(header.files).toEqual([index, join(dir, "model-00001-of-00002.safetensors"), join(dir, "model-00002-of-00002.safetensors")]);
    expect(header.metadata.total_size).toBe(String(goldenParts().data.length));
  });

  it.each([
    ["a shard outside the index's folder", (i: { weight_map: Record<string, string> }) => (i.weight_map["convbert.embeddings.word_embeddings.weight"] = "../elsewhere.safetensors"), /weight_map puts 'convbert\.embeddings\.word_embeddings\.weight' in "\.\.\/elsewhere\.safetensors": shards must be plain file names beside the index/],
    ["a tensor its shard lacks", (i: { weight_map: Record<string, string> }) => (i.weight_map["not.in.any.shard"] = "model-00001-of-00002.safetensors"), /weight_map puts 'not\.in\.any\.shard' in model-00001-of-00002\.safetensors, which has no such tensor/],
    ["a missing shard", (i: { weight_map: Record<string, string> }) => (i.weight_map["x"] = "model-00003-of-00002.safetensors"), /cannot read safetensors checkpoint .*model-00003-of-00002\.safetensors: no such file/],
  ])("refuses %s", async (_name, edit, message) => {
    const dir = tempDir();
    const index = await shard(dir, edit);
    expect(() => readSafetensors(index)).toThrow(UserError);
    expect(() => readSafetensors(index)).toThrow(message);
  });

  it("refuses an index that is not one", () => {
    const dir = tempDir();
    const index = join(dir, "model.safetensors.index.json");
    for (const [text, message] of [["{", /not valid JSON/], ["[]", /expected an object with "weight_map"/], ['{"weight_map": {}}', /weight_map is empty/]] as const) {
      writeFileSync(index, text);
      expect(() => readSafetensors(index)).toThrow(message);
    }
    copyFileSync(resolve(goldenDir, "tiny-mixed/inputs.json"), index);
    expect(() => readSafetensors(index)).toThrow(/"weight_map" must be an object/);
  });
});
