/**
 * A progress bar on stderr for long sweeps (cli-progress), shown only when
 * stderr is a terminal; elsewhere (pipes, CI logs, tests) nothing is printed.
 */

export interface Progress {
  /** One more run done; `label` says what is running now. */
  tick(label: string): void;
  stop(): void;
}

const SILENT: Progress = { tick: () => {}, stop: () => {} };

export async function progressBar(total: number, stream: NodeJS.WriteStream = process.stderr): Promise<Progress> {
  if (!stream.isTTY || total === 0) return SILENT;
  const { default: cliProgress } = await import("cli-progress");
  const bar = new cliProgress.SingleBar(
    { stream, format: "bench {bar} {value}/{total} runs | {label} | ETA {eta_formatted}", hideCursor: true, clearOnComplete: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: "" });
  return {
    tick: (label) => bar.increment(1, { label }),
    stop: () => bar.stop(),
  };
}
