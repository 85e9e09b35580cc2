import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { parseSafetensors, readSafetensors, writeSafetensors } from "../../runtime/weights/index.js";
import { f32ToF16Bits } from "../../runtime/weights/float-convert.js";

/** Builds a safetensors file from a header object and a raw data section. */
function fileWith(header: unknown, data: Uint8Array, headerText = JSON.stringify(header)): Uint8Array {
  const json = Buffer.from(headerText);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const f32Bytes = (values: number[]) => new Uint8Array(new Float32Array(values).buffer);

function errorOf(work: () => unknown): UserError {
  try {
    work();
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    return e as UserError;
  }
  throw new Error("expected a UserError");
}

describe("safetensors reader", () => {
  it("reads F32 as views of one buffer, with shape and metadata", () => {
    const bytes = fileWith(
      { __metadata__: { k: "v" }, a: { dtype: "F32", shape: [2, 2], data_offsets: [0, 16] }, b: { dtype: "F32", shape: [1], data_offsets: [16, 20] } },
      f32Bytes([1, 2, 3, 4, 5]),
    );
    const file = parseSafetensors(bytes, "mem.safetensors");
    expect(file.metadata).toEqual({ k: "v" });
    expect(file.tensors.get("a")).toMatchObject({ dtype: "F32", shape: [2, 2] });
    expect([...file.tensors.get("a")!.data]).toEqual([1, 2, 3, 4]);
    expect([...file.tensors.get("b")!.data]).toEqual([5]);
  });

  it("shares memory with the file buffer for aligned F32 (no second copy)", () => {
    // A header of 8 bytes keeps the data 16-byte aligned in a fresh buffer.
    const header = JSON.stringify({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } });
    const padded = header + " ".repeat((8 - ((8 + header.length) % 8)) % 8);
    const bytes = fileWith(null, f32Bytes([7, 8]), padded);
    const tensor = parseSafetensors(bytes, "mem").tensors.get("a")!;
    expect(tensor.data.buffer).toBe(bytes.buffer);
  });

  it("copies an unaligned F32 tensor correctly", () => {
    const bytes = fileWith({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] } }, f32Bytes([1.5, -2.25]), '{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}} ');
    expect((8 + 57) % 4).not.toBe(0);
    expect([...parseSafetensors(bytes, "mem").tensors.get("a")!.data]).toEqual([1.5, -2.25]);
  });

  it("converts F16 exactly (normal, subnormal, inf) and BF16 by shifting", () => {
    const halves = [1, -2.5, 65504, 2 ** -24, 0.333251953125, Infinity];
    const f16 = new Uint16Array(halves.map(f32ToF16Bits));
    const bf16Values = [1, -3.140625, 1e-3, 256];
    const bf16 = new Uint16Array(bf16Values.map((v) => new Uint32Array(new Float32Array([v]).buffer)[0] >>> 16));
    const data = new Uint8Array(f16.byteLength + bf16.byteLength);
    data.set(new Uint8Array(f16.buffer), 0);
    data.set(new Uint8Array(bf16.buffer), f16.byteLength);
    const file = parseSafetensors(
      fileWith({ h: { dtype: "F16", shape: [6], data_offsets: [0, 12] }, b: { dtype: "BF16", shape: [4], data_offsets: [12, 20] } }, data),
      "mem",
    );
    expect([...file.tensors.get("h")!.data]).toEqual(halves);
    const bf = [...file.tensors.get("b")!.data];
    expect(bf[0]).toBe(1);
    expect(bf[1]).toBe(-3.140625);
    expect(Math.abs(bf[2] - 1e-3)).toBeLessThan(1e-5); // bf16 keeps 8 bits of mantissa: truncated, not rounded
    expect(bf[3]).toBe(256);
  });

  it("lists non-float dtypes (an I64 position_ids buffer) without loading them", () => {
    const file = parseSafetensors(fileWith({ p: { dtype: "I64", shape: [2], data_offsets: [0, 16] } }, new Uint8Array(16)), "mem");
    expect(file.unsupported.get("p")).toEqual({ dtype: "I64", shape: [2] });
    expect(file.tensors.size).toBe(0);
  });

  it.each([
    ["truncated below 8 bytes", new Uint8Array(5), /truncated file: 5 bytes/],
    ["header length past the end", fileWith({}, new Uint8Array(0), "{}").map((b, i) => (i === 0 ? 200 : b)), /header length 200 runs past the end/],
    ["malformed header JSON", fileWith(null, new Uint8Array(0), '{"a": [1,'), /malformed header JSON/],
    ["unknown dtype", fileWith({ w: { dtype: "F13", shape: [1], data_offsets: [0, 4] } }, new Uint8Array(4)), /tensor 'w': unknown dtype 'F13'/],
    ["offsets past the data", fileWith({ w: { dtype: "F32", shape: [4], data_offsets: [0, 16] } }, new Uint8Array(8)), /tensor 'w'.*run past the end of the data \(8 bytes\)/],
    [
      "overlapping offsets",
      fileWith({ a: { dtype: "F32", shape: [2], data_offsets: [0, 8] }, b: { dtype: "F32", shape: [2], data_offsets: [4, 12] } }, new Uint8Array(12)),
      /tensor 'b'.*overlap tensor 'a'/,
    ],
    ["size not dtype*shape", fileWith({ w: { dtype: "F32", shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8)), /tensor 'w'.*span 8 bytes but F32 \[3\] needs 12/],
    ["bad shape", fileWith({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 0] } }, new Uint8Array(0)), /tensor 'w': shape \[-1\]/],
  ])("rejects %s with a UserError naming the file", (_name, bytes, message) => {
    const error = errorOf(() => parseSafetensors(bytes, "model.safetensors"));
    expect(error.message).toMatch(/^model\.safetensors: /);
    expect(error.message).toMatch(message);
  });

  it("names the file when it cannot be read", () => {
    expect(errorOf(() => readSafetensors("/nonexistent/x.safetensors")).message).toMatch(/x\.safetensors/);
  });
});

describe("safetensors writer", () => {
  it("round-trips float32 tensors with metadata, 8-byte aligned data, leaving no temp file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-st-"));
    const path = join(dir, "out.safetensors");
    await writeSafetensors(path, { x: { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }, y: { shape: [1], data: Float32Array.from([-1]) } }, { note: "t" });
    const raw = readFileSync(path);
    expect(Number(raw.readBigUInt64LE(0)) % 8).toBe(0);
    const file = readSafetensors(path);
    expect(file.metadata).toEqual({ note: "t" });
    expect(file.tensors.get("x")!.shape).toEqual([2, 3]);
    expect([...file.tensors.get("x")!.data]).toEqual([1, 2, 3, 4, 5, 6]);
    expect([...file.tensors.get("y")!.data]).toEqual([-1]);
    expect(readdirSync(dir)).toEqual(["out.safetensors"]);
  });

  it("leaves an existing file untouched when the write fails", async () => {
    const dir = mkdtempSync(join(tmpdir(), "convspec-st-"));
    const path = join(dir, "missing-folder", "out.safetensors");
    await expect(writeSafetensors(path, { x: { shape: [1], data: new Float32Array(1) } })).rejects.toThrow(UserError);
    expect(existsSync(path)).toBe(false);
    const kept = join(dir, "kept.safetensors");
    writeFileSync(kept, "old");
    await expect(writeSafetensors(kept, { x: { shape: [2], data: new Float32Array(1) } })).rejects.toThrow(/shape \[2\] but 1 values/);
    expect(readFileSync(kept, "utf8")).toBe("old");
  });
});
