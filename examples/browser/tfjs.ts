/**
 * The demo's second path: the same model through the TensorFlow.js target on
 * tfjs's WebGPU backend, registered on the page's own GPUDevice (the one the
 * WGSL path would use). Bundled to dist/tfjs.js and loaded only with
 * `?target=tfjs`; its plan (compiled for backend "webgpu") is dist/tfjs-plan.json.
 */
import type { TfjsPlan } from "../../compiler/backends/tfjs/plan.js";
import type { HostTensor, ModelInputs, WeightMap } from "../../runtime/executor.js";
import { createTfjsExecutor } from "../../runtime/tfjs/executor.js";
import { createTfjsWebGpuBackend } from "../../runtime/tfjs/webgpu.js";

export async function runOnTfjsWebGpu(
  device: GPUDevice,
  adapterInfo: GPUAdapterInfo,
  plan: TfjsPlan,
  weights: WeightMap,
  inputs: ModelInputs,
  outputs: readonly string[],
): Promise<Record<string, HostTensor>> {
  await createTfjsWebGpuBackend(device, adapterInfo);
  const executor = await createTfjsExecutor(plan, weights);
  try {
    return await executor.run(inputs, outputs);
  } finally {
    executor.dispose();
  }
}
