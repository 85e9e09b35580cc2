#!/usr/bin/env node
// Builds the JavaScript the `convspec` command and the library run from
// (`npm install` runs it as the `prepare` step): dist/cli.js and dist/index.js
// bundled by esbuild from the TypeScript sources, with code splitting so the
// heavy runtimes (tfjs, Dawn, ONNX Runtime) stay in chunks loaded only when
// a command needs them. npm packages are not bundled, but for chevrotain: its
// ESM build loads lodash-es as ~600 modules (0.7 s of every start); bundled,
// it is one chunk (0.05 s). Then the library's type declarations
// (dist/types/, tsc). `--js` skips the declarations.
import { build } from "esbuild";
import { execFileSync } from "node:child_process";
import { rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dist = join(root, "dist");
rmSync(dist, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: "cli/main.ts", index: "index.ts" },
  outdir: dist,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  plugins: [externalPackagesBut(/^(chevrotain|@chevrotain\/[^/]+|lodash-es|ajv|fast-uri|fast-deep-equal|json-schema-traverse)(\/|$)/)],
  chunkNames: "chunks/[name]-[hash]",
  logLevel: "warning",
});
if (!process.argv.includes("--js")) {
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
}

/** Every bare import is left to node_modules at run time, except those matching `bundled`. */
function externalPackagesBut(bundled) {
  return {
    name: "external-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => (bundled.test(args.path) ? undefined : { path: args.path, external: true }));
    },
  };
}
