/**
 * The real CLI (`node bin/flowzip.js`, built in dist/) run as a child
 * process on copies of the corpus in fresh temporary folders. Several files
 * go into one invocation wherever possible, to keep this file fast.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { shippedModels } from '../src/codec/index.js';
import { FORMAT_VERSION } from '../src/codec/container.js';
import { rewriteGzipStyle } from '../src/cli/argv.js';
import { sameContent } from '../src/codec/verify.js';
import { BUILT_CLI, ROOT, copyInto, corpusFiles, listDir, makeTempDir, runCli, type CliResult } from './helpers/cli.js';

const scratch: string[] = [];

/** A fresh scratch folder, removed after the tests. */
function tempDir(): string {
  const dir = makeTempDir();
  scratch.push(dir);
  return dir;
}

beforeAll(() => {
  if (!existsSync(BUILT_CLI)) {
    throw new Error(`${BUILT_CLI} is missing: build first with \`npx tsc -p tsconfig.json\` (\`npm test\` does it)`);
  }
});

afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

/** True when `decoded` is the original's round trip: byte-exact, or for PNG the same content. */
function roundTrips(name: string, original: Uint8Array, decoded: Uint8Array): boolean {
  return name.toLowerCase().endsWith('.png') ? sameContent(original, decoded) : Buffer.from(original).equals(Buffer.from(decoded));
}

/** stderr split into lines (without the final empty one). */
function errLines(r: CliResult): string[] {
  return r.stderr.split('\n').filter((l) => l !== '');
}

