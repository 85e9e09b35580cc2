/**
 * The "wgsl" rows: convspec's generated WGSL on a WebGPU device, with the
 * current kernels ("wgsl") or the ones before the GPU-class work
 * ("wgsl-legacy"), each compiled per shape (tile choices are per B, L) on
 * first use and kept for the next run of that shape.
 */
import { compileForWgsl, createWgslRunner, describeDevice, type Graph, type KernelSet, type ModelInputs, type WeightMap, type WgslRunner } from "../convspec-api.js";
import type { BenchRunner } from "../measure.js";

const OUTPUTS = ["last_hidden_state"];

function wgslRows(kernels: KernelSet, name: string) {
  return async (graph: Graph, weights: WeightMap, device: GPUDevice): Promise<BenchRunner> => {
    const byShape = new Map<string, Promise<WgslRunner>>();
    const runnerFor = (inputs: ModelInputs): Promise<WgslRunner> => {
      const key = `${inputs.batch}x${inputs.seqLen}`;
      let runner = byShape.get(key);
      if (!runner) {
        runner = createWgslRunner(graph, compileForWgsl(graph, OUTPUTS, { kernels, device, shape: { B: inputs.batch, L: inputs.seqLen } }), weights, device);
        byShape.set(key, runner);
      }
      return runner;
    };
    // The dispatch count at the reference shape, for the summary.
    const dispatches = compileForWgsl(graph, OUTPUTS, { kernels, device }).dispatches.length;
    const timestamps = device.features.has("timestamp-query");
    return {
      runner: name,
      device: describeDevice(device),
      dispatches,
      forward: async (inputs) => (await (await runnerFor(inputs)).run(inputs, OUTPUTS)).last_hidden_state.data,
      gpuForward: timestamps ? async (inputs) => (await (await runnerFor(inputs)).profile(inputs, OUTPUTS, "pass")).profile.passNs : undefined,
      dispatchProfile: timestamps ? async (inputs) => (await (await runnerFor(inputs)).profile(inputs, OUTPUTS, "dispatch")).profile.dispatches ?? [] : undefined,
      dispose: () => {
        for (const runner of byShape.values()) void runner.then((r) => r.dispose());
      },
    };
  };
}

export const wgslRunner = wgslRows("new", "wgsl");
export const wgslLegacyRunner = wgslRows("legacy", "wgsl-legacy");
