/** `info`: what the adapter of one Dawn backend is, with its features and limits; exit 3 when there is none. */
import { join } from "node:path";
import { describeAdapter, requestAdapter, type WebGpuBackend } from "./convspec-api.js";
import { writeJsonAtomic } from "./results.js";

const SOFTWARE = /swiftshader|llvmpipe|lavapipe|softpipe/i;

export async function info(backend: WebGpuBackend, outDir: string | undefined): Promise<number> {
  let adapter: GPUAdapter;
  try {
    adapter = await requestAdapter({ backend });
  } catch (e) {
    console.log(`${backend}: no adapter: ${(e as Error).message}`);
    if (outDir) writeJsonAtomic(join(outDir, `info-${backend}.json`), { backend, found: false, error: (e as Error).message });
    return 3;
  }
  const i = adapter.info;
  const description = describeAdapter(i, backend);
  const limits: Record<string, number> = {};
  for (const key in adapter.limits) limits[key] = adapter.limits[key as keyof GPUSupportedLimits] as number;
  const record = {
    backend, found: true, description,
    software: i.isFallbackAdapter || SOFTWARE.test(`${i.architecture} ${i.device} ${i.description}`),
    info: { vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, subgroupMinSize: i.subgroupMinSize, subgroupMaxSize: i.subgroupMaxSize, isFallbackAdapter: i.isFallbackAdapter },
    features: [...adapter.features].sort(),
    limits,
  };
  console.log(`${description}${record.software ? " [software adapter]" : ""}`);
  console.log(`features: ${record.features.join(" ")}`);
  if (outDir) writeJsonAtomic(join(outDir, `info-${backend}.json`), record);
  return 0;
}
