import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBenchArgs } from '../bench/args.js';
import { aptLine, availability, CLASSIC_CODECS, j2kResolutions, selectCodecs, type ClassicCodec } from '../bench/codecs.js';
import { benchImage, gridOf, parseIdxImages, pngFileImage, pnmOf, type BenchSet } from '../bench/datasets.js';
import { runBench, runProcess, type BenchReport, type CodecResult } from '../bench/harness.js';
import { bpsp, compareSamples, decodeImageFile, mpPerSecond, subpixels, verifyDecodedFile, type Samples } from '../bench/metrics.js';
import { derived, formatCsv, formatMarkdown, hasFailures, plotSvg, sig } from '../bench/report.js';
import { CORPUS_DIR } from './helpers/corpus.js';
import { skipWithout } from './helpers/optional.js';

const img = (w: number, h: number, c: number, fill = (i: number) => (i * 37) & 255): Samples => ({
  width: w,
  height: h,
  channels: c,
  samples: Uint8Array.from({ length: w * h * c }, (_, i) => fill(i)),
});

describe('bpsp and throughput arithmetic', () => {
  it('bits per subpixel = bytes × 8 / subpixels', () => {
    expect(bpsp(1000, 8000)).toBe(1);
    expect(bpsp(3, 8)).toBe(3);
    // A set: totals, not a mean of per-file ratios.
    const files = [
      { bytes: 100, im: img(10, 10, 3) },
      { bytes: 10, im: img(10, 10, 1) },
    ];
    const total = files.reduce((a, f) => a + f.bytes, 0),
      sub = files.reduce((a, f) => a + subpixels(f.im), 0);
    expect(sub).toBe(400);
    expect(bpsp(total, sub)).toBeCloseTo(2.2, 12);
    expect(Number.isNaN(bpsp(10, 0))).toBe(true);
  });
  it('MP/s counts pixels, not subpixels', () => {
    expect(mpPerSecond(2_000_000, 4)).toBe(0.5);
    expect(Number.isNaN(mpPerSecond(100, 0))).toBe(true);
  });
  it('derived figures of a result row', () => {
    const r: CodecResult = {
      set: 's',
      id: 'x',
      name: 'x',
      files: 2,
      pixels: 1e6,
      subpixels: 3e6,
      bytes: 3e6 / 8,
      encSeconds: 2,
      decSeconds: 0.5,
      peakKiB: 2048,
      verified: 2,
      failures: [],
      failureCount: 0,
    };
    expect(derived(r)).toEqual({ bpsp: 1, encMPs: 0.5, decMPs: 2, peakMiB: 2, ok: true });
    expect(derived({ ...r, verified: 1, failureCount: 1 }).ok).toBe(false);
    expect(sig(0.031234)).toBe('0.0312');
    expect(sig(121.4)).toBe('121');
    expect(sig(NaN)).toBe('n/a');
  });
});

describe('pixel verification', () => {
  const a = img(7, 5, 3);
  it('identical samples pass', () => {
    expect(compareSamples(a, { ...a, samples: a.samples.slice() })).toBeNull();
  });
  it('one flipped sample is caught, with its place', () => {
    const b = { ...a, samples: a.samples.slice() };
    b.samples[(2 * 7 + 3) * 3 + 1] ^= 1;
    expect(compareSamples(a, b)).toMatch(/sample mismatch at \(x=3, y=2\) channel 1/);
  });
  it('a size mismatch is caught', () => {
    expect(compareSamples(a, img(7, 4, 3))).toMatch(/size mismatch/);
    expect(compareSamples(a, img(5, 7, 3))).toMatch(/size mismatch/);
    expect(compareSamples(a, { ...a, samples: a.samples.subarray(1) })).toMatch(/size mismatch/);
    expect(compareSamples(a, img(7, 5, 1))).toMatch(/channel mismatch/);
  });
  it('gray widened to RGB passes only when every channel matches', () => {
    const g = img(4, 4, 1);
    const rgb = { width: 4, height: 4, channels: 3, samples: new Uint8Array(48) };
    for (let i = 0; i < 16; i++) rgb.samples.fill(g.samples[i], 3 * i, 3 * i + 3);
    expect(compareSamples(g, rgb)).toBeNull();
    rgb.samples[3 * 5 + 2] ^= 0x80;
    expect(compareSamples(g, rgb)).toMatch(/x=1, y=1\) channel 2/);
  });
  it('verifies decoded files (PNM), and reports unreadable ones', () => {
    const g = img(3, 2, 1);
    expect(verifyDecodedFile(g, pnmOf(g))).toBeNull();
    const bad = pnmOf(g);
    bad[bad.length - 1] ^= 0xff;
    expect(verifyDecodedFile(g, bad)).toMatch(/sample mismatch at \(x=2, y=1\)/);
    expect(verifyDecodedFile(g, new TextEncoder().encode('hello'))).toMatch(/unreadable/);
    expect(decodeImageFile(benchImage('x', g).png)).toMatchObject({ width: 3, height: 2, channels: 1 });
  });
});

