/**
 * `npm run example:browser`: builds the browser demo and serves it on
 * localhost. The page runs the golden tiny-mixed model on the browser's
 * WebGPU and checks it against the Hugging Face outputs; with
 *   --bundle DIR      (a `convspec compile --target wgsl -o DIR` folder)
 *   --weights FILE    (its safetensors checkpoint)
 *   --inputs FILE     (inputs.json; default: a short sequence within the vocabulary)
 *   --expected FILE   (safetensors of expected outputs, to see max |Δ|)
 * it runs your model instead (index.html?user). The page also takes a bundle
 * folder and a checkpoint picked from disk, without a server flag.
 *   npm run example:browser [-- --port 8080 --bundle out/model --weights w.safetensors]
 * Chromium needs WebGPU enabled (chrome://flags or --enable-unsafe-webgpu);
 * headless Chromium here runs it on SwiftShader (see the README).
 */
import { createReadStream, existsSync, lstatSync, realpathSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { buildBrowserDemo } from "./build.js";

const here = fileURLToPath(new URL(".", import.meta.url));
const TYPES: Record<string, string> = { ".html": "text/html", ".js": "text/javascript", ".json": "application/json", ".wgsl": "text/plain", ".css": "text/css" };

export interface DemoMounts {
  /** The built demo (main.js, model/, tfjs.js, …). */
  dist: string;
  /** The golden vectors (../shared/golden). */
  golden: string;
  /** The user's files, served under /user/. */
  bundle?: string;
  weights?: string;
  inputs?: string;
  expected?: string;
}

/** URL path -> a file or folder on disk; the longest prefix wins. A file mount serves exactly that path. */
function mountTable(m: DemoMounts): [string, string][] {
  const table: [string, string | undefined][] = [
    ["/dist/", m.dist],
    ["/golden/", m.golden],
    ["/user/bundle/", m.bundle],
    ["/user/weights.safetensors", m.weights],
    ["/user/inputs.json", m.inputs],
    ["/user/expected.safetensors", m.expected],
    ["/", here],
  ];
  return table.filter((e): e is [string, string] => e[1] !== undefined).map(([p, dir]) => [p, resolve(dir)]);
}

/** The regular file a URL path names, or null: nothing outside a mount, no devices or FIFOs, no directory listings. */
export function fileFor(mounts: [string, string][], urlPath: string): string | null {
  const mount = mounts.find(([prefix]) => (prefix.endsWith("/") ? urlPath.startsWith(prefix) : urlPath === prefix));
  if (!mount) return null;
  const [prefix, root] = mount;
  const rest = urlPath.slice(prefix.length) || (prefix.endsWith("/") ? "index.html" : "");
  const file = rest === "" ? root : resolve(root, rest);
  const inside = relative(root, file);
  if (inside.startsWith("..") || isAbsolute(inside) || !existsSync(file)) return null;
  // A symlink inside the mount must not lead out of it.
  const real = realpathSync(file);
  const realInside = relative(realpathSync(root), real);
  if (rest !== "" && (realInside.startsWith("..") || isAbsolute(realInside))) return null;
  return lstatSync(real).isFile() ? real : null;
}

export function serveDemo(mounts: DemoMounts, port = 0): Promise<Server> {
  const table = mountTable(mounts);
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? "/", "http://localhost").pathname);
    } catch {
      res.writeHead(400).end();
      return;
    }
    const file = req.method === "GET" || req.method === "HEAD" ? fileFor(table, path) : null;
    if (!file) {
      res.writeHead(404, { "content-type": "text/plain" }).end(`not found: ${path}\n`);
      return;
    }
    res.writeHead(200, { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "cache-control": "no-store" });
    if (req.method === "HEAD") res.end();
    else createReadStream(file).pipe(res);
  });
  return new Promise((done, fail) => {
    server.once("error", fail);
    server.listen(port, "127.0.0.1", () => done(server));
  });
}

/** A flag's path, which must name an existing regular file (or, for --bundle, a folder with plan.json and run-plan.js). */
function checkedPath(flag: string, path: string | undefined, kind: "file" | "bundle"): string | undefined {
  if (path === undefined) return undefined;
  if (!existsSync(path)) throw new Error(`${flag} ${path}: no such ${kind === "file" ? "file" : "folder"}`);
  const stat = lstatSync(realpathSync(path));
  if (kind === "file" && !stat.isFile()) throw new Error(`${flag} ${path}: not a regular file`);
  if (kind === "bundle" && !(stat.isDirectory() && existsSync(join(path, "plan.json")) && existsSync(join(path, "run-plan.js")))) {
    throw new Error(`${flag} ${path}: not a WGSL bundle (a folder with plan.json and run-plan.js: convspec compile SPEC --target wgsl -o DIR)`);
  }
  return path;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      bundle: { type: "string" },
      weights: { type: "string" },
      inputs: { type: "string" },
      expected: { type: "string" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be 0..65535, got '${values.port}'`);
  const mounts: DemoMounts = {
    dist: join(here, "dist"),
    golden: resolve(here, "../../../shared/golden"),
    bundle: checkedPath("--bundle", values.bundle, "bundle"),
    weights: checkedPath("--weights", values.weights, "file"),
    inputs: checkedPath("--inputs", values.inputs, "file"),
    expected: checkedPath("--expected", values.expected, "file"),
  };
  if ((mounts.bundle === undefined) !== (mounts.weights === undefined)) throw new Error("--bundle and --weights go together: a compiled model and its checkpoint");
  if (!existsSync(join(mounts.golden, "tiny-mixed"))) throw new Error(`the golden vectors are not at ${mounts.golden}`);
  await buildBrowserDemo(mounts.dist, join(mounts.golden, "tiny-mixed"));
  const server = await serveDemo(mounts, port);
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  console.log(`serving the convspec browser demo (Ctrl-C stops it):`);
  console.log(`  ${url}/index.html              tiny-mixed through the generated WGSL, checked against Hugging Face`);
  console.log(`  ${url}/index.html?target=tfjs  the same through tfjs's WebGPU backend`);
  if (mounts.bundle) console.log(`  ${url}/index.html?user         your bundle ${mounts.bundle} with ${mounts.weights}`);
  console.log(`  ${url}/compare.html            compare specs typed in the page`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((e: unknown) => {
    console.error(`error: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
