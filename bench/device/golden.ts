/** `golden`: the Hugging Face golden cases (copied into the bundle) on the device, every output within 1e-3. */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compileForWgsl, createDevice, createWgslRunner, describeDevice, loadCheckpointModel, readInputs, readTensors, type WebGpuBackend } from "./convspec-api.js";
import { maxAbsError } from "./reference.js";
import { writeJsonAtomic, type GoldenRecord } from "./results.js";

const TOLERANCE = 1e-3;

export async function golden(dir: string, backend: WebGpuBackend, outDir: string | undefined): Promise<number> {
  const device = await createDevice({ backend });
  const record: GoldenRecord = { device: describeDevice(device), cases: [] };
  const names = readdirSync(dir).filter((n) => existsSync(join(dir, n, "expected.safetensors"))).sort();
  if (names.length === 0) throw new Error(`no golden cases under ${dir}`);
  for (const name of names) {
    const caseDir = join(dir, name);
    const config = JSON.parse(readFileSync(join(caseDir, "config.json"), "utf8")) as Record<string, unknown>;
    const { graph, weights } = loadCheckpointModel(config, name, join(caseDir, "model.safetensors"));
    const expected = readTensors(join(caseDir, "expected.safetensors"));
    const outputs = [...expected.keys()].filter((n) => n in graph.outputs);
    const runner = await createWgslRunner(graph, compileForWgsl(graph, outputs, { device }), weights, device);
    const actual = await runner.run(readInputs(join(caseDir, "inputs.json"), graph), outputs);
    runner.dispose();
    const maxAbsErr = Math.max(...outputs.map((o) => maxAbsError(actual[o].data, expected.get(o)!.data)));
    record.cases.push({ name, maxAbsErr, tolerance: TOLERANCE, pass: maxAbsErr <= TOLERANCE });
    console.log(`${name}: ${outputs.length} outputs, max abs err ${maxAbsErr.toExponential(2)} ${maxAbsErr <= TOLERANCE ? "ok" : "FAIL"} (${record.device})`);
    if (outDir) writeJsonAtomic(join(outDir, "golden.json"), record);
  }
  device.destroy();
  return record.cases.every((c) => c.pass) ? 0 : 1;
}
