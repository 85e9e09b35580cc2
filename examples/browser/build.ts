/**
 * Builds the browser demo: the golden tiny-mixed model compiled to a WGSL
 * bundle (`<out>/model/`) and to a tfjs plan for the webgpu backend
 * (`<out>/tfjs-plan.json`), the page script bundled with esbuild
 * (`<out>/main.js`) and the tfjs path beside it (`<out>/tfjs.js`, loaded only
 * with `?target=tfjs`). Usage: node bin/run-ts.mjs examples/browser/build.ts [outDir]
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
  writeWgslBundle(compileFor("wgsl", graph, { outputs }).artifact, join(outDir, "model"));
  writeFileSync(join(outDir, "tfjs-plan.json"), JSON.stringify(compileFor("tfjs", graph, { outputs, options: { backend: "webgpu" } }).artifact));
  const common = { bundle: true, format: "esm", target: "es2022", logLevel: "warning" } as const;
  await build({ ...common, entryPoints: [join(here, "main.ts")], outfile: join(outDir, "main.js") });
  await build({
    ...common,
    entryPoints: [join(here, "tfjs.ts")],
    outfile: join(outDir, "tfjs.js"),
    platform: "browser",
    // Node-only paths of the runtime (Dawn, reading files) are never taken in a browser.
    external: ["webgpu"],
    plugins: [nodeBuiltinsAsEmpty],
    define: { "process.env.CONVSPEC_DEBUG": "undefined" },
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
