/**
 * Stream fuzzer (DESIGN.md invariants 2 and 6): mutates real .fz streams —
 * bytes flipped, set to extreme values, inserted, deleted, truncated — and
 * decodes every mutant with the public `decompress` in a worker thread under
 * a time limit. Each case is one of:
 *
 *   ok-identical  decoded, and equal to the original's decoded output
 *   typed         refused with a FlowzipError (counted by code)
 *   crash         any other exception, or the worker died
 *   hang          no answer within the time limit (the worker is terminated)
 *   silent-wrong  decoded without error to something else — the one outcome
 *                 flowzip must never produce
 *
 * Seeds: every corpus/golden/*.fz, plus streams made here from corpus files
 * and two generated multi-tile images, covering the image (RGB, gray,
 * gray+alpha, RGBA, PNM with a verbatim header, fallback tiles), brotli and
 * stored methods. Each seed is also decoded unmutated, as a Uint8Array and as
 * a Node Buffer, before and after the mutants: it must give the original (a
 * decoder that refuses valid streams would otherwise pass as "typed" errors).
 * Cases are reproducible one by one: case i draws from a PRNG
 * seeded with (seed, i), so `--seed S --only i` replays it in this process,
 * with the full stack of any crash.
 *
 *   node dist/scripts/fuzz.js [--cases N] [--seed S] [--seconds T]
 *        [--timeout-ms MS] [--workers W] [--json] [--save DIR] [--only I]
 *
 * Exit status 0 when there were no crashes, hangs or silent wrong outputs
 * and no seed was refused, 1 otherwise, 2 for bad arguments.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compress, decompress, FlowzipError, type BackendChoice, type CompressOptions } from '../src/codec/index.js';
import { ByteReader, ByteWriter } from '../src/codec/bytes.js';
import { unframe } from '../src/codec/container.js';
import { writePng } from '../src/codec/formats/png.js';
import { readImageHeader, writeImageHeader, type ImageHeader } from '../src/codec/image-header.js';
import { MODEL_ID_BYTES } from '../src/codec/models.js';
import { mulberry32 } from '../src/quant/prng.js';
import { goldenModels } from './golden-manifest.js';
import type { FuzzReply, FuzzWorkerData } from './fuzz-worker.js';

/** Models some golden seeds were made with (corpus/golden/models/). */
const GOLDEN_MODELS = goldenModels();

/** Outcome classes, in report order. */
export const CLASSES = ['ok-identical', 'typed', 'crash', 'hang', 'silent-wrong'] as const;
export type FuzzClass = (typeof CLASSES)[number];

/** Mutation operators. */
export const OPS = ['flip', 'set', 'insert', 'delete', 'truncate', 'splice', 'header'] as const;
export type FuzzOp = (typeof OPS)[number];

/** A valid stream to mutate, and the SHA-256 of what it decodes to. */
interface Seed {
  name: string;
  method: string;
  bytes: Uint8Array;
  decodedSha256: string;
}

/** One mutant. */
interface Case {
  index: number;
  seed: Seed;
  /** 'none': a seed decoded unmutated (the baseline pass), which must give the original. */
  op: FuzzOp | 'none';
  what: string;
  bytes: Uint8Array;
}

/** A case that did not end in a typed error (ok-identical ones are listed too, but are not failures). */
interface Finding {
  index: number;
  class: FuzzClass;
  seed: string;
  op: FuzzOp | 'none';
  what: string;
  detail: string;
  saved?: string;
}

/** The run's result (also printed as one JSON line with --json). */
export interface FuzzSummary {
  seed: number;
  requested: number;
  ran: number;
  seconds: number;
  stoppedByTime: boolean;
  seeds: number;
  /** Seeds that did not decode unmutated to their original in a worker (as Uint8Array and as Buffer, before and after the mutants): must be none. */
  seedFailures: Finding[];
  counts: Record<FuzzClass, number>;
  typedCodes: Record<string, number>;
  byOp: Record<string, Record<FuzzClass, number>>;
  bySeedMethod: Record<string, Record<FuzzClass, number>>;
  findings: Finding[];
}

