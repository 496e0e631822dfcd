/**
 * Temporary files the CLI is writing, and their removal when the process is
 * interrupted (SIGINT, SIGTERM, SIGHUP) or exits early. Signal handlers are
 * installed while a temporary file exists, and taken off at the next turn of
 * the event loop after the last one is released (not at once: a batch of
 * small files writes one after the other, and installing and removing three
 * signal handlers per file cost more than writing it), so that outside the
 * short write-and-rename window a Ctrl-C stops flowzip at once, even during
 * the (synchronous) coding of an image. The CLI's per-file loop gives the
 * event loop a turn between files at least every few tens of milliseconds
 * (batch.ts), so a signal is never held up for long.
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

let installed = false;
let uninstallScheduled = false;

function install(): void {
  if (installed) return;
  for (const s of SIGNALS) process.on(s, onSignal);
  process.on('exit', onExit);
  installed = true;
}

function uninstall(): void {
  if (!installed) return;
  for (const s of SIGNALS) process.off(s, onSignal);
  process.off('exit', onExit);
  installed = false;
}

/** Takes the handlers off unless a temporary file appeared again meanwhile. */
function uninstallIfIdle(): void {
  uninstallScheduled = false;
  if (pending.size === 0) uninstall();
}

/** Registers a temporary file to delete if the process is interrupted before {@link releaseTemp}. */
export function trackTemp(path: string): void {
  install();
  pending.add(path);
}

/** The temporary file was renamed into place or removed: stop tracking it (the handlers go at the next turn of the event loop). */
export function releaseTemp(path: string): void {
  if (!pending.delete(path)) return;
  if (pending.size === 0 && !uninstallScheduled) {
    uninstallScheduled = true;
    setImmediate(uninstallIfIdle).unref();
  }
}

/** True while the signal handlers are installed (tests). */
export function signalHandlersInstalled(): boolean {
  return installed;
}
