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

/** Progress on a terminal: long steps say what they do and how long they took. */
export function timed<T>(what: string, work: () => T): T {
  if (quiet || !process.stderr.isTTY) return work();
  process.stderr.write(`${what}...`);
  const start = performance.now();
  const result = work();
  process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(2)} s\n`);
  return result;
}

export async function timedAsync<T>(what: string, work: () => Promise<T>): Promise<T> {
  if (quiet || !process.stderr.isTTY) return work();
  process.stderr.write(`${what}...`);
  const start = performance.now();
  const result = await work();
  process.stderr.write(` ${((performance.now() - start) / 1000).toFixed(2)} s\n`);
  return result;
}
