/**
 * bench/device/main.ts as one ES module for a machine without node_modules
 * (used by pack.ts and by the bundle test). What the bundle needs beside it:
 * node_modules/webgpu (Dawn, a native addon) and model-spec.schema.json.
 */
import { copyFileSync, mkdirSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const DEVICE_ENTRY_FILE = "convspec-device.mjs";

/** Writes `appDir`/convspec-device.mjs and the schema; returns what is wrong with the bundle, or null. */
export async function bundleDeviceEntry(appDir: string): Promise<string | null> {
  mkdirSync(appDir, { recursive: true });
  const outfile = join(appDir, DEVICE_ENTRY_FILE);
  await build({
    entryPoints: [join(repo, "bench/device/main.ts")],
    outfile, bundle: true, platform: "node", format: "esm", target: "node20", logLevel: "warning",
    // jsonc-parser's "main" is a UMD build that breaks inside an ESM bundle: take its ES module.
    mainFields: ["module", "main"],
    // Dawn is a native addon (shipped beside the bundle); esbuild must never be pulled in.
    external: ["webgpu", "esbuild"],
    // CommonJS dependencies inside an ES module still call require().
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  });
  // compiler/spec/schema.ts reads the schema relative to its module, which is now the bundle.
  copyFileSync(join(repo, "compiler/spec/model-spec.schema.json"), join(appDir, "model-spec.schema.json"));
  const code = readFileSync(outfile, "utf8");
  if (/from\s*["']esbuild["']|require\(["']esbuild["']\)|import\(["']esbuild["']\)/.test(code)) {
    return "the device bundle imports esbuild: something under bench/device reaches compiler/backends/wgsl/emit.ts";
  }
  if (code.includes("@tensorflow/")) return "the device bundle pulls in TensorFlow.js: something under bench/device reaches runtime/tfjs";
  return null;
}
