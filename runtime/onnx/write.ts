/**
 * Writes an ONNX artifact with its weights: the model file, plus
 * `<model>.data` beside it when the weights go to external data (over
 * protobuf's 2 GiB limit, or when asked). Both go through the project's one
 * output writer (compiler/io/write-file.ts): regular files are written to a
 * temporary name and renamed, special files written in place, devices and
 * the command's own inputs refused.
 */
import { basename, dirname, join } from "node:path";
import type { OnnxArtifact } from "../../compiler/backends/onnx/index.js";
import { UserError } from "../../compiler/errors.js";
import { resolveOutputTarget } from "../../compiler/io/output-target.js";
import { checkOutputPath, writeOutputFile, type OutputOptions } from "../../compiler/io/write-file.js";
import type { WeightMap } from "../executor.js";
import { encodeOnnx, usesExternalData, type ExternalDataMode } from "./encode.js";

export interface WriteOnnxOptions extends OutputOptions {
  /** "auto" (default): external only over protobuf's 2 GiB limit. */
  externalData?: ExternalDataMode;
}

export interface WrittenOnnx {
  modelPath: string;
  /** The external data file, when the weights went there. */
  dataPath: string | null;
  bytes: number;
}

export async function writeOnnx(artifact: OnnxArtifact, path: string, weights: WeightMap, options: WriteOnnxOptions = {}): Promise<WrittenOnnx> {
  const external = usesExternalData(artifact, options.externalData ?? "auto");
  const location = `${basename(path)}.data`;
  const dataPath = external ? join(dirname(path), location) : null;
  checkOutputPath(path, options);
  if (dataPath) {
    // The model names its data file relative to itself: only a regular file has a "beside".
    if (resolveOutputTarget(path, options.label ?? path).kind !== "file") throw new UserError(`${options.label ?? path}: a model with external data must be written to a regular file`);
    checkOutputPath(dataPath, { ...options, label: `${options.label ?? path} (its external data ${dataPath})` });
  }
  const encoded = encodeOnnx(artifact, weights, external ? location : null);
  if (encoded.external && dataPath) {
    const { chunks } = encoded.external;
    await writeOutputFile(dataPath, async (sink) => {
      for (const chunk of chunks) await sink.write(chunk);
    }, { ...options, label: dataPath });
  }
  await writeOutputFile(path, (sink) => sink.write(encoded.model), options);
  return { modelPath: path, dataPath, bytes: encoded.model.byteLength + (encoded.external?.bytes ?? 0) };
}
