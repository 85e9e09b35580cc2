/**
 * The ONNX target behind the `Executor` contract: an onnxruntime-node
 * session over a compiled artifact with its weights. The artifact fixes the
 * outputs it can produce (compile for the ones you need: ORT runs the whole
 * graph whatever is fetched). No IR pass runs here.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { OnnxArtifact } from "../../compiler/backends/onnx/index.js";
import { UserError } from "../../compiler/errors.js";
import type { Executor, HostTensor, ModelInputs, WeightMap } from "../executor.js";
import { checkModelInputs } from "../inputs.js";
import { encodeOnnx, usesExternalData } from "./encode.js";
import { createOrtSession, loadOrt, type OrtSession, type OrtSessionOptions } from "./session.js";

export type OnnxExecutorOptions = OrtSessionOptions;

export interface OnnxExecutor extends Executor {
  /** The ORT session (for profiling: `session.endProfiling()`). */
  readonly session: OrtSession;
}

export async function createOnnxExecutor(artifact: OnnxArtifact, weights: WeightMap, options: OnnxExecutorOptions = {}): Promise<OnnxExecutor> {
  const session = await sessionFor(artifact, weights, options);
  const ort = await loadOrt();
  let disposed = false;
  const compiled = Object.keys(artifact.outputs);
  return {
    session,
    outputs: compiled,
    async run(inputs: ModelInputs, outputs: readonly string[] = compiled): Promise<Record<string, HostTensor>> {
      if (disposed) throw new Error("onnx executor used after dispose()");
      const missing = outputs.filter((name) => !Object.hasOwn(artifact.outputs, name));
      if (missing.length > 0) {
        throw new UserError(`the ONNX model was compiled without output(s) ${missing.join(", ")}; it has ${Object.keys(artifact.outputs).join(", ")}`);
      }
      checkModelInputs(inputs, artifact.limits);
      const dims = [inputs.batch, inputs.seqLen];
      const feeds = {
        input_ids: new ort.Tensor("int32", inputs.inputIds, dims),
        attention_mask: new ort.Tensor("float32", inputs.attentionMask, dims),
        token_type_ids: new ort.Tensor("int32", inputs.tokenTypeIds, dims),
      };
      const results = await session.run(feeds, [...outputs]);
      const host: Record<string, HostTensor> = {};
      for (const name of outputs) {
        const tensor = results[name];
        host[name] = { shape: tensor.dims.map(Number), data: Float32Array.from(tensor.data as Float32Array) };
        tensor.dispose();
      }
      return host;
    },
    dispose() {
      if (disposed) return;
      disposed = true;
      void session.release();
    },
  };
}

/** Model bytes in memory; over protobuf's limit, the model and its data go through a temporary directory. */
async function sessionFor(artifact: OnnxArtifact, weights: WeightMap, options: OrtSessionOptions): Promise<OrtSession> {
  if (!usesExternalData(artifact, "auto")) return createOrtSession(encodeOnnx(artifact, weights, null).model, options);
  const dir = mkdtempSync(join(tmpdir(), "convspec-onnx-"));
  try {
    const encoded = encodeOnnx(artifact, weights, "model.onnx.data");
    writeFileSync(join(dir, "model.onnx.data"), Buffer.concat(encoded.external!.chunks));
    writeFileSync(join(dir, "model.onnx"), encoded.model);
    return await createOrtSession(join(dir, "model.onnx"), options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
