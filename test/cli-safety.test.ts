/**
 * Safe file handling of the real CLI (DESIGN.md invariants 2 and 6), with
 * real processes and real files: outputs are written under a temporary name
 * in the target folder and renamed only when complete; --rm removes an input
 * only after its output is in place; an existing output is never replaced
 * without -f, even one that appears while flowzip works; and a process killed
 * with SIGKILL (kill -9: no handler runs) while coding or in the middle of
 * writing leaves the input as it was and nothing under the final name.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writePng } from '../src/codec/formats/png.js';
import { BIN, BUILT_CLI, listDir, makeTempDir, runCli } from './helpers/cli.js';

const scratch: string[] = [];
function tempDir(): string {
  const dir = makeTempDir('flowzip-safety-');
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** Matches the CLI's temporary names: `.NAME.tmp-PID-HOSTRANDOM` (io.ts). */
const TEMP = /^\..+\.tmp-\d+-[0-9a-f]+$/;

/** A 2048×2048 RGB PNG, photo-ish with noise, that takes the coder a few seconds (about 3.5 s here with two workers; the tests act 1 s in). */
function busyPng(): Uint8Array {
  const w = 2048,
    h = 2048;
  let s = 12345;
  const rnd = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) px[(y * w + x) * 3 + c] = ((x * (c + 1) + y * 2) & 255) ^ Math.floor(rnd() * 24);
  return writePng({ raster: { width: w, height: h, channels: 3, bitDepth: 8, samples: px }, colourType: 2, pngBitDepth: 8, interlaced: false, ancillary: [] });
}

interface Outcome {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Names seen appearing or vanishing in the watched folders, in order (inotify 'rename' events). */
  events: string[];
  /** True when the test killed the child because a temporary file appeared. */
  killedOnTemp: boolean;
}

/**
 * Runs the CLI asynchronously in `cwd`, watching `watchDirs` for names.
 * `killOnTemp`: SIGKILL the child the moment a temporary file appears.
 * `killAfterMs`: SIGKILL it after that long. `onStart`: called after `atMs`.
 */
function runWatched(args: string[], cwd: string, opts: { watchDirs?: string[]; killOnTemp?: boolean; killAfterMs?: number; at?: { ms: number; run: () => void } } = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const events: string[] = [];
    let killedOnTemp = false;
    const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, FLOWZIP_DEBUG: '' }, stdio: ['ignore', 'ignore', 'pipe'] });
    const watchers = (opts.watchDirs ?? [cwd]).map((dir) =>
      watch(dir, (_event, name) => {
        if (!name) return;
        events.push(name);
        if (opts.killOnTemp && !killedOnTemp && TEMP.test(name) && existsSync(join(dir, name))) {
          killedOnTemp = true;
          child.kill('SIGKILL');
        }
      }),
    );
    const timers: NodeJS.Timeout[] = [];
    if (opts.killAfterMs !== undefined) timers.push(setTimeout(() => child.kill('SIGKILL'), opts.killAfterMs));
    if (opts.at) timers.push(setTimeout(opts.at.run, opts.at.ms));
    timers.push(setTimeout(() => child.kill('SIGKILL'), 100_000));
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (status, signal) => {
      timers.forEach(clearTimeout);
      // Let inotify events still in flight arrive.
      setTimeout(() => {
        watchers.forEach((w) => w.close());
        resolve({ status, signal, stderr, events, killedOnTemp });
      }, 50);
    });
  });
}

beforeAll(() => {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: build first with \`npx tsc -p tsconfig.json\` (\`npm test\` does it)`);
});

describe('outputs are written under a temporary name in the target folder, then renamed', () => {
  it('compress -o into another folder: the temp file appears there (not in the cwd), then the final name; nothing is left', async () => {
    const dir = tempDir();
    const sub = join(dir, 'out');
    mkdirSync(sub);
    writeFileSync(join(dir, 'in.bin'), randomBytes(1 << 20));
    const r = await runWatched(['compress', '-o', 'out/x.fz', 'in.bin'], dir, { watchDirs: [dir, sub] });
    expect(r.status, r.stderr).toBe(0);
    const temps = r.events.filter((n) => TEMP.test(n));
    expect(temps.length).toBeGreaterThan(0);
    expect(temps.every((n) => n.startsWith('.x.fz.tmp-'))).toBe(true);
    // Order: the temporary file, then the final name.
    expect(r.events.indexOf(temps[0])).toBeLessThan(r.events.indexOf('x.fz'));
    expect(listDir(sub)).toEqual(['x.fz']);
    expect(listDir(dir)).toEqual(['in.bin', 'out']);
    const d = runCli(['decompress', '-c', 'out/x.fz'], { cwd: dir });
    expect(d.stdout.equals(readFileSync(join(dir, 'in.bin')))).toBe(true);
  });
});

