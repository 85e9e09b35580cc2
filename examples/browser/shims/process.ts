/**
 * What the compiler reads from Node's `process` when bundled for a browser
 * (esbuild injects it as the global `process`): no debug output, paths
 * relative to the root of the virtual spec folder.
 */
export const process = {
  env: {} as Record<string, string | undefined>,
  cwd: () => "/",
  pid: 0,
  stderr: { write: (_text: string) => true },
  stdout: { write: (_text: string) => true, isTTY: false },
};
