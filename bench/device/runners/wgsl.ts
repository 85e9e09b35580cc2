/** The "wgsl" row: convspec's generated WGSL on a WebGPU device. */
import { compileForWgsl, createWgslRunner, describeDevice, type Graph, type WeightMap } from "../convspec-api.js";
import type { BenchRunner } from "../measure.js";

const OUTPUTS = ["last_hidden_state"];

export async function wgslRunner(graph: Graph, weights: WeightMap, device: GPUDevice): Promise<BenchRunner> {
  const runner = await createWgslRunner(graph, compileForWgsl(graph, OUTPUTS), weights, device);
  const timestamps = device.features.has("timestamp-query");
  return {
    runner: "wgsl",
    device: describeDevice(device),
    dispatches: runner.dispatches,
    forward: async (inputs) => (await runner.run(inputs, OUTPUTS)).last_hidden_state.data,
    gpuForward: timestamps ? async (inputs) => (await runner.profile(inputs, OUTPUTS, "pass")).profile.passNs : undefined,
    dispatchProfile: timestamps ? async (inputs) => (await runner.profile(inputs, OUTPUTS, "dispatch")).profile.dispatches ?? [] : undefined,
    dispose: () => runner.dispose(),
  };
}
