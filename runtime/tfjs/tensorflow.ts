/**
 * The `tensorflow` backend: libtensorflow with CUDA through the optional
 * @tensorflow/tfjs-node-gpu. It cannot be a regular dependency (its install
 * step downloads libtensorflow), so it is imported by a variable name at run
 * time, and its two ways of failing get different messages: not installed,
 * or installed but its native library did not load.
 */

export const TFJS_NODE_GPU = "@tensorflow/tfjs-node-gpu";

/** What to do about each failure; README "TensorFlow with CUDA" says the same. */
const NOT_INSTALLED =
  `${TFJS_NODE_GPU} is not installed (it is optional: on Linux x64 with an NVIDIA driver >= 450, CUDA 11.2 and cuDNN 8.1, ` +
  `run 'npm install ${TFJS_NODE_GPU}@4.22.0' where its install step can download libtensorflow)`;
const NATIVE_FAILED =
  `${TFJS_NODE_GPU} is installed but its native library did not load`;
const NATIVE_HELP =
  `its install step downloads libtensorflow into node_modules/${TFJS_NODE_GPU}/deps: if that was skipped (offline, --ignore-scripts) ` +
  `run 'npm rebuild ${TFJS_NODE_GPU}' with network access; libtensorflow also needs CUDA 11.2 and cuDNN 8.1 on LD_LIBRARY_PATH`;

/** Whether an import error says the package itself is missing (not one of its native parts). */
function isMissingPackage(error: unknown): boolean {
  const { code, message } = error as { code?: string; message?: string };
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && (message ?? "").includes(`'${TFJS_NODE_GPU}'`);
}

/** Why a backend could not load: `message` in full (an explicit --backend fails with it), `short` for `auto`'s one-line note. */
export class BackendUnavailable extends Error {
  constructor(
    message: string,
    readonly short: string,
  ) {
    super(message);
  }
}

/** The error at the bottom of a `cause` chain (loaders wrap the native error). */
function rootCause(error: unknown): unknown {
  let at = error;
  for (let depth = 0; depth < 8 && at instanceof Error && at.cause !== undefined; depth++) at = at.cause;
  return at;
}

/** The user-facing reason an import of tfjs-node-gpu failed. */
export function tensorflowLoadProblem(error: unknown): BackendUnavailable {
  if (isMissingPackage(error)) return new BackendUnavailable(NOT_INSTALLED, "not installed (optional, see README)");
  const root = rootCause(error);
  const first = String((root as Error)?.message ?? root).split("\n")[0];
  return new BackendUnavailable(`${NATIVE_FAILED} (${first}); ${NATIVE_HELP}`, `installed, but its native library did not load (${first})`);
}

export type ModuleImporter = (specifier: string) => Promise<unknown>;

// A variable specifier keeps bundlers and tsc from requiring the optional package.
const importModule: ModuleImporter = (specifier) => import(specifier);

/** Imports tfjs-node-gpu, which registers the "tensorflow" backend; throws tensorflowLoadProblem's BackendUnavailable. */
export async function loadTensorflow(load: ModuleImporter = importModule): Promise<void> {
  try {
    await load(TFJS_NODE_GPU);
  } catch (e) {
    throw tensorflowLoadProblem(e);
  }
}
