/**
 * gzip/zstd habits of the real CLI (`node bin/flowzip.js`, built in dist/),
 * on real files in fresh temporary folders: no command means compress, -k,
 * -t / test, -l / list, -r, the name of a stream made from stdin, what -v
 * says (model, backend, workers), --backend tensorflow without tfjs-node, and
 * the help that documents them.
 */
import { createRequire } from 'node:module';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

import { duration } from '../src/cli/format.js';
import { sameContent } from '../src/codec/verify.js';
import { BUILT_CLI, CORPUS_DIRS, listDir, runCli, scratchFolders } from './helpers/cli.js';

const tempDir = scratchFolders('flowzip-gzip-');

beforeAll(() => {
  if (!existsSync(BUILT_CLI)) throw new Error(`${BUILT_CLI} is missing: build first with \`npx tsc -p tsconfig.json\` (\`npm test\` does it)`);
});

const [PHOTOS, EDGE] = CORPUS_DIRS;
const RGB = readFileSync(join(PHOTOS, 'rgb-pixel2xl-64x64.png'));
const GRAY = readFileSync(join(PHOTOS, 'gray-camera-160x120.png'));
const TEXT = readFileSync(join(EDGE, 'text-gpl3-head.txt'));
const FAST = ['--method', 'flow', '--model', 'zero-rgb']; // model zero: quick to code

/** A folder holding `files` (name → bytes; names may contain subfolders). */
function folderWith(files: Record<string, Uint8Array>): string {
  const dir = tempDir();
  for (const [name, bytes] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), bytes);
  }
  return dir;
}

describe('no command means compress', () => {
  it('flowzip FILE writes FILE.fz and keeps FILE; flowzip -c FILE writes the stream to stdout', () => {
    const dir = folderWith({ 'a.png': RGB, 'notes.txt': TEXT });
    const r = runCli([...FAST, 'a.png', 'notes.txt'], { cwd: dir });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(listDir(dir)).toEqual(['a.png', 'a.png.fz', 'notes.txt', 'notes.txt.fz']);

    const c = runCli(['-c', ...FAST, 'a.png'], { cwd: dir });
    expect(c.status).toBe(0);
    expect(Buffer.compare(c.stdout, readFileSync(join(dir, 'a.png.fz')))).toBe(0);
    const back = runCli(['-d', '-c'], { cwd: dir, input: c.stdout });
    expect(back.status).toBe(0);
    expect(sameContent(RGB, back.stdout)).toBe(true);
  });
});

describe('-k / --keep', () => {
  it('is accepted by compress and decompress (keeping is the default); with --rm it is a usage error', () => {
    const dir = folderWith({ 'a.png': RGB });
    expect(runCli(['-k', ...FAST, 'a.png'], { cwd: dir }).status).toBe(0);
    expect(runCli(['compress', '--keep', '-f', ...FAST, 'a.png'], { cwd: dir }).status).toBe(0);
    rmSync(join(dir, 'a.png'));
    expect(runCli(['-dk', 'a.png.fz'], { cwd: dir }).status).toBe(0);
    expect(listDir(dir)).toEqual(['a.png', 'a.png.fz']);
    expect(sameContent(RGB, readFileSync(join(dir, 'a.png')))).toBe(true);

    const both = runCli(['-k', '--rm', '-f', 'a.png'], { cwd: dir });
    expect(both.status).toBe(2);
    expect(both.stderr).toMatch(/-k\/--keep and --rm contradict/);
    expect(listDir(dir)).toEqual(['a.png', 'a.png.fz']);
  });
});

