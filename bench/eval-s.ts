/**
 * The eval-S section of `npm run bench`: non-photographic PNGs as shipped
 * (RGB, RGBA, palette, gray, 16-bit), each compressed in the same run by
 * optipng -o7, cjxl -d 0 -e 7 / -e 9, cwebp -lossless -exact -z 9 and flowzip
 * (the library, default options, 2 workers), as eval-S's README measures them.
 *
 * bpsp = bytes × 8 / (width × height × channels), channels being the image's
 * own (palette: 3, or 4 with tRNS). Every output is decoded and its 16-bit
 * RGBA samples (`/usr/bin/convert F -depth 16 rgba:-`, SHA-256) compared with
 * the PNG's; a cell that does not match is marked ✗ (cwebp stores 8 bits per
 * sample, so it reduces 16-bit images). flowzip's output is also compared
 * with the PNG's own samples, colour type and bit depth. Times are wall clock.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { compress, decompress } from '../src/codec/index.js';
import { parsePng, peekPngHeader, writePng } from '../src/codec/formats/png.js';
import { mulberry32 } from '../src/quant/prng.js';
import { CONVERT } from './codecs.js';
import { sig } from './report.js';

/** One codec's result on one file. */
export interface EvalSCell {
  bytes: number;
  /** Decoded 16-bit RGBA samples identical to the PNG's; null when the decoder could not write the image (djxl 0.7 and 16-bit colour with 8-bit alpha). */
  lossless: boolean | null;
  encSeconds: number;
  decSeconds: number;
  /** flowzip only: CPU seconds of the whole process (every thread: the caller and the pool workers) while compressing / decompressing. */
  encCpuSeconds?: number;
  decCpuSeconds?: number;
}

/** One eval-S file and its results by codec id. */
export interface EvalSRow {
  file: string;
  width: number;
  height: number;
  /** The image's own channels (palette: 3, or 4 with tRNS). */
  channels: number;
  bitDepth: number;
  cells: Record<string, EvalSCell>;
  /** flowzip's container method (image, brotli, stored). */
  flowzipMethod: string;
}

/** The classic codecs of the section: id, title, output extension, encode and decode argv. */
const CODECS: Array<{ id: string; title: string; ext: string; enc: (i: string, o: string) => string[]; dec: (i: string, o: string) => string[] | null }> = [
  { id: 'optipng', title: 'optipng -o7', ext: '.png', enc: (i, o) => ['optipng', '-quiet', '-o7', '-out', o, i], dec: () => null },
  { id: 'cjxl-e7', title: 'cjxl -e 7', ext: '.jxl', enc: (i, o) => ['cjxl', '-d', '0', '-e', '7', '--quiet', i, o], dec: (i, o) => ['djxl', i, o, '--quiet'] },
  { id: 'cjxl-e9', title: 'cjxl -e 9', ext: '.jxl', enc: (i, o) => ['cjxl', '-d', '0', '-e', '9', '--quiet', i, o], dec: (i, o) => ['djxl', i, o, '--quiet'] },
  { id: 'cwebp', title: 'cwebp -z 9', ext: '.webp', enc: (i, o) => ['cwebp', '-quiet', '-lossless', '-exact', '-z', '9', i, '-o', o], dec: (i, o) => ['dwebp', '-quiet', i, '-pam', '-o', o] },
];

/** Column ids in table order. */
export const EVAL_S_COLUMNS = ['png', ...CODECS.map((c) => c.id), 'flowzip'];
const TITLES: Record<string, string> = { png: 'PNG', flowzip: 'flowzip', ...Object.fromEntries(CODECS.map((c) => [c.id, c.title])) };

function run(argv: string[]): { ok: boolean; seconds: number; stdout: Buffer } {
  const t = process.hrtime.bigint();
  const r = spawnSync(argv[0], argv.slice(1), { maxBuffer: 1 << 30 });
  return { ok: r.status === 0, seconds: Number(process.hrtime.bigint() - t) / 1e9, stdout: r.stdout ?? Buffer.alloc(0) };
}

/** SHA-256 of a file's samples as 16-bit RGBA (ImageMagick), or null when it cannot be read. */
function rgba16(path: string): string | null {
  const r = run([CONVERT, path, '-depth', '16', 'rgba:-']);
  return r.ok ? createHash('sha256').update(r.stdout).digest('hex') : null;
}

/** Whether flowzip's decoded PNG has the original's samples, colour type and bit depth. */
function samePng(a: Uint8Array, b: Uint8Array): boolean {
  const x = parsePng(a),
    y = parsePng(b);
  if (!x || !y || x.colourType !== y.colourType || x.pngBitDepth !== y.pngBitDepth) return false;
  return Buffer.from(x.raster.samples.buffer, x.raster.samples.byteOffset, x.raster.samples.byteLength).equals(
    Buffer.from(y.raster.samples.buffer, y.raster.samples.byteOffset, y.raster.samples.byteLength),
  );
}