const missingCodec: ClassicCodec = {
  id: 'nope',
  name: 'Nope (nope-enc)',
  packages: ['nope-tools'],
  binaries: ['flowzip-test-no-such-binary-xyz', 'cat'],
  input: 'png',
  ext: '.nope',
  encode: (i, o) => ({ argv: ['flowzip-test-no-such-binary-xyz', i, o] }),
  decode: (e, o) => ({ argv: ['flowzip-test-no-such-binary-xyz', e, o] }),
  version: { cmd: { argv: ['true'] }, parse: () => 'nope 0' },
};

/** A "codec" that stores the PNM and decodes it with a defect (`sh` does the damage). */
function brokenCodec(id: string, damage: string): ClassicCodec {
  return {
    id,
    name: `Broken (${id})`,
    packages: ['coreutils'],
    binaries: ['sh', 'cp'],
    input: 'pnm',
    ext: '.raw',
    encode: (i, o) => ({ argv: ['cp', i, o] }),
    decode: (e, o) => ({ argv: ['sh', '-c', `cp "$0" "$1" && ${damage}`, e, o] }),
    version: { cmd: { argv: ['true'] }, parse: () => `${id} 0` },
  };
}

describe('codec table', () => {
  it('a codec whose binary is missing is unavailable, with the apt-get line', () => {
    const a = availability(missingCodec);
    expect(a.available).toBe(false);
    if (!a.available) {
      expect(a.missing).toEqual(['flowzip-test-no-such-binary-xyz']);
      expect(a.install).toBe('apt-get install -y nope-tools');
    }
    expect(availability(missingCodec, () => '/bin/x')).toEqual({ available: true });
  });
  it('every codec names its package and builds commands', () => {
    for (const c of CLASSIC_CODECS) {
      expect(aptLine(c)).toMatch(/^apt-get install -y \S+/);
      const e = c.encode('/in/x.png', '/out/x' + c.ext, { width: 28, height: 28, channels: 1 });
      const d = c.decode('/out/x' + c.ext, '/out/x.pgm');
      expect(e.argv.join(' ')).toContain('/in/x.png');
      expect([...d.argv, d.stdoutTo ?? ''].join(' ')).toContain('/out/x.pgm');
    }
    const cjxl = CLASSIC_CODECS.find((c) => c.id === 'cjxl-e9')!;
    expect(cjxl.encode('i', 'o', { width: 1, height: 1, channels: 3 }).argv).toEqual(['cjxl', 'i', 'o', '-d', '0', '-e', '9', '--num_threads=0']);
    expect(CLASSIC_CODECS.find((c) => c.id === 'xz')!.encode('i', 'o', { width: 1, height: 1, channels: 1 })).toEqual({ argv: ['xz', '-9', '-T1', '-k', '-c', 'i'], stdoutTo: 'o' });
    expect(j2kResolutions({ width: 28, height: 28 })).toBe(5);
    expect(j2kResolutions({ width: 768, height: 640 })).toBe(6);
    expect(j2kResolutions({ width: 1, height: 37 })).toBe(1);
  });
  it('selects codecs', () => {
    expect(selectCodecs(undefined).map((c) => c.id)).toEqual(['optipng', 'j2k', 'webp', 'cjxl-e7', 'cjxl-e9', 'xz']);
    expect(selectCodecs('+zopflipng').map((c) => c.id)).toContain('zopflipng');
    expect(selectCodecs('webp,xz').map((c) => c.id)).toEqual(['webp', 'xz']);
    expect(selectCodecs('all').length).toBe(CLASSIC_CODECS.length);
    expect(() => selectCodecs('webp,bogus')).toThrow(/bogus/);
  });
});

