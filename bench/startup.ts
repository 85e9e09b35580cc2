/**
 * CLI start-up: `node bin/convspec.mjs check specs/conv-bert-base.convspec`
 * and `--help` against `node -e 0`, interleaved in one run (this machine is
 * shared: only the ratio means something). Builds dist/ first (its JS only):
 * with a stale dist/ the CLI would run the slower sources instead.
 * Run: npm run bench:startup [-- runs]
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { median } from "./common.js";

const root = join(import.meta.dirname, "..");
const runs = Number(process.argv[2] ?? 15);
execFileSync(process.execPath, [join(root, "bin/build.mjs"), "--js"], { cwd: root, stdio: "inherit" });

const commands: Record<string, string[]> = {
  "node -e 0": ["-e", "0"],
  "convspec check conv-bert-base": ["bin/convspec.mjs", "check", "specs/conv-bert-base.convspec"],
  "convspec --help": ["bin/convspec.mjs", "--help"],
};
const samples = new Map(Object.keys(commands).map((k) => [k, [] as number[]]));
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const start = performance.now();
    execFileSync(process.execPath, args, { cwd: root, stdio: "ignore" });
    samples.get(name)!.push(performance.now() - start);
  }
}
const base = median(samples.get("node -e 0")!);
console.log(`median of ${runs} interleaved runs\n`);
for (const [name, times] of samples) {
  const m = median(times);
  console.log(`${name.padEnd(32)} ${m.toFixed(0).padStart(5)} ms  ${(m / base).toFixed(1)}x node -e 0`);
}