interface Args {
  cases: number;
  seed: number;
  seconds: number;
  timeoutMs: number;
  workers: number;
  json: boolean;
  save: string | null;
  only: number | null;
  backend: BackendChoice | undefined;
}

const ROOT = join(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
const CORPUS = join(ROOT, 'corpus');
const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

function usage(message: string): never {
  process.stderr.write(`fuzz: ${message}\nusage: node dist/scripts/fuzz.js [--cases N] [--seed S] [--seconds T] [--timeout-ms MS] [--workers W] [--backend B] [--json] [--save DIR] [--only I]\n`);
  process.exit(2);
}

function parseArgs(argv: string[]): Args {
  const a: Args = { cases: 1000, seed: 1, seconds: 3600, timeoutMs: 10_000, workers: 1, json: false, save: null, only: null, backend: undefined };
  const num = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n) || n < min) usage(`${name} needs a number ≥ ${min}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const k = argv[i];
    switch (k) {
      case '--cases':
        a.cases = Math.floor(num(k, argv[++i], 1));
        break;
      case '--seed':
        a.seed = Math.floor(num(k, argv[++i], 0));
        break;
      case '--seconds':
        a.seconds = num(k, argv[++i], 1);
        break;
      case '--timeout-ms':
        a.timeoutMs = Math.floor(num(k, argv[++i], 100));
        break;
      case '--workers':
        a.workers = Math.min(Math.floor(num(k, argv[++i], 1)), Math.max(1, availableParallelism()));
        break;
      case '--backend':
        a.backend = argv[++i] as BackendChoice;
        break;
      case '--json':
        a.json = true;
        break;
      case '--save':
        a.save = argv[++i] ?? usage('--save needs a folder');
        break;
      case '--only':
        a.only = Math.floor(num(k, argv[++i], 0));
        break;
      default:
        usage(`unknown argument ${k}`);
    }
  }
  return a;
}

/** A small RGB or gray PNG of w×h: smooth gradients on the left, noise on the right (so some tiles fall back to brotli). */
function syntheticPng(w: number, h: number, channels: 1 | 3, seed: number): Uint8Array {
  const rnd = mulberry32(seed);
  const samples = new Uint8Array(w * h * channels);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let c = 0; c < channels; c++) {
        const smooth = (x * 3 + y * 5 + c * 40) & 255;
        samples[(y * w + x) * channels + c] = x < w * 0.6 ? smooth : Math.floor(rnd() * 256);
      }
    }
  }
  return writePng({ raster: { width: w, height: h, channels, bitDepth: 8, samples }, colourType: channels === 3 ? 2 : 0, pngBitDepth: 8, interlaced: false, ancillary: [] });
}

/** Corpus files compressed here, with the options that pick their method. */
const MADE: Array<[string, CompressOptions]> = [
  ['edge/rgb-13x7.png', { method: 'flow' }],
  ['edge/rgb-1x1.png', { method: 'flow' }],
  ['edge/gray-1x37.png', { method: 'flow' }],
  ['edge/gray-37x1.png', { method: 'flow' }],
  ['edge/graya-gravel-64x64.png', { method: 'flow' }],
  ['edge/rgba-ladybird-96x64.png', { method: 'flow' }],
  ['edge/rgb-comment-24x16.ppm', { method: 'flow' }],
  ['edge/rgb-noise-64x64.png', { method: 'flow' }],
  ['edge/rgb-iccp-64x48.png', { method: 'flow' }],
  ['photos/rgb-pixel2xl-64x64.png', { method: 'brotli' }],
  ['edge/text-gpl3-head.txt', { method: 'brotli' }],
  ['edge/pal4-brushes-64x64.png', { method: 'auto' }],
  ['edge/random-4096.bin', { method: 'stored' }],
  ['edge/rgb-13x7.png', { method: 'stored' }],
  ['edge/empty.bin', { method: 'brotli' }],
];

const METHOD_NAMES = ['stored', 'brotli', 'image', 'chunked', 'small'];
const methodOf = (fz: Uint8Array) => METHOD_NAMES[fz[2] & 15] ?? '?';

/** Every seed stream, with the hash of its decoded output (checked to be the original's content). */
async function buildSeeds(backend: BackendChoice | undefined): Promise<Seed[]> {
  const seeds: Seed[] = [];
  const add = async (name: string, fz: Uint8Array) => {
    const out = await decompress(fz, { backend, models: GOLDEN_MODELS });
    seeds.push({ name, method: methodOf(fz), bytes: fz, decodedSha256: sha256(out) });
  };
  const golden = join(CORPUS, 'golden');
  for (const f of readdirSync(golden)
    .filter((n) => n.endsWith('.fz'))
    .sort())
    await add(`golden/${f}`, new Uint8Array(readFileSync(join(golden, f))));
  for (const [src, opts] of MADE) {
    const fz = await compress(new Uint8Array(readFileSync(join(CORPUS, src))), { ...opts, backend });
    await add(`${src} (${opts.method})`, fz);
  }
  // Multi-tile images: tile records, fallback tiles and the last-piece rule get mutated too.
  await add('synthetic rgb 300x40 (flow)', await compress(syntheticPng(300, 40, 3, 7), { method: 'flow', backend }));
  await add('synthetic gray 520x20 (flow)', await compress(syntheticPng(520, 20, 1, 8), { method: 'flow', backend }));
  return seeds;
}

/** Positions: half near the start (container and image headers), some at the end (CRC, last piece), the rest anywhere. */
function position(rnd: () => number, n: number): number {
  const r = rnd();
  if (n === 0) return 0;
  if (r < 0.45) return Math.floor(rnd() * Math.min(n, 48));
  if (r < 0.55) return Math.max(0, n - 1 - Math.floor(rnd() * Math.min(n, 12)));
  return Math.floor(rnd() * n);
}

const EXTREMES = [0x00, 0xff, 0x7f, 0x80, 0x01, 0xfe];

/** The mutant of case `index` (deterministic in seed and index). */
function makeCase(seeds: Seed[], runSeed: number, index: number): Case {
  const rnd = mulberry32(Math.imul(runSeed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b));
  // The first cases take one seed of each method in turn (every method is mutated, however many seeds), the rest any seed.
  const pick = Math.floor(rnd() * seeds.length);
  const ofMethod = index < METHOD_NAMES.length ? seeds.filter((x) => x.method === METHOD_NAMES[index]) : [];
  const seed = ofMethod.length ? ofMethod[pick % ofMethod.length] : seeds[pick];
  const src = seed.bytes;
  const n = src.length;
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
  for (;;) {
    const op = OPS[Math.floor(rnd() * OPS.length)];
    let bytes: Uint8Array, what: string;
    if (op === 'flip') {
      if (n === 0) continue;
      bytes = src.slice();
      const k = int(1, 3);
      const at: string[] = [];
      for (let j = 0; j < k; j++) {
        const p = position(rnd, n);
        const x = rnd() < 0.5 ? 1 << int(0, 7) : int(1, 255);
        bytes[p] ^= x;
        at.push(`${p}^${x}`);
      }
      what = `flip ${at.join(',')}`;
    } else if (op === 'set') {
      if (n === 0) continue;
      bytes = src.slice();
      const p = position(rnd, n),
        len = int(1, 4),
        v = EXTREMES[int(0, EXTREMES.length - 1)];
      bytes.fill(v, p, Math.min(n, p + len));
      what = `set ${p}+${len}=${v}`;
    } else if (op === 'insert') {
      const p = position(rnd, n + 1),
        len = int(1, 16);
      const ins = Uint8Array.from({ length: len }, () => (rnd() < 0.3 ? EXTREMES[int(0, 5)] : int(0, 255)));
      bytes = new Uint8Array(n + len);
      bytes.set(src.subarray(0, p));
      bytes.set(ins, p);
      bytes.set(src.subarray(p), p + len);
      what = `insert ${p}+${len}`;
    } else if (op === 'delete') {
      if (n === 0) continue;
      const p = position(rnd, n),
        len = Math.min(n - p, int(1, 16));
      bytes = new Uint8Array(n - len);
      bytes.set(src.subarray(0, p));
      bytes.set(src.subarray(p + len), p);
      what = `delete ${p}+${len}`;
    } else if (op === 'truncate') {
      if (n === 0) continue;
      const len = rnd() < 0.5 ? int(0, Math.min(n - 1, 64)) : int(0, n - 1);
      bytes = src.slice(0, len);
      what = `truncate to ${len}`;
    } else if (op === 'header') {
      if (seed.method !== 'image' || rnd() < 0.2) continue; // mostly: keep the op mix even over the other methods
      const m = hostileHeader(src, rnd);
      if (!m) continue;
      [bytes, what] = m;
    } else {
      // splice: a run of the stream copied over another place of it (valid-looking but misplaced data)
      if (n < 8) continue;
      const from = int(0, n - 2),
        len = int(1, Math.min(32, n - from)),
        to = position(rnd, n);
      bytes = src.slice();
      bytes.set(src.subarray(from, from + Math.min(len, n - to)), to);
      what = `splice ${from}+${len}→${to}`;
    }
    if (Buffer.from(bytes).equals(Buffer.from(src))) continue; // e.g. a byte set to the value it had: not a mutant
    return { index, seed, op, what, bytes };
  }
}

/**
 * An image stream whose header is re-written with one field changed to a
 * hostile value (huge or zero dimensions, another kind / colour type / channel
 * count, a chunk dropped or grown), the tile data and CRC kept.
 */
function hostileHeader(src: Uint8Array, rnd: () => number): [Uint8Array, string] | null {
  const { body, crc } = unframe(src);
  const r = new ByteReader(body);
  const h: ImageHeader = readImageHeader(r, MODEL_ID_BYTES, Number.POSITIVE_INFINITY);
  const rest = body.subarray(r.pos);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rnd() * xs.length)];
  const size = () => pick([0, 1, 2, 255, 256, 257, 4096, 16384, 65536, 100000, 2 ** 31, 2 ** 40, Math.floor(rnd() * 1000)]);
  const field = pick(['width', 'height', 'both', 'kind', 'channels', 'chunks', 'verbatim']);
  let what: string;
  if (field === 'width') {
    h.width = size();
    what = `width=${h.width}`;
  } else if (field === 'height') {
    h.height = size();
    what = `height=${h.height}`;
  } else if (field === 'both') {
    h.width = h.height = pick([100000, 65536, 16384, 1 << 20]);
    what = `${h.width}x${h.height}`;
  } else if ((field === 'kind' || field === 'channels') && h.kind === 'palette') {
    return null; // a palette header has no colour type or channel count of its own
  } else if (field === 'kind') {
    const ch = h.kind === 'pnm' ? h.channels : h.kind === 'png' ? ({ 0: 1, 2: 3, 4: 2, 6: 4 } as const)[h.colourType] : 3;
    const alt: ImageHeader =
      h.kind === 'pnm'
        ? { kind: 'png', width: h.width, height: h.height, colourType: ch === 1 ? 0 : 2, chunks: [], modelIds: h.modelIds }
        : { kind: 'pnm', width: h.width, height: h.height, channels: ch === 1 || ch === 2 ? 1 : 3, verbatim: null, modelIds: h.modelIds };
    return frameWith(alt, rest, crc, `kind→${alt.kind}`);
  } else if (field === 'channels') {
    if (h.kind === 'pnm') h.channels = h.channels === 1 ? 3 : 1;
    else if (h.kind === 'png') h.colourType = pick([0, 2, 4, 6].filter((c) => c !== (h as { colourType: number }).colourType)) as 0 | 2 | 4 | 6;
    what = h.kind === 'pnm' ? `channels=${h.channels}` : `colourType=${(h as { colourType: number }).colourType}`;
  } else if (field === 'chunks') {
    if (h.kind !== 'png') return null;
    if (h.chunks.length > 0 && rnd() < 0.5) {
      h.chunks.pop();
      what = 'chunk dropped';
    } else {
      h.chunks.push({ type: 'tEXt', position: 'afterIDAT', data: new Uint8Array(Math.floor(rnd() * 64)) });
      what = 'chunk added';
    }
  } else {
    if (h.kind !== 'pnm') return null;
    h.verbatim = h.verbatim ? null : new TextEncoder().encode(`P${h.channels === 1 ? 5 : 6}\n${h.width} ${h.height}\n255\n`);
    what = h.verbatim ? 'verbatim header added' : 'verbatim header dropped';
  }
  return frameWith(h, rest, crc, what);
}

function frameWith(h: ImageHeader, rest: Uint8Array, crc: number, what: string): [Uint8Array, string] {
  const w = new ByteWriter();
  writeImageHeader(h, w);
  w.bytes(rest);
  const body = w.finish();
  const out = new Uint8Array(body.length + 7);
  out.set([0x46, 0x5a, (1 << 4) | 2]);
  out.set(body, 3);
  new DataView(out.buffer).setUint32(3 + body.length, crc, true);
  return [out, `header ${what}`];
}

function emptyCounts(): Record<FuzzClass, number> {
  return Object.fromEntries(CLASSES.map((c) => [c, 0])) as Record<FuzzClass, number>;
}

/** Classifies a worker reply against the seed's expected output. */
function classify(c: Case, reply: FuzzReply): { cls: FuzzClass; detail: string; code?: string } {
  if (reply.kind === 'typed') return { cls: 'typed', detail: `${reply.code}: ${reply.message}`, code: reply.code };
  if (reply.kind === 'crash') return { cls: 'crash', detail: reply.message };
  if (reply.sha256 === c.seed.decodedSha256) return { cls: 'ok-identical', detail: 'decoded to the original' };
  return { cls: 'silent-wrong', detail: `decoded ${reply.length} bytes (sha256 ${reply.sha256.slice(0, 16)}…) that differ from the original` };
}

/** A pool of decoding workers; a worker past its time limit is terminated and replaced. */
class Pool {
  private readonly script = new URL('./fuzz-worker.js', import.meta.url);
  constructor(
    private readonly data: FuzzWorkerData,
    private readonly timeoutMs: number,
  ) {}

  private spawn(): Promise<Worker> {
    return new Promise((resolve, reject) => {
      const w = new Worker(this.script, { workerData: this.data, resourceLimits: { maxOldGenerationSizeMb: 1024 } });
      const fail = (e: unknown) => reject(e instanceof Error ? e : new Error(String(e)));
      w.once('error', fail);
      w.once('message', (m) => {
        w.off('error', fail);
        if (m === 'ready') resolve(w);
        else fail(new Error(`worker said ${String(m)} before ready`));
      });
    });
  }

  /** Runs every case; `onResult` gets each reply (a synthesized crash or hang where the worker failed). */
  async run(cases: () => Case | null, workers: number, onResult: (c: Case, reply: FuzzReply | 'hang') => void): Promise<void> {
    const lane = async () => {
      let w = await this.spawn();
      for (let c = cases(); c; c = cases()) {
        const cur = c;
        const outcome = await new Promise<FuzzReply | 'hang' | { died: string }>((resolve) => {
          const done = (v: FuzzReply | 'hang' | { died: string }) => {
            clearTimeout(timer);
            w.off('message', onMessage);
            w.off('error', onError);
            w.off('exit', onExit);
            resolve(v);
          };
          const onMessage = (m: FuzzReply) => m.id === cur.index && done(m);
          const onError = (e: Error) => done({ died: `worker error: ${e.stack ?? e.message}` });
          const onExit = (code: number) => done({ died: `worker exited with code ${code}` });
          const timer = setTimeout(() => done('hang'), this.timeoutMs);
          w.on('message', onMessage);
          w.once('error', onError);
          w.once('exit', onExit);
          w.postMessage({ id: cur.index, bytes: cur.bytes });
        });
        if (outcome === 'hang' || 'died' in outcome) {
          await w.terminate().catch(() => 0);
          w = await this.spawn();
          onResult(cur, outcome === 'hang' ? 'hang' : { id: cur.index, kind: 'crash', message: outcome.died });
        } else {
          onResult(cur, outcome);
        }
      }
      await w.terminate();
    };
    await Promise.all(Array.from({ length: workers }, lane));
  }
}

/** Runs the fuzzer; returns the summary. */
export async function fuzz(args: Args, log: (line: string) => void): Promise<FuzzSummary> {
  const t0 = performance.now();
  const seeds = await buildSeeds(args.backend);
  log(
    `fuzz: ${seeds.length} seed streams (${Object.entries(countBy(seeds.map((s) => s.method)))
      .map(([k, v]) => `${v} ${k}`)
      .join(', ')}), seed ${args.seed}, up to ${args.cases} cases / ${args.seconds} s, ${args.workers} worker(s), ${args.timeoutMs} ms per case`,
  );
  const summary: FuzzSummary = {
    seed: args.seed,
    requested: args.cases,
    ran: 0,
    seconds: 0,
    stoppedByTime: false,
    seeds: seeds.length,
    seedFailures: [],
    counts: emptyCounts(),
    typedCodes: {},
    byOp: {},
    bySeedMethod: {},
    findings: [],
  };
  // Baseline: every seed, unmutated, once as a Uint8Array and once as a Buffer (odd ids), in the workers —
  // before the mutants, and again after them (when the codec's own worker pool is warm and takes pieces).
  const unmutated = (): Case[] => seeds.flatMap((seed, k) => [-2 * k - 2, -2 * k - 1].map((index) => ({ index, seed, op: 'none' as const, what: 'unmutated', bytes: seed.bytes })));
  const baseline: Case[] = unmutated();
  let finalBaseline: Case[] | null = unmutated();
  const deadline = t0 + args.seconds * 1000;
  let next = 0;
  const take = (): Case | null => {
    if (baseline.length > 0) return baseline.shift()!;
    if (next < args.cases && performance.now() > deadline) summary.stoppedByTime = true;
    if (next < args.cases && !summary.stoppedByTime) return makeCase(seeds, args.seed, next++);
    if (finalBaseline && finalBaseline.length > 0) return finalBaseline.shift()!;
    finalBaseline = null;
    return null;
  };
  if (args.save) mkdirSync(args.save, { recursive: true });
  const warmup = seeds.find((s) => s.name.includes('rgb-13x7.png (flow)'))?.bytes;
  const pool = new Pool({ backend: args.backend, warmup }, args.timeoutMs);
  let lastReport = performance.now();
  await pool.run(take, args.workers, (c, reply) => {
    const r = reply === 'hang' ? { cls: 'hang' as const, detail: `no answer within ${args.timeoutMs} ms` } : classify(c, reply);
    if (c.op === 'none') {
      if (r.cls !== 'ok-identical') {
        summary.seedFailures.push({ index: c.index, class: r.cls, seed: c.seed.name, op: c.op, what: c.what, detail: r.detail.split('\n').slice(0, 6).join(' | ') });
        log(`fuzz: SEED REFUSED: ${c.seed.name} (${c.index % 2 ? 'Buffer' : 'Uint8Array'}): ${r.detail}`);
      }
      return;
    }
    summary.ran++;
    summary.counts[r.cls]++;
    if ('code' in r && r.code) summary.typedCodes[r.code] = (summary.typedCodes[r.code] ?? 0) + 1;
    (summary.byOp[c.op] ??= emptyCounts())[r.cls]++;
    (summary.bySeedMethod[c.seed.method] ??= emptyCounts())[r.cls]++;
    if (r.cls !== 'typed') {
      const f: Finding = { index: c.index, class: r.cls, seed: c.seed.name, op: c.op, what: c.what, detail: r.detail.split('\n').slice(0, 6).join(' | ') };
      if (args.save) {
        f.saved = join(args.save, `case-${args.seed}-${c.index}-${r.cls}.fz`);
        writeFileSync(f.saved, c.bytes);
      }
      summary.findings.push(f);
      if (r.cls !== 'ok-identical') log(`fuzz: case ${c.index} ${r.cls.toUpperCase()}: ${c.seed.name}, ${c.what}: ${f.detail}`);
    }
    if (performance.now() - lastReport > 15_000) {
      lastReport = performance.now();
      log(`fuzz: ${summary.ran} cases, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
  });
  summary.seconds = Math.round((performance.now() - t0) / 100) / 10;
  return summary;
}

