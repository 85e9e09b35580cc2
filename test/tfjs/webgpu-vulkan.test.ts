/**
 * The tfjs webgpu golden cases on Dawn's Vulkan backend over SwiftShader
 * (Debian's chromium ships its Vulkan driver). Dawn's backend is chosen once
 * per process, so this file (vitest runs each file in its own worker process)
 * sets it before anything loads Dawn. CI installs chromium: there a missing
 * adapter fails instead of skipping.
 */
import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { goldenCaseNames } from "../helpers/golden.js";

const SWIFTSHADER_ICD = "/usr/lib/chromium/vk_swiftshader_icd.json";
process.env.VK_ICD_FILENAMES ??= SWIFTSHADER_ICD;
process.env.CONVSPEC_WEBGPU_BACKEND = "vulkan";

// Dynamic imports: device.ts must not load Dawn before the environment above is set.
const { hasWebGpuAdapter } = await import("../../runtime/webgpu/index.js");
const { checkGoldenOnWebGpu } = await import("./webgpu-golden.js");
const { registeredWebGpuAdapter } = await import("../../runtime/tfjs/webgpu.js");

const present = existsSync(process.env.VK_ICD_FILENAMES) && (await hasWebGpuAdapter());
const run = present || process.env.CI === "true";

describe.skipIf(!run)(`tfjs webgpu backend on SwiftShader Vulkan${run ? "" : " (skipped: no SwiftShader Vulkan adapter; apt-get install chromium libvulkan1)"}`, () => {
  it.each(goldenCaseNames().flatMap((name) => [[name, "none"], [name, "all"]] as const))(
    "%s, --opt %s: every output within 1e-3",
    async (name, passes) => checkGoldenOnWebGpu(name, passes),
    300_000,
  );

  it("ran on SwiftShader", () => {
    expect(registeredWebGpuAdapter()?.architecture).toMatch(/swiftshader/i);
  });
});
