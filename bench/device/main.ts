/**
 * The device bundle's entry point (esbuild bundles it into convspec-device.mjs;
 * run-device.sh calls it step by step):
 *
 *   info    --backend vulkan|opengl [--out DIR]
 *   golden  --golden DIR --backend B [--out DIR]
 *   bench   --model SPEC [--reference reference.json] --backend B [--cases b1l128,b8l512]
 *           [--runners wgsl] [--reps N] [--seconds S] [--profile] [--out DIR]
 *   summary --out DIR [--model SPEC]
 *
 * It also runs unbundled: node bin/run-ts.mjs bench/device/main.ts info --backend opengl
 */
import { parseArgs } from "node:util";
import { bench, RUNNER_NAMES } from "./bench.js";
import { flopsPerForward, loadModel, UserError, WEBGPU_BACKENDS, type WebGpuBackend } from "./convspec-api.js";
import { golden } from "./golden.js";
import { info } from "./info.js";
import { writeSummary } from "./results.js";

const USAGE = `usage: convspec-device <info|golden|bench|summary> [options]
  info    --backend vulkan|opengl [--out DIR]
  golden  --golden DIR --backend B [--out DIR]
  bench   --model SPEC [--reference reference.json] --backend B [--cases b1l128,b8l128,b1l512,b8l512]
          [--runners ${RUNNER_NAMES.join(",")}] [--reps 20] [--seconds 150] [--profile] [--out DIR]
  summary --out DIR [--model SPEC]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    backend: { type: "string", default: "vulkan" },
    out: { type: "string" },
    golden: { type: "string" },
    model: { type: "string" },
    reference: { type: "string" },
    cases: { type: "string", default: "b1l128,b8l128,b1l512,b8l512" },
    runners: { type: "string", default: "wgsl,wgsl-legacy" },
    reps: { type: "string", default: "20" },
    seconds: { type: "string", default: "150" },
    tolerance: { type: "string", default: "1e-3" },
    profile: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

function backendOption(): WebGpuBackend {
  if (!(WEBGPU_BACKENDS as readonly string[]).includes(values.backend)) throw new UserError(`--backend must be ${WEBGPU_BACKENDS.join(" or ")}, not '${values.backend}'`);
  return values.backend as WebGpuBackend;
}

function required(name: "golden" | "model" | "out"): string {
  const value = values[name];
  if (!value) throw new UserError(`--${name} is required\n${USAGE}`);
  return value;
}

function positiveNumber(name: "reps" | "seconds" | "tolerance"): number {
  const n = Number(values[name]);
  if (!(n > 0)) throw new UserError(`--${name} must be a positive number, not '${values[name]}'`);
  return n;
}

async function main(): Promise<number> {
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return command || values.help ? 0 : 2;
  }
  switch (command) {
    case "info":
      return info(backendOption(), values.out);
    case "golden":
      return golden(required("golden"), backendOption(), values.out);
    case "bench":
      return bench({
        model: required("model"), reference: values.reference, backend: backendOption(), cases: values.cases.split(","), runners: values.runners.split(","),
        reps: positiveNumber("reps"), seconds: positiveNumber("seconds"), tolerance: positiveNumber("tolerance"), profile: values.profile, outDir: values.out,
      });
    case "summary": {
      const model = values.model ? (await loadModel(values.model)).graph : null;
      console.log(writeSummary(required("out"), model ? (b, l) => flopsPerForward(model, b, l) : undefined));
      return 0;
    }
    default:
      throw new UserError(`unknown command '${command}'\n${USAGE}`);
  }
}

let code: number;
try {
  code = await main();
} catch (e) {
  console.error(e instanceof UserError ? `error: ${e.message}` : e);
  code = e instanceof UserError ? 2 : 1;
}
// Dawn's instance keeps the event loop alive: leave explicitly.
process.exit(code);