function countBy(xs: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const x of xs) out[x] = (out[x] ?? 0) + 1;
  return out;
}

/** No crash, hang or silent wrong output, and every seed decoded unmutated. */
export function passed(s: FuzzSummary): boolean {
  return s.counts.crash + s.counts.hang + s.counts['silent-wrong'] + s.seedFailures.length === 0;
}

/** The human-readable report. */
export function formatSummary(s: FuzzSummary): string {
  const row = (label: string, c: Record<FuzzClass, number>) => `  ${label.padEnd(10)} ${CLASSES.map((k) => `${k} ${c[k]}`).join(', ')}`;
  const lines = [
    `fuzz summary: ${s.ran} cases (seed ${s.seed}, ${s.seeds} seed streams) in ${s.seconds} s${s.stoppedByTime ? ' (stopped by --seconds)' : ''}`,
    row('total', s.counts),
    `  typed codes: ${
      Object.entries(s.typedCodes)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 'none'
    }`,
    ...Object.entries(s.byOp).map(([op, c]) => row(op, c)),
    ...Object.entries(s.bySeedMethod).map(([m, c]) => row(`[${m}]`, c)),
    `  baseline: ${s.seeds * 4 - s.seedFailures.length}/${s.seeds * 4} unmutated seed decodes gave the original (Uint8Array and Buffer, before and after the mutants)`,
    `  crashes ${s.counts.crash}, hangs ${s.counts.hang}, silent wrong outputs ${s.counts['silent-wrong']}, seeds refused ${s.seedFailures.length}: ${passed(s) ? 'PASS' : 'FAIL'}`,
  ];
  for (const f of s.seedFailures.slice(0, 10)) lines.push(`  seed refused: ${f.seed} (${f.index % 2 ? 'Buffer' : 'Uint8Array'}): ${f.detail.slice(0, 300)}`);
  for (const f of s.findings.slice(0, 20)) lines.push(`  case ${f.index} ${f.class}: ${f.seed}, ${f.what}: ${f.detail.slice(0, 300)}${f.saved ? ` (saved ${f.saved})` : ''}`);
  return lines.join('\n');
}