describe('datasets and arguments', () => {
  it('parses IDX3 (gzip or not) and builds grids', () => {
    const head = new Uint8Array(16);
    const dv = new DataView(head.buffer);
    dv.setUint32(0, 0x803);
    dv.setUint32(4, 3);
    dv.setUint32(8, 2);
    dv.setUint32(12, 2);
    const body = Uint8Array.from({ length: 12 }, (_, i) => i);
    const raw = new Uint8Array([...head, ...body]);
    for (const f of [raw, new Uint8Array(gzipSync(raw))]) {
      const p = parseIdxImages(f, 2);
      expect([p.count, p.rows, p.cols]).toEqual([2, 2, 2]);
      expect(Array.from(p.data)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    }
    expect(() => parseIdxImages(raw.subarray(0, 20))).toThrow(/truncated/);
    const tiles = [0, 1, 2].map((k) => ({ width: 2, height: 2, channels: 1, samples: Uint8Array.from(body.subarray(4 * k, 4 * k + 4)) }));
    const g = gridOf(tiles, 2);
    expect([g.width, g.height]).toEqual([4, 4]);
    expect(Array.from(g.samples)).toEqual([0, 1, 4, 5, 2, 3, 6, 7, 8, 9, 0, 0, 10, 11, 0, 0]);
  });
  it('parses bench options', () => {
    const a = parseBenchArgs(['--quick'], '/repo', 2);
    expect(a).toMatchObject({
      quick: true,
      fmnistCount: 1000,
      jobs: 2,
      evalA: '/shared/data/eval-A',
      evalS: '/shared/data/eval-S',
      out: '/repo/bench/results',
      sets: ['eval-a', 'eval-s', 'fmnist', 'grid'],
    });
    const b = parseBenchArgs(['--eval-a', '/x/y', '--no-grid', '--jobs', '3', '--fmnist-count', '50'], '/repo', 2);
    expect(b).toMatchObject({ quick: false, evalA: '/x/y', sets: ['eval-a', 'eval-s', 'fmnist'], jobs: 3, fmnistCount: 50 });
    expect(parseBenchArgs(['--sets', 'eval-s', '--eval-s', '/s'], '/repo')).toMatchObject({ sets: ['eval-s'], evalS: '/s' });
    expect(parseBenchArgs([], '/repo', 2)).toMatchObject({ fmnistCount: 10000, jobs: 1 });
    expect(() => parseBenchArgs(['--jobs', '0'], '/repo')).toThrow(/positive/);
    expect(() => parseBenchArgs(['--what'], '/repo')).toThrow(/unknown option/);
  });
});

describe('harness end to end', () => {
  const work = mkdtempSync(join(tmpdir(), 'flowzip-bench-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));
  const set: BenchSet = {
    name: 'tiny',
    description: 'two corpus photos',
    images: ['rgb-pixel2xl-64x64.png', 'gray-cube-150x97.png'].map((f) => pngFileImage(join(CORPUS_DIR, 'photos', f))),
    flowzipInput: 'png',
  };
  let rep: BenchReport;

  // This test runs a real classic codec (cwebp); a fresh machine may not have it (test/helpers/optional.ts).
  const webp = CLASSIC_CODECS.find((c) => c.id === 'webp')!;
  const webpHere = availability(webp);
  const noWebp = skipWithout("bench.test.ts 'runs flowzip and cwebp…'", webpHere.available, `${webp.binaries.join(', ')} not installed`, `${aptLine(webp)}, or scripts/install-codecs.sh`);
  it.skipIf(noWebp)('runs flowzip and cwebp, verifies every file, and skips a missing codec', async () => {
    expect(webpHere.available, 'FLOWZIP_CI=1 and cwebp is missing: run scripts/install-codecs.sh').toBe(true);
    rep = await runBench({ sets: [set], codecs: [webp, missingCodec], jobs: 2, workDir: work });
    const byId = Object.fromEntries(rep.results.map((r) => [r.id, r]));
    expect(Object.keys(byId).sort()).toEqual(['flowzip', 'webp']);
    for (const r of rep.results) {
      expect(r.verified).toBe(2);
      expect(r.failureCount).toBe(0);
      expect(r.bytes).toBeGreaterThan(100);
      expect(r.subpixels).toBe(64 * 64 * 3 + 150 * 97);
      expect(r.encSeconds).toBeGreaterThan(0);
      expect(r.decSeconds).toBeGreaterThan(0);
    }
    // Which container method each stream used (a small PNG can be stored as is when the flow does not beat it).
    expect(Object.values(byId.flowzip.methods!).reduce((a, b) => a + b, 0)).toBe(2);
    if (rep.memoryMeasured) expect(byId.webp.peakKiB).toBeGreaterThan(0);
    expect(rep.skipped).toEqual([{ id: 'nope', name: 'Nope (nope-enc)', missing: ['flowzip-test-no-such-binary-xyz'], install: 'apt-get install -y nope-tools' }]);
    expect(hasFailures(rep)).toBe(false);

    const md = formatMarkdown(rep);
    expect(md).toContain(`${rep.machine} (${rep.cores} cores) · Node ${process.version}`);
    expect(md).toMatch(/Versions: flowzip \S+ \(models .*\) · cwebp \d/);
    // The row names the models compress chose (with how many files each coded, when not all).
    expect(md).toMatch(/\| flowzip \([\w-]+( 1\/2)?(, [\w-]+( 1\/2)?)*\) (\(whole-file fallback: [^)]*\) )?\| \d\.\d{3} \| \d+ \| [\d.]+ \| [\d.]+ \| [\d.]+ \| 2\/2 ✓ \|/);
    expect(md).toMatch(/\| WebP \(cwebp -lossless -z 9\) \| \d\.\d{3} \| \d+ \| [\d.]+ \| [\d.]+ \| ([\d.]+|n\/a) \| 2\/2 ✓ \|/);
    expect(md).toContain('`apt-get install -y nope-tools`');
    expect(md).toContain('process start-up is included');
    const csv = formatCsv(rep).trim().split('\n');
    expect(csv[0]).toMatch(/^set,codec,name,files,pixels,subpixels,bytes,bpsp,/);
    expect(csv.filter((l) => l.startsWith('tiny,'))).toHaveLength(2);
    expect(csv.some((l) => l.includes('skipped: apt-get install -y nope-tools'))).toBe(true);
    const svg = plotSvg(rep);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('>flowzip ');
    expect(svg).toContain('>WebP ');
  });

  it('a wrong decode is a hard error in the report', async () => {
    const flip = brokenCodec('flip', 'printf "\\\\001" | dd of="$1" bs=1 seek=40 conv=notrunc 2>/dev/null');
    const shrink = brokenCodec('shrink', 'printf "P5\\n1 1\\n255\\n\\000" > "$1"');
    const r = await runBench({ sets: [set], codecs: [flip, shrink], flowzip: false, workDir: join(work, 'broken') });
    const by = Object.fromEntries(r.results.map((x) => [x.id, x]));
    expect(by.flip.verified).toBe(0);
    expect(by.flip.failures[0]).toMatch(/sample mismatch/);
    expect(by.shrink.failures[0]).toMatch(/size mismatch/);
    expect(hasFailures(r)).toBe(true);
    const md = formatMarkdown(r);
    expect(md).toContain('**FAILED** 0/2');
    expect(md).toMatch(/FAILED — Broken \(flip\) on tiny: 2 file\(s\) did not round-trip/);
  });

  it('times a process and reads its peak memory', async () => {
    const p = await runProcess({ argv: ['sh', '-c', 'exit 3'] }, null);
    expect(p.code).toBe(3);
    expect(p.seconds).toBeGreaterThan(0);
    const q = await runProcess({ argv: ['flowzip-test-no-such-binary-xyz'] }, null);
    expect(q.code).toBeNull();
  });
});

describe('eval-S section', () => {
  it('formats per-file cells, totals for the 8-bit files and for all, and marks unverified or lossy cells', async () => {
    const { formatEvalS, evalSCsv } = await import('../bench/eval-s.js');
    const cell = (bytes: number, lossless: boolean | null = true) => ({ bytes, lossless, encSeconds: 1, decSeconds: 0.5 });
    const rows = [
      {
        file: 'a.png',
        width: 10,
        height: 10,
        channels: 3,
        bitDepth: 8,
        flowzipMethod: 'image',
        cells: { png: cell(100), optipng: cell(90), 'cjxl-e7': cell(80), 'cjxl-e9': cell(70), cwebp: cell(60), flowzip: cell(50) },
      },
      {
        file: 'b.png',
        width: 10,
        height: 10,
        channels: 1,
        bitDepth: 16,
        flowzipMethod: 'image',
        cells: { png: cell(200), optipng: cell(190), 'cjxl-e7': cell(180, null), 'cjxl-e9': cell(170), cwebp: cell(20, false), flowzip: cell(150) },
      },
    ];
    const md = formatEvalS(rows, '/d');
    expect(md).toContain('| a.png | 10×10×3 | 8 | 100 / 2.667 | 90 / 2.400 | 80 / 2.133 | 70 / 1.867 | 60 / 1.600 | 50 / 1.333 | image |');
    expect(md).toContain('180 / 14.400 ?');
    expect(md).toContain('20 / 1.600 ✗');
    expect(md).toContain('| **1 files of ≤ 8 bits** | 300 subpixels | | 100 / 2.6667 |');
    expect(md).toMatch(/\*\*all 2\*\* \| 400 subpixels \| \| 300 \/ 6\.0000 \|.* 80 \/ 1\.6000 ✗ \| 200 \/ 4\.0000 \|/);
    expect(md).toContain('flowzip with 2 workers: 0.000100 MP/s compress, 0.000200 MP/s decompress');
    expect(evalSCsv(rows).split('\n')[1]).toBe('a.png,png,100,300,2.6667,true,1.000,0.500');
  });
});
