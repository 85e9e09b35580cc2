/**
 * Writes an ONNX artifact with its weights: `model.onnx`, plus
 * `model.onnx.data` beside it when the weights are external. Each file is
 * written to a temporary name and renamed into place, so a failure leaves
 * nothing half-written; an existing output that is not a regular file (a
 * device, a FIFO) is refused, never replaced.
 */
import { closeSync, lstatSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { WeightMap } from "../../../runtime/executor.js";
import { UserError } from "../../errors.js";
import type { OnnxArtifact } from "./artifact.js";
import { encodeOnnx, usesExternalData, type ExternalDataMode } from "./encode.js";

export interface WriteOnnxOptions {
  /** "auto" (default): external only over protobuf's 2 GiB limit. */
  externalData?: ExternalDataMode;
}

export interface WrittenOnnx {
  modelPath: string;
  /** The external data file, when the weights went there. */
  dataPath: string | null;
  bytes: number;
}

export function writeOnnx(artifact: OnnxArtifact, path: string, weights: WeightMap, options: WriteOnnxOptions = {}): WrittenOnnx {
  const external = usesExternalData(artifact, options.externalData ?? "auto");
  const location = `${basename(path)}.data`;
  const dataPath = external ? join(dirname(path), location) : null;
  refuseNonRegular(path);
  if (dataPath) refuseNonRegular(dataPath);
  const encoded = encodeOnnx(artifact, weights, external ? location : null);
  if (encoded.external && dataPath) writeAtomically(dataPath, encoded.external.chunks);
  writeAtomically(path, [encoded.model]);
  return { modelPath: path, dataPath, bytes: encoded.model.byteLength + (encoded.external?.bytes ?? 0) };
}

function refuseNonRegular(path: string): void {
  let stat;
  try {
    stat = lstatSync(path);
  } catch {
    return; // does not exist yet
  }
  if (!stat.isFile()) throw new UserError(`output ${path} exists and is not a regular file; refusing to replace it`);
}

function writeAtomically(path: string, chunks: readonly Uint8Array[]): void {
  const temp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(temp, "w");
    try {
      for (const chunk of chunks) {
        for (let done = 0; done < chunk.byteLength; ) done += writeSync(fd, chunk, done, chunk.byteLength - done);
      }
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (e) {
    rmSync(temp, { force: true });
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot write ${path}: ${(e as Error).message}`);
  }
}
