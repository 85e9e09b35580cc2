/**
 * The optional tensorflow (CUDA) backend when @tensorflow/tfjs-node-gpu is
 * present but its libtensorflow is not: the package is mocked to fail the way
 * its native binding does. An explicit --backend tensorflow is a clear
 * UserError; `auto` notes why it skipped it and falls back.
 */
import { describe, expect, it, vi } from "vitest";
import { UserError } from "../../compiler/errors.js";
import { selectBackend, useBackend } from "../../runtime/tfjs/backend.js";
import { loadTensorflow, tensorflowLoadProblem } from "../../runtime/tfjs/tensorflow.js";

// What tfjs-node-gpu's binding loader throws when deps/lib/libtensorflow.so.2 is missing.
const NATIVE_ERROR = "libtensorflow.so.2: cannot open shared object file: No such file or directory";
vi.mock("@tensorflow/tfjs-node-gpu", () => {
  throw new Error(NATIVE_ERROR);
});

describe("tfjs-node-gpu present, libtensorflow missing", () => {
  it("an explicit tensorflow backend fails with what happened and what to do", async () => {
    const failure = useBackend("tensorflow");
    await expect(failure).rejects.toThrow(UserError);
    await expect(failure).rejects.toThrow(/tfjs backend 'tensorflow' is not available: @tensorflow\/tfjs-node-gpu is installed but its native library did not load \(.*libtensorflow\.so\.2: cannot open shared object file/);
    await expect(failure).rejects.toThrow(/npm rebuild @tensorflow\/tfjs-node-gpu/);
  });

  it("auto skips it, says why, and falls back to the next backend that loads", async () => {
    const choice = await selectBackend();
    expect(choice.auto).toBe(true);
    expect(choice.skipped[0]).toEqual({ backend: "tensorflow", why: expect.stringMatching(/^installed, but its native library did not load \(.*libtensorflow\.so\.2/) });
    expect(["webgpu", "wasm", "cpu"]).toContain(choice.backend);
  });
});

describe("tfjs-node-gpu's two failures, told apart", () => {
  it("a missing package says it is optional and how to install it", async () => {
    const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-node-gpu' imported from /x/runtime/tfjs/tensorflow.ts"), { code: "ERR_MODULE_NOT_FOUND" });
    await expect(loadTensorflow(() => Promise.reject(missing))).rejects.toThrow(/is not installed \(it is optional: .*CUDA 11\.2 and cuDNN 8\.1, run 'npm install @tensorflow\/tfjs-node-gpu@4\.22\.0'/);
    expect(tensorflowLoadProblem(missing).short).toBe("not installed (optional, see README)");
  });

  it("a missing dependency of the package is a native failure, not 'not installed'", () => {
    const inner = Object.assign(new Error("Cannot find module '/x/node_modules/@tensorflow/tfjs-node-gpu/lib/napi-v8/tfjs_binding.node'"), { code: "MODULE_NOT_FOUND" });
    expect(tensorflowLoadProblem(inner).message).toMatch(/is installed but its native library did not load/);
  });
});
