/**
 * `npm run device:pack [-- DIR] [--no-debs]`: the folder a GPU machine with no
 * Node and no network runs (`bash DIR/run-device.sh`), at most 64 MiB:
 *
 *   run-device.sh, README.md
 *   app/convspec-device.mjs        bench/device/main.ts bundled by esbuild (+ the spec schema it reads)
 *   app/node_modules/webgpu/       the package's loader and Dawn (dawn.node, compressed)
 *   node/node.xz                   this Node, stripped and compressed
 *   debs/*.deb                     Vulkan/EGL loaders (apt-get download), unpacked there only if missing
 *   python/                        hf_reference.py, device_setup.py
 *   models/<name>/config.json      conv-bert-base and -small as HF configs (both sides read the same file)
 *   golden/<case>/                 the golden vectors from ../shared/golden
 *
 * Compression is xz where this machine has it, else gzip (Node's zlib); the
 * device decompresses either with Python's standard library. The folder is
 * built beside DIR and renamed into place; an existing DIR is replaced only
 * if an earlier pack made it.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, renameSync, chmodSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { loadSpec } from "../../compiler/load.js";
import { exportHfConfig } from "../../compiler/spec/hf-config.js";
import { bundleDeviceEntry } from "./bundle.js";

const MiB = 2 ** 20;
const LIMIT = 64 * MiB;
const MARKER = ".convspec-device.json";
const MODELS = ["conv-bert-base", "conv-bert-small"];
/** The loaders Dawn dlopens (Vulkan, and glvnd's EGL/GLES for the OpenGL fallback), amd64. */
const DEBS = ["libvulkan1", "libegl1", "libglvnd0", "libopengl0", "libgl1", "libglx0", "libgles2"];

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const args = process.argv.slice(2);
const dir = resolve(args.find((a) => !a.startsWith("--")) ?? join(repo, "tmp/device"));
const withDebs = !args.includes("--no-debs");

const has = (tool: string) => spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
const xz = has("xz");

class PackError extends Error {}
function fail(message: string): never {
  throw new PackError(message);
}

/** Compresses `src` to `dst` + .xz (or .gz); returns the file written. */
function compress(src: string, dstBase: string): string {
  if (xz) {
    const out = `${dstBase}.xz`;
    writeFileSync(out, execFileSync("xz", ["-9", "-T0", "-c", src], { maxBuffer: 256 * MiB }));
    return out;
  }
  const out = `${dstBase}.gz`;
  writeFileSync(out, gzipSync(readFileSync(src), { level: 9 }));
  return out;
}

async function bundle(stage: string): Promise<void> {
  const problem = await bundleDeviceEntry(join(stage, "app"));
  if (problem) fail(problem);
}

function dawn(stage: string): void {
  const pkg = join(repo, "node_modules/webgpu");
  const binary = join(pkg, "dist/linux-x64/dawn.node");
  if (!existsSync(binary)) fail(`${binary} not found: run npm ci`);
  const dest = join(stage, "app/node_modules/webgpu");
  mkdirSync(join(dest, "dist/linux-x64"), { recursive: true });
  for (const f of ["package.json", "index.js", "LICENSE.md"]) if (existsSync(join(pkg, f))) copyFileSync(join(pkg, f), join(dest, f));
  compress(binary, join(dest, "dist/linux-x64/dawn.node"));
}

function node(stage: string): void {
  if (process.platform !== "linux" || process.arch !== "x64") fail(`Node for the device must be linux-x64; this one is ${process.platform}-${process.arch}`);
  mkdirSync(join(stage, "node"));
  const temp = join(tmpdir(), `convspec-node-${process.pid}`);
  copyFileSync(process.execPath, temp);
  try {
    // Symbols are a quarter of the binary; the dynamic symbol table native addons link against stays.
    if (has("strip")) execFileSync("strip", [temp]);
    else console.warn("device:pack: no `strip` (binutils): Node goes in unstripped");
    compress(temp, join(stage, "node/node"));
  } finally {
    rmSync(temp, { force: true });
  }
}