describe('--rm', () => {
  it('compress --rm: the input disappears only after the output is in place', async () => {
    const dir = tempDir();
    const original = randomBytes(256 << 10);
    writeFileSync(join(dir, 'a.bin'), original);
    const r = await runWatched(['compress', '--rm', 'a.bin'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(listDir(dir)).toEqual(['a.bin.fz']);
    const out = r.events.indexOf('a.bin.fz'),
      gone = r.events.lastIndexOf('a.bin');
    expect(out).toBeGreaterThanOrEqual(0);
    expect(gone).toBeGreaterThan(out);
    expect(runCli(['decompress', '-c', 'a.bin.fz'], { cwd: dir }).stdout.equals(original)).toBe(true);
  });

  it('decompress --rm: the .fz disappears only after the output is in place', async () => {
    const dir = tempDir();
    const original = randomBytes(256 << 10);
    writeFileSync(join(dir, 'a.bin'), original);
    expect(runCli(['compress', '--rm', 'a.bin'], { cwd: dir }).status).toBe(0);
    const r = await runWatched(['decompress', '--rm', 'a.bin.fz'], dir);
    expect(r.status, r.stderr).toBe(0);
    expect(listDir(dir)).toEqual(['a.bin']);
    expect(r.events.lastIndexOf('a.bin.fz')).toBeGreaterThan(r.events.indexOf('a.bin'));
    expect(readFileSync(join(dir, 'a.bin')).equals(original)).toBe(true);
  });

  it('keeps the input when the output cannot be written, or the stream is corrupt', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), 'some text '.repeat(100));
    let r = runCli(['compress', '--rm', '-o', 'no/such/folder/a.fz', 'a.txt'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(listDir(dir)).toEqual(['a.txt']);

    writeFileSync(join(dir, 'bad.fz'), Buffer.from('FZ\x10not really a stream'));
    r = runCli(['decompress', '--rm', 'bad.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(listDir(dir)).toEqual(['a.txt', 'bad.fz']);
  });
});

describe('existing outputs are never replaced without -f', () => {
  it('decompress refuses an existing output, and -f replaces it', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.txt'), 'original text');
    expect(runCli(['compress', 'a.txt'], { cwd: dir }).status).toBe(0);
    writeFileSync(join(dir, 'a.txt'), 'newer text, keep me');
    const r = runCli(['decompress', 'a.txt.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/already exists; use -f/);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('newer text, keep me');
    expect(runCli(['decompress', '-f', 'a.txt.fz'], { cwd: dir }).status).toBe(0);
    expect(readFileSync(join(dir, 'a.txt'), 'utf8')).toBe('original text');
    expect(listDir(dir)).toEqual(['a.txt', 'a.txt.fz']);
  });

  it('an output that appears while flowzip is coding is not replaced (and nothing is left behind)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'busy.png'), busyPng());
    const r = await runWatched(['compress', 'busy.png'], dir, { at: { ms: 1000, run: () => writeFileSync(join(dir, 'busy.png.fz'), 'appeared meanwhile') } });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/busy\.png\.fz already exists; use -f/);
    expect(readFileSync(join(dir, 'busy.png.fz'), 'utf8')).toBe('appeared meanwhile');
    expect(listDir(dir)).toEqual(['busy.png', 'busy.png.fz']);
  });
});

describe('kill -9 (SIGKILL)', () => {
  let png: Uint8Array;
  beforeAll(() => {
    png = busyPng();
  });

  it('while coding an image: the input is intact and no output file exists, under any name', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'photo.png'), png);
    const r = await runWatched(['compress', '--rm', 'photo.png'], dir, { killAfterMs: 1000 });
    expect(r.signal).toBe('SIGKILL');
    expect(readFileSync(join(dir, 'photo.png')).equals(Buffer.from(png))).toBe(true);
    expect(listDir(dir)).toEqual(['photo.png']);
  });

  /**
   * Kills the CLI the moment its temporary output appears (large output, so
   * the write takes a while). If the kill came too late — after the rename —
   * the final file must be complete; at least one attempt must land mid-write.
   */
  async function killMidWrite(args: string[], dir: string, input: string, output: string, expectedOutput: Uint8Array): Promise<void> {
    const before = readFileSync(join(dir, input));
    let midWrite = 0;
    for (let attempt = 0; attempt < 4 && midWrite === 0; attempt++) {
      const r = await runWatched(args, dir, { killOnTemp: true });
      expect(r.killedOnTemp, r.stderr).toBe(true);
      expect(r.signal).toBe('SIGKILL');
      expect(readFileSync(join(dir, input)).equals(before), 'input intact').toBe(true);
      const temps = listDir(dir).filter((n) => TEMP.test(n));
      if (existsSync(join(dir, output))) {
        // Killed after the rename: then it is the whole, correct file.
        expect(readFileSync(join(dir, output)).equals(Buffer.from(expectedOutput))).toBe(true);
        rmSync(join(dir, output));
      } else {
        midWrite++;
        // SIGKILL runs no handler, so the partial temporary file stays — under its temporary name only.
        expect(temps.length).toBeLessThanOrEqual(1);
        for (const t of temps) expect(statSync(join(dir, t)).size).toBeLessThanOrEqual(expectedOutput.length);
      }
      for (const t of temps) rmSync(join(dir, t));
      expect(listDir(dir)).toEqual([input].sort());
    }
    expect(midWrite).toBeGreaterThan(0);
  }

  it('in the middle of writing a compressed file: the input is intact and nothing is under the final name', async () => {
    const dir = tempDir();
    const big = Buffer.concat([Buffer.from(png), randomBytes(64 << 20)]); // ~66 MB: the write takes a while
    writeFileSync(join(dir, 'big.bin'), big);
    const ref = runCli(['compress', '-c', '--method', 'stored', 'big.bin'], { cwd: dir });
    expect(ref.status).toBe(0);
    await killMidWrite(['compress', '--rm', '--method', 'stored', 'big.bin'], dir, 'big.bin', 'big.bin.fz', ref.stdout);
  });

  it('in the middle of writing a decompressed file: the .fz is intact and nothing is under the final name', async () => {
    const dir = tempDir();
    const big = Buffer.concat([Buffer.from(png), randomBytes(64 << 20)]);
    writeFileSync(join(dir, 'big.bin'), big);
    expect(runCli(['compress', '--rm', '--method', 'stored', 'big.bin'], { cwd: dir }).status).toBe(0);
    await killMidWrite(['decompress', '--rm', 'big.bin.fz'], dir, 'big.bin.fz', 'big.bin', big);
  });
});
