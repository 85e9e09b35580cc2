/**
 * Builds the browser demo: the golden tiny-mixed model compiled to a WGSL
 * bundle (`<out>/model/`) and to a tfjs plan for the webgpu backend
 * (`<out>/tfjs-plan.json`), the page script bundled with esbuild
 * (`<out>/main.js`) with the tfjs path beside it (`<out>/tfjs.js`, loaded only
 * with `?target=tfjs`), and the live-comparison page's script (`<out>/compare.js`:
 * the compiler front end and analyses bundled for the browser).
 * Usage: node bin/run-ts.mjs examples/browser/build.ts [outDir]
 */
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build, type Plugin } from "esbuild";
import { writeWgslBundle } from "../../compiler/backends/wgsl/emit.js";
import { lowerToIR } from "../../compiler/ir/lower.js";
import { contractOutputs } from "../../compiler/ir/outputs.js";
import { compileFor } from "../../compiler/pipeline.js";
import { importHfConfig } from "../../compiler/spec/hf-config.js";
import { readSafetensors, specWithCheckpointHeads } from "../../runtime/weights/index.js";

const here = dirname(fileURLToPath(import.meta.url));

export async function buildBrowserDemo(outDir: string, goldenCase: string): Promise<void> {
  const config = JSON.parse(readFileSync(join(goldenCase, "config.json"), "utf8")) as Record<string, unknown>;
  const { spec } = importHfConfig(config, "golden");
  const graph = lowerToIR(specWithCheckpointHeads(spec, readSafetensors(join(goldenCase, "model.safetensors"))));
  const outputs = contractOutputs(graph);
  await writeWgslBundle(compileFor("wgsl", graph, { outputs }).artifact, join(outDir, "model"));
  writeFileSync(join(outDir, "tfjs-plan.json"), JSON.stringify(compileFor("tfjs", graph, { outputs, options: { backend: "webgpu" } }).artifact));
  await build({ entryPoints: [join(here, "main.ts")], bundle: true, format: "esm", target: "es2022", outfile: join(outDir, "main.js"), logLevel: "warning" });
  await build({
    entryPoints: [join(here, "tfjs.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(outDir, "tfjs.js"),
    // Node-only paths of the runtime (Dawn, reading files, wasm binaries from disk) are never taken in a browser.
    external: ["webgpu"],
    plugins: [nodeBuiltinsAsEmpty],
    inject: [join(here, "shims/process.ts")],
    logLevel: "warning",
  });
  await buildComparePage(outDir);
}

/**
 * The compare page's script. Node built-ins the front end imports are
 * replaced: node:path by pathe, node:fs by a stub (the page supplies spec
 * texts itself), `process` by a small object; .convspec files load as text.
 * jsonc-parser's UMD build does not bundle: prefer its ES module.
 */
export async function buildComparePage(outDir: string): Promise<void> {
  const noFs = join(here, "shims/no-fs.ts");
  await build({
    entryPoints: [join(here, "compare.ts")],
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    outfile: join(outDir, "compare.js"),
    mainFields: ["module", "main"],
    alias: { "node:path": "pathe", "node:fs": noFs, "node:fs/promises": noFs },
    inject: [join(here, "shims/process.ts")],
    loader: { ".convspec": "text" },
    minify: true,
    legalComments: "none",
    logLevel: "warning",
  });
}

/** `node:*` imports resolve to an empty module: the code that uses them checks for Node first. */
const nodeBuiltinsAsEmpty: Plugin = {
  name: "node-builtins-as-empty",
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => ({ path: args.path, namespace: "node-builtin" }));
    b.onLoad({ filter: /.*/, namespace: "node-builtin" }, () => ({ contents: "module.exports = {};", loader: "js" }));
  },
};

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = resolve(process.argv[2] ?? join(here, "dist"));
  await buildBrowserDemo(out, resolve(here, "../../../shared/golden/tiny-mixed"));
  console.log(`built ${out}; serve examples/browser/ with ../shared/golden linked as golden/ and open index.html`);
}