function debs(stage: string): void {
  const dest = join(stage, "debs");
  mkdirSync(dest);
  if (!withDebs) return;
  if (!has("apt-get")) fail("apt-get not found: the loader .debs come from Debian's registry (or pass --no-debs: the device then needs libvulkan1 and libegl1)");
  const r = spawnSync("apt-get", ["download", ...DEBS.map((d) => `${d}:amd64`)], { cwd: dest, encoding: "utf8" });
  if (r.status !== 0) fail(`apt-get download ${DEBS.join(" ")} failed (run apt-get update first?):\n${r.stderr}`);
}

async function models(stage: string): Promise<void> {
  for (const name of MODELS) {
    const spec = await loadSpec(join(repo, "specs", `${name}.convspec`));
    mkdirSync(join(stage, "models", name), { recursive: true });
    writeFileSync(join(stage, "models", name, "config.json"), JSON.stringify(exportHfConfig(spec), null, 2) + "\n");
    copyFileSync(join(repo, "specs", `${name}.convspec`), join(stage, "models", name, `${name}.convspec`));
  }
}

function golden(stage: string): void {
  const src = resolve(repo, "../shared/golden");
  if (!existsSync(src)) fail(`golden vectors not found at ${src} (shared/ must sit beside the repo)`);
  for (const c of readdirSync(src)) {
    if (existsSync(join(src, c, "expected.safetensors"))) cpSync(join(src, c), join(stage, "golden", c), { recursive: true });
  }
}

function sizeOf(path: string): number {
  const s = statSync(path);
  return s.isDirectory() ? readdirSync(path).reduce((a, f) => a + sizeOf(join(path, f)), 0) : s.size;
}

async function main(): Promise<void> {
  if (existsSync(dir) && !existsSync(join(dir, MARKER))) fail(`${dir} exists and is not a device bundle: refusing to replace it`);
  const stage = `${dir}.partial-${process.pid}`;
  mkdirSync(join(stage, "app"), { recursive: true });
  try {
    await bundle(stage);
    dawn(stage);
    node(stage);
    debs(stage);
    mkdirSync(join(stage, "python"));
    for (const f of ["hf_reference.py", "device_setup.py"]) copyFileSync(join(repo, "bench/device", f), join(stage, "python", f));
    await models(stage);
    golden(stage);
    copyFileSync(join(repo, "bench/device/run-device.sh"), join(stage, "run-device.sh"));
    chmodSync(join(stage, "run-device.sh"), 0o755);
    copyFileSync(join(repo, "bench/device/README.md"), join(stage, "README.md"));
    const commit = spawnSync("git", ["-C", repo, "rev-parse", "--short", "HEAD"], { encoding: "utf8" }).stdout.trim();
    writeFileSync(join(stage, MARKER), JSON.stringify({ commit, node: process.version, compression: xz ? "xz" : "gzip", date: new Date().toISOString() }, null, 1) + "\n");

    const total = sizeOf(stage);
    if (total > LIMIT) fail(`the bundle is ${(total / MiB).toFixed(1)} MiB, over the 64 MiB a device call carries`);
    if (existsSync(dir)) rmSync(dir, { recursive: true });
    renameSync(stage, dir);
    const parts = readdirSync(dir).map((f) => [f, sizeOf(join(dir, f))] as const).sort((a, b) => b[1] - a[1]);
    for (const [f, bytes] of parts) console.log(`${(bytes / MiB).toFixed(2).padStart(7)} MiB  ${f}`);
    console.log(`${(total / MiB).toFixed(2).padStart(7)} MiB  total: ${relative(process.cwd(), dir) || basename(dir)} (limit 64 MiB; ${xz ? "xz" : "gzip"})`);
    console.log(`on the device: OUT=<results dir> bash ${relative(process.cwd(), join(dir, "run-device.sh"))}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}

try {
  await main();
} catch (e) {
  console.error(e instanceof PackError ? `device:pack: ${e.message}` : e);
  process.exit(1);
}
