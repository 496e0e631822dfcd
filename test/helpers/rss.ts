/**
 * Runs the CLI in a child process and reports its peak resident memory, for
 * the bounded-memory tests (DESIGN.md invariant 5): generous bounds, never
 * timings.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, ROOT, type CliResult } from './cli.js';

const WRAPPER = join(ROOT, 'test', 'helpers', 'max-rss.mjs');
const MARK = /\n?flowzip-max-rss-kb (\d+)\n?$/;

/** A CLI run with its peak RSS in MiB (the marker line is taken out of stderr). */
export interface RssResult extends CliResult {
  maxRssMiB: number;
}

function split(stderr: string): { stderr: string; maxRssMiB: number } {
  const m = MARK.exec(stderr);
  return { stderr: stderr.replace(MARK, ''), maxRssMiB: m ? Number(m[1]) / 1024 : Number.NaN };
}

/** Runs `flowzip ...args` to its end (killed after `timeout` ms). */
export function runCliRss(args: string[], options: { cwd?: string; input?: Uint8Array; timeout?: number } = {}): RssResult {
  const r = spawnSync(process.execPath, [WRAPPER, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    env: { ...process.env, FLOWZIP_DEBUG: '' },
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.error) throw r.error;
  return { status: r.status, signal: r.signal, stdout: r.stdout, ...split(r.stderr.toString('utf8')) };
}

/** Peak RSS (VmHWM) in MiB of a live process, from /proc (Linux); NaN where unavailable. */
export function peakRssOf(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

/**
 * Runs `flowzip ...args` for `ms` milliseconds, reads its peak RSS from /proc,
 * then kills it. With `stdinZeros`, stdin is an endless pipe of zeros (as
 * `cat /dev/zero |`). `stdoutBytes` counts what it wrote (not kept).
 */
export function runCliFor(
  args: string[],
  ms: number,
  options: { cwd?: string; stdinZeros?: boolean } = {},
): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdoutBytes: number; stderr: string; maxRssMiB: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, FLOWZIP_DEBUG: '' }, stdio: [options.stdinZeros ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    if (options.stdinZeros) {
      const zeros = Buffer.alloc(1 << 20);
      const feed = () => {
        while (child.stdin!.writable && child.stdin!.write(zeros));
      };
      child.stdin!.on('drain', feed);
      child.stdin!.on('error', () => {});
      feed();
    }
    let stdoutBytes = 0,
      stderr = '',
      maxRssMiB = Number.NaN;
    child.stdout!.on('data', (c: Buffer) => (stdoutBytes += c.length));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => {
      maxRssMiB = peakRssOf(child.pid!);
      child.kill('SIGKILL');
    }, ms);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      if (options.stdinZeros) child.stdin!.destroy();
      resolve({ status, signal, stdoutBytes, stderr, maxRssMiB });
    });
  });
}