describe('-t / --test / flowzip test', () => {
  it('decodes and verifies without writing: OK per good stream, exit 1 and one line for a bad one', () => {
    const dir = folderWith({ 'a.png': RGB, 'notes.txt': TEXT });
    expect(runCli([...FAST, 'a.png', 'notes.txt'], { cwd: dir }).status).toBe(0);
    const bad = Buffer.from(readFileSync(join(dir, 'a.png.fz')));
    bad[bad.length - 20] ^= 0x10;
    writeFileSync(join(dir, 'bad.png.fz'), bad);
    const before = listDir(dir);

    for (const args of [['-t'], ['--test'], ['test'], ['t']]) {
      const r = runCli([...args, 'a.png.fz', 'notes.txt.fz'], { cwd: dir });
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.toString()).toBe('a.png.fz: OK\nnotes.txt.fz: OK\n');
    }
    const q = runCli(['-tq', 'a.png.fz'], { cwd: dir });
    expect(q.status).toBe(0);
    expect(q.stdout.toString()).toBe('');

    const r = runCli(['-t', 'a.png.fz', 'bad.png.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout.toString()).toBe('a.png.fz: OK\n');
    expect(r.stderr).toMatch(/^flowzip: bad\.png\.fz: .+\n$/);
    expect(listDir(dir)).toEqual(before); // nothing written, nothing removed
  });
});

describe('-l / --list / flowzip list', () => {
  it('is info', () => {
    const dir = folderWith({ 'a.png': RGB });
    expect(runCli([...FAST, 'a.png'], { cwd: dir }).status).toBe(0);
    const info = runCli(['info', '--json', 'a.png.fz'], { cwd: dir });
    expect(info.status).toBe(0);
    expect(JSON.parse(info.stdout.toString())[0]).toMatchObject({ file: 'a.png.fz', method: 'image', image: { width: 64, height: 64, channels: 3 } });
    for (const args of [
      ['-l', '--json'],
      ['--list', '--json'],
      ['list', '--json'],
    ]) {
      const r = runCli([...args, 'a.png.fz'], { cwd: dir });
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout.toString(), args.join(' ')).toBe(info.stdout.toString());
    }
  });
});