/** Runs the section on every .png of `dir` (sorted). `flowzip` false leaves flowzip out. */
export async function benchEvalS(dir: string, flowzip: boolean, log: (s: string) => void = () => {}): Promise<EvalSRow[]> {
  const work = mkdtempSync(join(tmpdir(), 'flowzip-evals-'));
  const rows: EvalSRow[] = [];
  try {
    for (const f of readdirSync(dir)
      .filter((n) => n.toLowerCase().endsWith('.png'))
      .sort()) {
      const path = join(dir, f);
      const input = new Uint8Array(readFileSync(path));
      const h = peekPngHeader(input);
      if (!h) throw new Error(`${path}: not a PNG`);
      const png = parsePng(input)!;
      const channels = h.colourType === 3 ? (png.ancillary.some((c) => c.type === 'tRNS') ? 4 : 3) : png.raster.channels;
      const ref = rgba16(path);
      const row: EvalSRow = { file: f, width: h.width, height: h.height, channels, bitDepth: h.bitDepth, cells: {}, flowzipMethod: '' };
      row.cells.png = { bytes: input.length, lossless: true, encSeconds: 0, decSeconds: 0 };
      for (const c of CODECS) {
        const out = join(work, `${f}${c.ext}`);
        const e = run(c.enc(path, out));
        if (!e.ok) throw new Error(`${c.id} failed on ${f}`);
        const decodedPath = join(work, `${f}.${c.id}.dec${c.id === 'cwebp' ? '.pam' : '.png'}`);
        const decArgv = c.dec(out, decodedPath);
        const d = decArgv ? run(decArgv) : { ok: true, seconds: 0 };
        const decoded = decArgv ? decodedPath : out;
        row.cells[c.id] = { bytes: statSync(out).size, lossless: d.ok ? ref !== null && rgba16(decoded) === ref : null, encSeconds: e.seconds, decSeconds: d.seconds };
      }
      if (flowzip) {
        const cpu = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
        let t = process.hrtime.bigint(),
          c = process.cpuUsage();
        const z = await compress(input, { workers: 2 });
        const encSeconds = Number(process.hrtime.bigint() - t) / 1e9,
          encCpuSeconds = cpu(process.cpuUsage(c));
        t = process.hrtime.bigint();
        c = process.cpuUsage();
        const back = await decompress(z, { workers: 2 });
        const decSeconds = Number(process.hrtime.bigint() - t) / 1e9,
          decCpuSeconds = cpu(process.cpuUsage(c));
        const decodedPath = join(work, `${f}.flowzip.png`);
        writeFileSync(decodedPath, back);
        row.cells.flowzip = { bytes: z.length, lossless: samePng(input, back) && rgba16(decodedPath) === ref, encSeconds, decSeconds, encCpuSeconds, decCpuSeconds };
        row.flowzipMethod = ['stored', 'brotli', 'image', 'chunked'][z[2] & 15] ?? '?';
      }
      rows.push(row);
      log(`eval-S ${f}: ${EVAL_S_COLUMNS.map((id) => (row.cells[id] ? `${id} ${row.cells[id].bytes}` : '')).join(', ')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return rows;
}

const subpixelsOf = (r: EvalSRow) => r.width * r.height * r.channels;

/** The 1, 5 and 15 minute load averages, as text. */
function loadNote(): string {
  return loadavg()
    .map((x) => x.toFixed(1))
    .join(' / ');
}

/** flowzip on a random-noise PNG (the early store decision): file sizes, container method and compress time. */
export interface NoiseStoreResult {
  width: number;
  height: number;
  pngBytes: number;
  fzBytes: number;
  method: string;
  encSeconds: number;
}

/** Compresses a 1000×1000 RGB PNG of seeded uniform noise with flowzip (2 workers): what storing an uncodable image costs. */
export async function benchNoiseStore(): Promise<NoiseStoreResult> {
  const width = 1000,
    height = 1000;
  const rand = mulberry32(15),
    samples = new Uint8Array(width * height * 3);
  for (let i = 0; i < samples.length; i++) samples[i] = Math.floor(rand() * 256);
  const png = writePng({ raster: { width, height, channels: 3, bitDepth: 8, samples }, colourType: 2, pngBitDepth: 8, interlaced: false, ancillary: [] });
  const t = process.hrtime.bigint();
  const z = await compress(png, { workers: 2 });
  const encSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  if (!Buffer.from(await decompress(z, { workers: 2 })).equals(Buffer.from(png))) throw new Error('noise PNG did not round-trip');
  return { width, height, pngBytes: png.length, fzBytes: z.length, method: ['stored', 'brotli', 'image', 'chunked'][z[2] & 15] ?? '?', encSeconds };
}

/** The section as Markdown: one row per file (bytes / bpsp), totals for the 8-bit files and for all, flowzip's speed. */
export function formatEvalS(rows: EvalSRow[], dir: string, noise?: NoiseStoreResult): string {
  const cols = EVAL_S_COLUMNS.filter((id) => rows.every((r) => r.cells[id]));
  const L: string[] = [];
  const pixels = rows.reduce((n, r) => n + r.width * r.height, 0);
  L.push(`## eval-S — ${rows.length} non-photographic PNGs from ${dir}, ${sig(pixels / 1e6)} MP`, '');
  L.push('Cells are bytes / bpsp; ✗ = decoded samples differ from the PNG (16-bit RGBA comparison), ? = the decoder could not write the image to check it.', '');
  L.push(`| file | W×H×ch | bits | ${cols.map((c) => TITLES[c]).join(' | ')} | flowzip method |`);
  L.push(`|---|---|---|${cols.map(() => '---:').join('|')}|---|`);
  for (const r of rows) {
    const cells = cols.map((c) => {
      const x = r.cells[c];
      return `${x.bytes} / ${((x.bytes * 8) / subpixelsOf(r)).toFixed(3)}${x.lossless ? '' : x.lossless === null ? ' ?' : ' ✗'}`;
    });
    L.push(`| ${basename(r.file)} | ${r.width}×${r.height}×${r.channels} | ${r.bitDepth} | ${cells.join(' | ')} | ${r.flowzipMethod} |`);
  }
  const total = (subset: EvalSRow[], name: string) => {
    const sp = subset.reduce((n, r) => n + subpixelsOf(r), 0);
    const cells = cols.map((c) => {
      const b = subset.reduce((n, r) => n + r.cells[c].bytes, 0);
      return `${b} / ${((b * 8) / sp).toFixed(4)}${subset.some((r) => r.cells[c].lossless === false) ? ' ✗' : ''}`;
    });
    L.push(`| **${name}** | ${sp} subpixels | | ${cells.join(' | ')} | |`);
  };
  total(
    rows.filter((r) => r.bitDepth <= 8),
    `${rows.filter((r) => r.bitDepth <= 8).length} files of ≤ 8 bits`,
  );
  total(rows, `all ${rows.length}`);
  if (cols.includes('flowzip')) {
    const enc = rows.reduce((n, r) => n + r.cells.flowzip.encSeconds, 0),
      dec = rows.reduce((n, r) => n + r.cells.flowzip.decSeconds, 0);
    const worst = rows.map((r) => ({ f: r.file, s: r.cells.flowzip.encSeconds / ((r.width * r.height) / 1e6) })).sort((a, b) => b.s - a.s)[0];
    L.push(
      '',
      `flowzip with 2 workers: ${sig(pixels / 1e6 / enc)} MP/s compress, ${sig(pixels / 1e6 / dec)} MP/s decompress over the set (${sig(enc)} s, ${sig(dec)} s); slowest compress ${sig(worst.s)} s/MP (${worst.f}).`,
    );
    const encCpu = rows.reduce((n, r) => n + (r.cells.flowzip.encCpuSeconds ?? NaN), 0),
      decCpu = rows.reduce((n, r) => n + (r.cells.flowzip.decCpuSeconds ?? NaN), 0);
    if (Number.isFinite(encCpu) && Number.isFinite(decCpu))
      L.push(
        '',
        `CPU time of those runs (all threads): ${sig(encCpu)} s compress, ${sig(decCpu)} s decompress (${sig(pixels / 1e6 / encCpu)} / ${sig(pixels / 1e6 / decCpu)} MP per CPU second); with the machine's load average at ${loadNote()} at the end of the run (1, 5, 15 min; 2 cores), wall times follow the share of the cores this process got.`,
      );
    if (noise) {
      const mp = (noise.width * noise.height) / 1e6;
      L.push(
        '',
        `Early store decision: a ${noise.width}×${noise.height} RGB PNG of uniform noise (${noise.pngBytes} bytes) → ${noise.fzBytes} bytes (${noise.method}, PNG ${noise.fzBytes - noise.pngBytes >= 0 ? '+' : ''}${noise.fzBytes - noise.pngBytes} bytes) in ${sig(noise.encSeconds / mp)} s/MP.`,
      );
    }
  }
  L.push('');
  return L.join('\n');
}

/** The section as CSV rows: file, codec, bytes, subpixels, bpsp, lossless, encode and decode seconds. */
export function evalSCsv(rows: EvalSRow[]): string {
  const L = ['file,codec,bytes,subpixels,bpsp,lossless,encode_seconds,decode_seconds'];
  for (const r of rows) {
    for (const [id, c] of Object.entries(r.cells))
      L.push([r.file, id, c.bytes, subpixelsOf(r), ((c.bytes * 8) / subpixelsOf(r)).toFixed(4), c.lossless, c.encSeconds.toFixed(3), c.decSeconds.toFixed(3)].join(','));
  }
  return L.join('\n') + '\n';
}