/** --only I: replays one case in this process and prints the outcome with the full stack. */
async function replay(args: Args, index: number): Promise<number> {
  const seeds = await buildSeeds(args.backend);
  const c = makeCase(seeds, args.seed, index);
  process.stdout.write(`case ${index}: ${c.seed.name}, ${c.what} (${c.bytes.length} bytes)\n`);
  try {
    const out = await decompress(c.bytes, { backend: args.backend, models: GOLDEN_MODELS });
    const same = sha256(out) === c.seed.decodedSha256;
    process.stdout.write(same ? 'ok-identical\n' : `SILENT WRONG OUTPUT: ${out.length} bytes\n`);
    return same ? 0 : 1;
  } catch (e) {
    if (e instanceof FlowzipError) {
      process.stdout.write(`typed ${e.code}: ${e.message}\n`);
      return 0;
    }
    process.stdout.write(`CRASH: ${e instanceof Error ? e.stack : String(e)}\n`);
    return 1;
  }
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = parseArgs(process.argv.slice(2));
  if (args.only !== null) {
    process.exitCode = await replay(args, args.only);
  } else {
    const summary = await fuzz(args, (line) => process.stderr.write(`${line}\n`));
    process.stdout.write(args.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n`);
    process.exitCode = passed(summary) ? 0 : 1;
  }
}
