/**
 * The tfjs target on its webgpu backend (tfjs-backend-webgpu on a Dawn device
 * from runtime/webgpu/device.ts: Mesa llvmpipe through OpenGL here): every
 * golden case, unoptimised and with all passes, within 1e-3 of Hugging
 * Face's outputs. test/tfjs/webgpu-vulkan.test.ts runs the same on
 * SwiftShader's Vulkan adapter, in its own process (Dawn picks its backend
 * once per process).
 */
import { describe, it } from "vitest";
import { goldenCaseNames } from "../helpers/golden.js";
import { NO_ADAPTER_REASON, noAdapter } from "../wgsl/gpu.js";
import { checkGoldenOnWebGpu } from "./webgpu-golden.js";

describe.skipIf(noAdapter)(`tfjs webgpu backend on the default adapter (llvmpipe GL here)${noAdapter ? ` (skipped: ${NO_ADAPTER_REASON})` : ""}`, () => {
  it.each(goldenCaseNames().flatMap((name) => [[name, "none"], [name, "all"]] as const))(
    "%s, --opt %s: every output within 1e-3",
    async (name, passes) => checkGoldenOnWebGpu(name, passes),
    180_000,
  );
});
