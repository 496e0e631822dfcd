/**
 * Temporary files the CLI is writing, and their removal when the process is
 * interrupted (SIGINT, SIGTERM, SIGHUP) or exits early. Signal handlers are
 * installed only while a temporary file exists, so that outside the short
 * write-and-rename window a Ctrl-C stops flowzip at once, even during the
 * (synchronous) coding of an image.
 */
import { unlinkSync } from 'node:fs';

const SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const pending = new Set<string>();

function removeAllSync(): void {
  for (const path of pending) {
    try {
      unlinkSync(path);
    } catch {
      // already gone, or never created
    }
  }
  pending.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAllSync();
  uninstall();
  // Die of the same signal, so the parent sees how we ended (exit status 128+n).
  process.kill(process.pid, signal);
}

function onExit(): void {
  removeAllSync();
}

function install(): void {
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);
}

function uninstall(): void {
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', onExit);
}

/** Registers a temporary file to delete if the process is interrupted before {@link releaseTemp}. */
export function trackTemp(path: string): void {
  if (pending.size === 0) install();
  pending.add(path);
}

/** The temporary file was renamed into place or removed: stop tracking it. */
export function releaseTemp(path: string): void {
  if (!pending.delete(path)) return;
  if (pending.size === 0) uninstall();
}
