/**
 * Notes to the user that are not results (which backend `auto` chose, and
 * why): one line each on stderr. Everything the CLI says besides its results
 * and errors goes through here, so a `--quiet` needs to change only this.
 */
export function notice(line: string): void {
  process.stderr.write(`${line}\n`);
}
