import pc from "picocolors";

/**
 * Colour only on a terminal: picocolors alone also says yes under `CI=1`,
 * which would put escapes into piped output that scripts and tests compare.
 */
export function colorOn(stream: NodeJS.WriteStream = process.stdout): boolean {
  return pc.isColorSupported && stream.isTTY === true;
}