describe('-r / --recursive', () => {
  it('compress takes every file below a folder (not .fz files); -d, -t and -l take the .fz files', () => {
    const dir = folderWith({ 'pics/a.png': RGB, 'pics/sub/notes.txt': TEXT, 'pics/sub/deeper/old.txt.fz': Buffer.from('not a stream') });
    const c = runCli(['-r', ...FAST, 'pics'], { cwd: dir });
    expect(c.stderr).toBe('');
    expect(c.status).toBe(0);
    expect(listDir(join(dir, 'pics'))).toEqual(['a.png', 'a.png.fz', 'sub']);
    expect(listDir(join(dir, 'pics', 'sub'))).toEqual(['deeper', 'notes.txt', 'notes.txt.fz']);
    expect(listDir(join(dir, 'pics', 'sub', 'deeper'))).toEqual(['old.txt.fz']); // not compressed again
    rmSync(join(dir, 'pics', 'sub', 'deeper'), { recursive: true });

    const t = runCli(['-t', '-r', 'pics'], { cwd: dir });
    expect(t.status).toBe(0);
    expect(t.stdout.toString()).toBe(`${join('pics', 'a.png.fz')}: OK\n${join('pics', 'sub', 'notes.txt.fz')}: OK\n`);
    const l = runCli(['-l', '-r', '--json', 'pics'], { cwd: dir });
    expect((JSON.parse(l.stdout.toString()) as Array<{ file: string }>).map((x) => x.file)).toEqual([join('pics', 'a.png.fz'), join('pics', 'sub', 'notes.txt.fz')]);

    rmSync(join(dir, 'pics', 'a.png'));
    rmSync(join(dir, 'pics', 'sub', 'notes.txt'));
    const d = runCli(['-d', '-r', '--rm', 'pics'], { cwd: dir });
    expect(d.status).toBe(0);
    expect(listDir(join(dir, 'pics'))).toEqual(['a.png', 'sub']);
    expect(listDir(join(dir, 'pics', 'sub'))).toEqual(['notes.txt']);
    expect(sameContent(RGB, readFileSync(join(dir, 'pics', 'a.png')))).toBe(true);
    expect(readFileSync(join(dir, 'pics', 'sub', 'notes.txt')).equals(TEXT)).toBe(true);
  });

  it('without -r a folder is a per-file error that names -r', () => {
    const dir = folderWith({ 'pics/a.png': RGB });
    const r = runCli(['pics'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('flowzip: pics: is a directory (-r takes the files in folders)\n');
    expect(listDir(join(dir, 'pics'))).toEqual(['a.png']);
  });
});

describe('a stream made from stdin', () => {
  it('decompresses to a name with the image extension when its name has none', () => {
    const dir = tempDir();
    const ppm = Buffer.concat([Buffer.from('P6\n4 2\n255\n'), Buffer.from(Array.from({ length: 24 }, (_, i) => (i * 37) & 255))]);
    const cases: Array<[Uint8Array, string, string]> = [
      [RGB, 'a.fz', 'a.png'],
      [GRAY, 'g.fz', 'g.png'],
      [ppm, 'p.fz', 'p.ppm'],
      [TEXT, 'n.fz', 'n'],
      [RGB, 'keep.dat.fz', 'keep.dat'],
    ];
    for (const [bytes, fz, expected] of cases) {
      const c = runCli(['--method', 'flow'], { cwd: dir, input: bytes });
      expect(c.status, fz).toBe(0);
      writeFileSync(join(dir, fz), c.stdout);
      const d = runCli(['-d', fz], { cwd: dir });
      expect(d.status, `${fz}: ${d.stderr}`).toBe(0);
      expect(existsSync(join(dir, expected)), `${fz} → ${expected}`).toBe(true);
      expect(sameContent(bytes, readFileSync(join(dir, expected))), expected).toBe(true);
    }
  });
});

describe('-v names the model, the backend and the workers of each file', () => {
  it('for compress, decompress and test', () => {
    const dir = folderWith({ 'a.png': RGB, 'notes.txt': TEXT });
    const c = runCli(['-v', '--backend', 'reference', '--workers', '1', '--method', 'auto', '--model', 'zero-rgb', 'a.png', 'notes.txt'], { cwd: dir });
    expect(c.status).toBe(0);
    const lines = c.stderr.trim().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^a\.png -> a\.png\.fz: .*image 64x64x3, [\d.]+ bpsp, model zero-rgb, backend reference, 1 worker, /);
    expect(lines[1]).toMatch(/^notes\.txt -> notes\.txt\.fz: .*brotli, no model, /);

    rmSync(join(dir, 'a.png'));
    const d = runCli(['-dv', '--workers', '2', 'a.png.fz'], { cwd: dir });
    expect(d.status).toBe(0);
    expect(d.stderr).toMatch(/^a\.png\.fz -> a\.png: .*model zero-rgb, backend (reference|wasm|tensorflow) \(auto\), 2 workers, /);
    const t = runCli(['-tv', '--backend', 'reference', 'a.png.fz'], { cwd: dir });
    expect(t.status).toBe(0);
    expect(t.stdout.toString()).toMatch(/^a\.png\.fz: OK \(.*model zero-rgb, backend reference, \d+ workers?, /);
  });
});

describe('--backend tensorflow', () => {
  let installed = true;
  try {
    createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
  } catch {
    installed = false;
  }
  it.skipIf(installed)('says that @tensorflow/tfjs-node is not installed (exit 2, nothing written)', () => {
    const dir = folderWith({ 'a.png': RGB });
    for (const args of [
      ['--backend', 'tensorflow', 'a.png'],
      ['-t', '--backend', 'tensorflow', 'x.fz'],
    ]) {
      const r = runCli(args, { cwd: dir });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^flowzip: --backend tensorflow needs @tensorflow\/tfjs-node, which is not installed/);
    }
    expect(listDir(dir)).toEqual(['a.png']);
  });
});

describe('progress bar times', () => {
  it('round before splitting into units (no "6m60s")', () => {
    expect(duration(419, 5)).toBe('7m00s');
    expect(duration(418.9)).toBe('6m59s');
    expect(duration(59.6)).toBe('1m00s');
    expect(duration(12.4, 5)).toBe('10s');
    expect(duration(7, 5)).toBe('5s');
    expect(duration(3599, 5)).toBe('1h00m');
    expect(duration(7170)).toBe('2h00m');
    expect(duration(3 * 3600 + 5 * 60 + 10)).toBe('3h05m');
    expect(duration(Number.NaN)).toBe('-');
    expect(duration(Number.POSITIVE_INFINITY)).toBe('-');
  });
});

describe('--help documents the gzip-style flags', () => {
  it('in the top-level help and in each command', () => {
    const top = runCli(['--help']).stdout.toString();
    for (const f of ['flowzip photo.png', 'flowzip -d ', 'flowzip -t ', 'flowzip -l ', 'flowzip -r ', 'flowzip -k ', 'flowzip -v ', 'no COMMAND: compress']) expect(top, f).toContain(f);
    const compress = runCli(['compress', '--help']).stdout.toString();
    for (const f of ['-k, --keep', '-r, --recursive', 'model, backend, workers']) expect(compress, f).toContain(f);
    const decompress = runCli(['decompress', '--help']).stdout.toString();
    for (const f of ['-k, --keep', '-r, --recursive', 'a.png, a.pgm or a.ppm']) expect(decompress, f).toContain(f);
    const test = runCli(['test', '--help']).stdout.toString();
    for (const f of ['-r, --recursive', 'without writing', 'flowzip -t']) expect(test, f).toContain(f);
    expect(runCli(['info', '--help']).stdout.toString()).toContain('-r, --recursive');
  });
});
