#!/usr/bin/env node
// The `convspec` command. The sources are TypeScript, loaded through tsx so
// that `npx convspec` works right after `npm install`, with no build step.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../cli/main.ts");
process.exitCode = await main(process.argv);