/** Asserts that stderr carries no stack trace. */
function expectNoStack(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

/** Hidden temporary files the CLI might leave behind. */
function leftovers(dir: string): string[] {
  return listDir(dir).filter((n) => n.startsWith('.') || n.includes('.tmp-'));
}

const file = (dir: string, name: string) => readFileSync(join(dir, name));

const CORPUS = corpusFiles();
const byName = (name: string) => {
  const found = CORPUS.find((f) => basename(f) === name);
  if (!found) throw new Error(`corpus file ${name} is missing`);
  return found;
};
// Small files of each kind: a flow-coded RGBA PNG (its bytes change on the round trip), PPM, text, empty.
const SMALL = ['rgba-ladybird-96x64.png', 'rgb-comment-24x16.ppm', 'text-gpl3-head.txt', 'empty.bin'].map(byName);

describe('round trip of every corpus file', () => {
  let dir: string;
  let names: string[];
  let compressRun: CliResult;

  beforeAll(() => {
    expect(CORPUS.length).toBeGreaterThan(20);
    dir = tempDir();
    names = copyInto(dir, CORPUS);
    compressRun = runCli(['compress', '-q', ...names], { cwd: dir, timeout: 120_000 });
  });

  it('compress writes FILE.fz next to each input and keeps the input', () => {
    expect(compressRun.stderr).toBe('');
    expect(compressRun.status).toBe(0);
    expect(compressRun.stdout.length).toBe(0);
    for (const [i, name] of names.entries()) {
      expect(file(dir, name).equals(readFileSync(CORPUS[i])), name).toBe(true);
      expect(existsSync(join(dir, `${name}.fz`)), `${name}.fz`).toBe(true);
    }
    expect(leftovers(dir)).toEqual([]);
  });

  it('never grows a file by more than 32 bytes', () => {
    for (const name of names) {
      const inBytes = file(dir, name).length,
        outBytes = file(dir, `${name}.fz`).length;
      expect(outBytes, name).toBeLessThanOrEqual(inBytes + 32);
    }
  });

  it('decompress -f gives every file back (byte-exact; PNG: same content)', () => {
    const r = runCli(['decompress', '-f', ...names.map((n) => `${n}.fz`)], { cwd: dir, timeout: 120_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const [i, name] of names.entries()) {
      expect(roundTrips(name, readFileSync(CORPUS[i]), file(dir, name)), name).toBe(true);
      expect(existsSync(join(dir, `${name}.fz`)), `${name}.fz kept`).toBe(true);
    }
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('--rm', () => {
  it('compress --rm removes inputs after writing; decompress --rm removes the .fz', () => {
    const dir = tempDir();
    const names = copyInto(dir, SMALL);
    const c = runCli(['compress', '--rm', ...names], { cwd: dir });
    expect(c.stderr).toBe('');
    expect(c.status).toBe(0);
    expect(listDir(dir)).toEqual(names.map((n) => `${n}.fz`).sort());

    const d = runCli(['decompress', '--rm', ...names.map((n) => `${n}.fz`)], { cwd: dir });
    expect(d.stderr).toBe('');
    expect(d.status).toBe(0);
    expect(listDir(dir)).toEqual([...names].sort());
    for (const [i, name] of names.entries()) expect(roundTrips(name, readFileSync(SMALL[i]), file(dir, name)), name).toBe(true);
  });

  it('keeps the input when the output cannot be written', () => {
    const dir = tempDir();
    const [name] = copyInto(dir, [byName('text-gpl3-head.txt')]);
    writeFileSync(join(dir, `${name}.fz`), 'keep me');
    const r = runCli(['compress', '--rm', name], { cwd: dir });
    expect(r.status).toBe(1);
    expect(existsSync(join(dir, name))).toBe(true);
    expect(file(dir, `${name}.fz`).toString()).toBe('keep me');
  });
});

describe('existing outputs', () => {
  it('are an error for that file without -f (others go on), and -f overwrites', () => {
    const dir = tempDir();
    const [a, b] = copyInto(dir, [byName('text-gpl3-head.txt'), byName('rgb-comment-24x16.ppm')]);
    writeFileSync(join(dir, `${a}.fz`), 'keep me');

    const r = runCli(['compress', a, b], { cwd: dir });
    expect(r.status).toBe(1);
    expectNoStack(r);
    expect(errLines(r)).toEqual([expect.stringMatching(new RegExp(`^flowzip: ${a}: .*already exists.*-f`))]);
    expect(file(dir, `${a}.fz`).toString()).toBe('keep me');
    expect(existsSync(join(dir, `${b}.fz`))).toBe(true);
    expect(leftovers(dir)).toEqual([]);

    const f = runCli(['compress', '-f', a], { cwd: dir });
    expect(f.status).toBe(0);
    expect(file(dir, `${a}.fz`).subarray(0, 2).toString()).toBe('FZ');

    // decompress: the original is there, so writing it back needs -f too.
    const d = runCli(['decompress', `${a}.fz`], { cwd: dir });
    expect(d.status).toBe(1);
    expect(errLines(d)).toHaveLength(1);
    expect(file(dir, a).equals(readFileSync(byName('text-gpl3-head.txt')))).toBe(true);
    const df = runCli(['decompress', '-f', `${a}.fz`], { cwd: dir });
    expect(df.status).toBe(0);
    expect(file(dir, a).equals(readFileSync(byName('text-gpl3-head.txt')))).toBe(true);
  });
});

describe('stdout, stdin, -o, aliases', () => {
  it('-c writes the stream to stdout and creates no file; it decodes from stdin', () => {
    const dir = tempDir();
    const [png] = copyInto(dir, [byName('rgba-ladybird-96x64.png')]);
    const before = listDir(dir);
    const c = runCli(['compress', '-c', png], { cwd: dir });
    expect(c.status).toBe(0);
    expect(c.stdout.subarray(0, 2).toString()).toBe('FZ');
    expect(listDir(dir)).toEqual(before);

    const d = runCli(['decompress'], { cwd: dir, input: c.stdout });
    expect(d.status).toBe(0);
    expect(sameContent(file(dir, png), d.stdout)).toBe(true);
    expect(listDir(dir)).toEqual(before);
  });

  it('stdin → stdout round trip (no FILE, and -)', () => {
    const ppm = readFileSync(byName('rgb-comment-24x16.ppm'));
    const c = runCli(['compress'], { input: ppm });
    expect(c.status).toBe(0);
    const d = runCli(['decompress', '-'], { input: c.stdout });
    expect(d.status).toBe(0);
    expect(d.stdout.equals(ppm)).toBe(true);
  });

  it('-o names the output; -d, -df and d decompress', () => {
    const dir = tempDir();
    const [txt] = copyInto(dir, [byName('text-gpl3-head.txt')]);
    const original = file(dir, txt);
    expect(runCli(['compress', '-o', 'out.fz', txt], { cwd: dir }).status).toBe(0);
    expect(runCli(['-d', 'out.fz'], { cwd: dir }).status).toBe(0);
    expect(file(dir, 'out').equals(original)).toBe(true);
    expect(runCli(['-df', 'out.fz'], { cwd: dir }).status).toBe(0);
    expect(runCli(['d', '-o', 'back.txt', 'out.fz'], { cwd: dir }).status).toBe(0);
    expect(file(dir, 'back.txt').equals(original)).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });

  it('a name without .fz needs -o or -c', () => {
    const dir = tempDir();
    const [txt] = copyInto(dir, [byName('text-gpl3-head.txt')]);
    expect(runCli(['compress', '-o', 'stream.bin', txt], { cwd: dir }).status).toBe(0);
    const r = runCli(['decompress', 'stream.bin'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(errLines(r)).toEqual([expect.stringMatching(/^flowzip: stream\.bin: .*\.fz/)]);
    const c = runCli(['decompress', '-c', 'stream.bin'], { cwd: dir });
    expect(c.status).toBe(0);
    expect(c.stdout.equals(file(dir, txt))).toBe(true);
  });
});

describe('info', () => {
  it('--json gives one object per file with the method; plain text too', () => {
    const dir = tempDir();
    const names = copyInto(dir, [byName('rgba-ladybird-96x64.png'), byName('text-gpl3-head.txt')]);
    expect(runCli(['compress', ...names], { cwd: dir }).status).toBe(0);
    const fz = names.map((n) => `${n}.fz`);

    const j = runCli(['info', '--json', ...fz], { cwd: dir });
    expect(j.status).toBe(0);
    const records = JSON.parse(j.stdout.toString()) as Array<Record<string, unknown>>;
    expect(records).toHaveLength(2);
    for (const [i, rec] of records.entries()) {
      expect(rec.file).toBe(fz[i]);
      expect(['stored', 'brotli', 'image']).toContain(rec.method);
      expect(rec.formatVersion).toBe(FORMAT_VERSION);
      expect(rec.compressedBytes).toBe(file(dir, fz[i]).length);
    }
    const image = records.find((r) => r.method === 'image');
    if (image) expect(image.image).toMatchObject({ width: 96, height: 64, channels: 4 });

    const t = runCli(['info', fz[1]], { cwd: dir });
    expect(t.status).toBe(0);
    expect(t.stdout.toString()).toMatch(/method\s+(stored|brotli|image)/);
  });
});

describe('bad streams', () => {
  it('a flipped byte or a truncation gives exit 1, one line per file, no stack, no output, no temp file', () => {
    const dir = tempDir();
    const sources = [byName('rgba-ladybird-96x64.png'), byName('rgb-comment-24x16.ppm'), byName('text-gpl3-head.txt'), byName('random-4096.bin')];
    const names = copyInto(dir, sources);
    expect(runCli(['compress', '--rm', ...names], { cwd: dir }).status).toBe(0);
    const bad: string[] = [];
    for (const [i, name] of names.entries()) {
      const stream = file(dir, `${name}.fz`);
      const flipped = Buffer.from(stream);
      flipped[flipped.length >> 1] ^= 0xff;
      writeFileSync(join(dir, `flip${i}-${name}.fz`), flipped);
      writeFileSync(join(dir, `cut${i}-${name}.fz`), stream.subarray(0, stream.length >> 1));
      bad.push(`flip${i}-${name}.fz`, `cut${i}-${name}.fz`);
      rmSync(join(dir, `${name}.fz`));
    }
    writeFileSync(join(dir, 'foreign.fz'), 'not a flowzip stream at all');
    bad.push('foreign.fz');
    const before = listDir(dir);

    const r = runCli(['decompress', ...bad], { cwd: dir });
    expect(r.status).toBe(1);
    expectNoStack(r);
    const lines = errLines(r);
    expect(lines).toHaveLength(bad.length);
    for (const [i, name] of bad.entries()) expect(lines[i]).toMatch(new RegExp(`^flowzip: ${name.replace(/\./g, '\\.')}: \\S`));
    expect(listDir(dir)).toEqual(before);

    // One file alone: exactly one line.
    const one = runCli(['decompress', '-f', bad[0]], { cwd: dir });
    expect(one.status).toBe(1);
    expect(errLines(one)).toHaveLength(1);
    expectNoStack(one);
    expect(listDir(dir)).toEqual(before);
  });

  it('missing inputs and unwritable outputs are one-line errors', () => {
    const dir = tempDir();
    const r = runCli(['compress', 'nothere.png'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(errLines(r)).toEqual(['flowzip: nothere.png: no such file or directory']);
    const [txt] = copyInto(dir, [byName('text-gpl3-head.txt')]);
    const w = runCli(['compress', '-o', join(dir, 'no', 'such', 'dir', 'x.fz'), txt], { cwd: dir });
    expect(w.status).toBe(1);
    expect(errLines(w)).toHaveLength(1);
    expectNoStack(w);
    expect(listDir(dir)).toEqual([txt]);
  });
});

describe('gzip-style rewrite', () => {
  const commands = new Set(['compress', 'c', 'decompress', 'd', 'test', 'info', 'list', 'help']);
  it.each([
    [
      ['-d', 'a.fz'],
      ['decompress', 'a.fz'],
    ],
    [
      ['a.fz', '-d', '-f'],
      ['decompress', 'a.fz', '-f'],
    ],
    [
      ['-df', 'a.fz'],
      ['decompress', '-f', 'a.fz'],
    ],
    [
      ['-o', 'x', '--decompress', 'a.fz'],
      ['decompress', '-o', 'x', 'a.fz'],
    ],
    [
      ['-o', '-d', 'a.fz'],
      ['compress', '-o', '-d', 'a.fz'],
    ], // -d is the value of -o here
    [
      ['compress', '-d', 'a'],
      ['compress', '-d', 'a'],
    ],
    [
      ['info', 'a.fz'],
      ['info', 'a.fz'],
    ],
    [
      ['a.fz', '--', '-d'],
      ['compress', 'a.fz', '--', '-d'],
    ],
    [
      ['-t', 'a.fz'],
      ['test', 'a.fz'],
    ],
    [
      ['-tv', 'a.fz'],
      ['test', '-v', 'a.fz'],
    ],
    [
      ['--test', 'a.fz'],
      ['test', 'a.fz'],
    ],
    [
      ['-l', 'a.fz'],
      ['info', 'a.fz'],
    ],
    [
      ['--list', '--json', 'a.fz'],
      ['info', '--json', 'a.fz'],
    ],
    [
      ['-rk', 'dir'],
      ['compress', '-rk', 'dir'],
    ],
    [
      ['-c', 'a.png'],
      ['compress', '-c', 'a.png'],
    ],
    [['a.png'], ['compress', 'a.png']],
    [['-v'], ['compress', '-v']],
    [[], []],
    [['--help'], ['--help']],
    [['-V'], ['-V']],
    [
      ['-d', '--help'],
      ['decompress', '--help'],
    ],
  ])('%j → %j', (args, expected) => {
    expect(rewriteGzipStyle(args, commands)).toEqual(expected);
  });
  it('two modes at once are a usage error', () => {
    expect(() => rewriteGzipStyle(['-dt', 'a.fz'], commands)).toThrow(/-d and -t cannot be used together/);
    expect(() => rewriteGzipStyle(['-l', '-d', 'a.fz'], commands)).toThrow(/-d and -l/);
  });
});

describe('usage', () => {
  it('usage errors exit 2 with a one-line message and create nothing', () => {
    const dir = tempDir();
    const [a, b] = copyInto(dir, [byName('text-gpl3-head.txt'), byName('rgb-1x1.png')]);
    const cases: string[][] = [
      [],
      ['-d', '-t', `${a}.fz`],
      ['compress', '--bogus', a],
      ['compress', '-o', 'out.fz', a, b],
      ['compress', a, '-o'],
      ['compress', '-c', '-o', 'out.fz', a],
      ['compress', '--method', 'nope', a],
      ['compress', '--backend', 'nope', a],
      ['compress', '--max-pixels', 'many', a],
      ['compress', '--model', 'no-such-model', a],
      ['compress', '--fast', '--model', 'zero-rgb', b],
      ['compress', '-c', a, b],
      ['info', '--bogus'],
    ];
    for (const args of cases) {
      const r = runCli(args, { cwd: dir });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/^(flowzip: |Usage: )/);
      expectNoStack(r);
      if (args.length > 0) expect(errLines(r), args.join(' ')).toHaveLength(1);
    }
    expect(listDir(dir)).toEqual([a, b].sort());
  });

  for (const [flags, rgbModel, grayModel] of [
    [['--fast'], 'zero-rgb', 'zero-gray'],
    [['-1'], 'zero-rgb', 'zero-gray'],
    [['-2'], 'causal-rgb-fast', 'causal-gray-fast'],
    [['--effort', '5'], 'causal-rgb', 'causal-gray'],
    [['-9'], 'causal-rgb-strong', 'causal-gray-strong'],
    [['--best'], 'causal-rgb-strong', 'causal-gray-strong'],
  ] as Array<[string[], string, string]>) {
    it(`${flags.join(' ') || 'no effort flag'} codes with ${rgbModel} / ${grayModel} (named in the stream) and round-trips`, () => {
      const dir = tempDir();
      const [rgb, gray] = copyInto(dir, [byName('rgb-pixel2xl-64x64.png'), byName('gray-camera-160x120.png')]);
      expect(runCli(['compress', ...flags, '--method', 'flow', rgb, gray], { cwd: dir }).status).toBe(0);
      const info = runCli(['info', '--json', `${rgb}.fz`, `${gray}.fz`], { cwd: dir });
      expect(info.status).toBe(0);
      const recs = JSON.parse(info.stdout) as Array<{ image: { models: Array<{ name: string }> } }>;
      expect(recs.map((r) => r.image.models.map((m) => m.name))).toEqual([[rgbModel], [grayModel]]);
      for (const f of [rgb, gray]) {
        const original = file(dir, f);
        rmSync(join(dir, f));
        expect(runCli(['decompress', `${f}.fz`], { cwd: dir }).status).toBe(0);
        expect(sameContent(original, file(dir, f))).toBe(true);
      }
    });
  }

  it('conflicting effort flags and an effort out of range are usage errors (exit 2, nothing written)', () => {
    const dir = tempDir();
    const [rgb] = copyInto(dir, [byName('rgb-pixel2xl-64x64.png')]);
    for (const args of [
      ['--fast', '-9'],
      ['--effort', '0'],
      ['--effort', '10'],
      ['--best', '--effort', '3'],
      ['-3', '--model', 'zero-rgb'],
    ]) {
      const r = runCli(['compress', ...args, rgb], { cwd: dir });
      expect(r.status, args.join(' ')).toBe(2);
      expect(errLines(r), args.join(' ')).toHaveLength(1);
    }
    expect(listDir(dir)).toEqual([rgb]);
  });

  it('--help teaches (examples, models, exit codes) and --version prints the version', () => {
    const h = runCli(['--help']);
    expect(h.status).toBe(0);
    const help = h.stdout.toString();
    expect(help).toMatch(/lossless/i);
    expect(help).toMatch(/Examples:/);
    expect(help).toMatch(/flowzip compress/);
    expect(help).toMatch(/flowzip decompress|flowzip -d/);
    expect(help).toMatch(/flowzip info/);
    expect(help).toMatch(/Exit status:[\s\S]*\b0\b[\s\S]*\b1\b[\s\S]*\b2\b/);
    for (const m of shippedModels()) expect(help).toContain(m.name);

    const v = runCli(['--version']);
    expect(v.status).toBe(0);
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(v.stdout.toString().trim()).toBe(pkg.version);
  });
});

describe('batches: one failing input, the same output twice', () => {
  /** A 28×28 8-bit PGM, different for each seed. */
  const pgm = (seed: number) => {
    const px = Buffer.alloc(28 * 28);
    for (let i = 0; i < px.length; i++) px[i] = ((i % 28) * (seed + 3) + Math.floor(i / 28) * 5 + ((i * seed) % 7)) & 0xff;
    return Buffer.concat([Buffer.from('P5\n28 28\n255\n'), px]);
  };

  it('a failing input in the middle: the others are written, every message comes in input order, exit 1', () => {
    const dir = tempDir();
    const names = Array.from({ length: 24 }, (_, i) => `f${String(i).padStart(2, '0')}.pgm`);
    names.forEach((n, i) => writeFileSync(join(dir, n), pgm(i)));
    writeFileSync(join(dir, 'f20.pgm.fz'), 'keep me');
    const inputs = [...names.slice(0, 7), 'missing.pgm', ...names.slice(7)];

    const r = runCli(['compress', '-v', ...inputs], { cwd: dir });
    expect(r.status).toBe(1);
    expectNoStack(r);
    const lines = errLines(r);
    expect(lines).toHaveLength(inputs.length);
    for (const [i, input] of inputs.entries()) {
      if (input === 'missing.pgm') expect(lines[i]).toBe('flowzip: missing.pgm: no such file or directory');
      else if (input === 'f20.pgm') expect(lines[i]).toMatch(/^flowzip: f20\.pgm: .*already exists/);
      else expect(lines[i].startsWith(`${input} -> ${input}.fz: `)).toBe(true);
    }
    expect(file(dir, 'f20.pgm.fz').toString()).toBe('keep me');
    expect(leftovers(dir)).toEqual([]);

    // Back again: every output but the kept one, byte-exact; the same order of messages.
    const back = tempDir();
    const streams = names.filter((n) => n !== 'f20.pgm').map((n) => `${n}.fz`);
    for (const s of streams) writeFileSync(join(back, s), file(dir, s));
    const d = runCli(['decompress', '-v', 'gone.fz', ...streams], { cwd: back });
    expect(d.status).toBe(1);
    const dl = errLines(d);
    expect(dl[0]).toMatch(/^flowzip: gone\.fz: /);
    expect(dl.slice(1).map((l) => l.split(' ')[0])).toEqual(streams);
    for (const s of streams) expect(file(back, s.slice(0, -3)).equals(file(dir, s.slice(0, -3)))).toBe(true);
    expect(leftovers(back)).toEqual([]);
  });

  it('two inputs with the same output: the later wins with -f, fails without', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'x.pgm'), pgm(1));
    writeFileSync(join(dir, 'y.pgm'), pgm(2));
    const x = runCli(['compress', '-c', 'x.pgm'], { cwd: dir });
    const y = runCli(['compress', '-c', 'y.pgm'], { cwd: dir });
    expect([x.status, y.status]).toEqual([0, 0]);
    // `a.fz` holds a PGM stream, so its output is a.pgm, as is that of a.pgm.fz.
    writeFileSync(join(dir, 'a.fz'), x.stdout);
    writeFileSync(join(dir, 'a.pgm.fz'), y.stdout);

    const f = runCli(['decompress', '-f', 'a.fz', 'a.pgm.fz'], { cwd: dir });
    expect(f.status).toBe(0);
    expect(file(dir, 'a.pgm').equals(pgm(2))).toBe(true);

    rmSync(join(dir, 'a.pgm'));
    const n = runCli(['decompress', 'a.fz', 'a.pgm.fz'], { cwd: dir });
    expect(n.status).toBe(1);
    expect(errLines(n)).toEqual([expect.stringMatching(/^flowzip: a\.pgm\.fz: .*already exists/)]);
    expect(file(dir, 'a.pgm').equals(pgm(1))).toBe(true);
    expect(leftovers(dir)).toEqual([]);
  });
});
