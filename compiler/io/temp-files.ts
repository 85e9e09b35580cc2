/**
 * Temporary files of writes in progress. While one exists, SIGINT, SIGTERM
 * and SIGHUP remove it before the process ends (the signal is then raised
 * again, so the exit status still tells how the process was stopped), and so
 * does an exit. Handlers are installed only while a write is in flight: a
 * long synchronous forward pass must stay interruptible by Ctrl-C.
 */
import { unlinkSync } from "node:fs";

const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];
const pending = new Set<string>();

/** Registers `path` for removal on a signal; the returned function unregisters it. */
export function trackTempFile(path: string): () => void {
  if (pending.size === 0) install();
  pending.add(path);
  return () => {
    pending.delete(path);
    if (pending.size === 0) uninstall();
  };
}

/** Removes a file, ignoring every error: cleanup must never mask the error that caused it. */
export function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // already gone, or its folder went away
  }
}

function removeAll(): void {
  for (const path of pending) removeQuietly(path);
  pending.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  uninstall();
  // With our listener gone the default action applies: the process ends by this signal, as if never caught.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on("exit", removeAll);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  process.removeListener("exit", removeAll);
}
