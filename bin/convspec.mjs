#!/usr/bin/env node
// The `convspec` command: the compiled JavaScript in dist/ (built by
// `npm install`'s prepare step, or `npm run build`), or the TypeScript
// sources through tsx where dist/ is missing or older than a source file
// (an edit since the last build) or CONVSPEC_FROM_SOURCE=1.
import { existsSync, readdirSync, statSync } from "node:fs";

const root = new URL("..", import.meta.url);
const compiled = new URL("dist/cli.js", root);

/** Whether any .ts file under the source folders changed after `than` (ms). */
function sourcesNewerThan(than) {
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).some((e) =>
      e.isDirectory() ? walk(new URL(`${e.name}/`, dir)) : e.name.endsWith(".ts") && statSync(new URL(e.name, dir)).mtimeMs > than,
    );
  return ["cli/", "compiler/", "runtime/"].some((d) => walk(new URL(d, root))) || statSync(new URL("index.ts", root)).mtimeMs > than;
}

let main;
if (process.env.CONVSPEC_FROM_SOURCE !== "1" && existsSync(compiled) && !sourcesNewerThan(statSync(compiled).mtimeMs)) {
  ({ main } = await import(compiled.href));
} else {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import("../cli/main.ts"));
}
process.exitCode = await main(process.argv);
