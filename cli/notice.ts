/**
 * What the CLI says besides its results and errors: notes (which backend
 * `auto` chose, a run's summary), warnings, and progress on a terminal. One
 * line each on stderr; `--quiet` silences all of them.
 */
let quiet = false;

export function setQuiet(value: boolean): void {
  quiet = value;
}

export function notice(line: string): void {
  if (!quiet) process.stderr.write(`${line}\n`);
}

export function warn(line: string): void {
  if (!quiet) process.stderr.write(`warning: ${line}\n`);
}

/** Progress on a terminal: "what..." now, " 1.23 s" when the returned function is called. */
function startStep(what: string): () => void {
  if (quiet || !process.stderr.isTTY) return () => {};
  process.stderr.write(`${what}...`);
  const start = performance.now();
  return () => process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(2)} s\n`);
}

/** A long step that says what it does and how long it took. */
export function timed<T>(what: string, work: () => T): T {
  const done = startStep(what);
  const result = work();
  done();
  return result;
}

export async function timedAsync<T>(what: string, work: () => Promise<T>): Promise<T> {
  const done = startStep(what);
  const result = await work();
  done();
  return result;
}
