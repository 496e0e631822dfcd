/**
 * Where the time goes: splits compress and decompress into network
 * (runner.run), flow glue (squeeze, couplings, masks), prior → CDF (the
 * per-symbol leaky-logistic CDF and the decoder's symbol search), entropy
 * coding (rANS push/pop), I/O and format (parse, tile extraction, fallback
 * brotli, container, checksum, writing the decoded file) and start-up
 * (module load, model load, canary), on one eval-A photo and on a batch of
 * Fashion-MNIST images (28×28 P5 PGMs made in memory). Single-threaded: the
 * pieces are coded in-process through the codec's own functions, with a timed
 * runner and a recording rANS sink/source; the end-to-end rows time the real
 * `compress` / `decompress` (workers 1 and N) for comparison. Also times each
 * backend on the model's nets (what `auto`'s rule is calibrated with).
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/profile.js
 *   [--image PATH] [--fmnist PATH] [--fmnist-count N] [--reps N] [--workers N] [--backend B]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants as zc } from 'node:zlib';
import { compress, decompress, type BackendChoice } from '../src/codec/index.js';
import { brotliDecodeExact } from '../src/codec/brotli.js';
import { crcOf } from '../src/codec/container.js';
import { parsePng, writePng } from '../src/codec/formats/png.js';
import { canonicalPnmHeader, parsePnm, writePnm } from '../src/codec/formats/pnm.js';
import { flowTile, TILE_SIZE } from '../src/codec/image-codec.js';
import { planeGroups } from '../src/codec/image-header.js';
import { defaultModel, runnerFor } from '../src/codec/models.js';
import { planeModels } from '../src/codec/model-choice.js';
import { chooseOffsets, codingSupport, decodeTileFrom, pushGroups, skipPadding, tileDecoder, tileEncoder, type SymbolSink, type SymbolSource } from '../src/codec/tile-coder.js';
import { WRITTEN_FEATURES } from '../src/codec/stream-features.js';
import { tileGrid } from '../src/codec/tiling.js';
import { forward, LatentRangeError } from '../src/flows/flow.js';
import type { Model } from '../src/flows/model.js';
import { flowLevels, flowNets } from '../src/flows/spec.js';
import { netMacsPerPixel, type QNet } from '../src/quant/qnet.js';
import { createRunner, type BackendName, type NetRunner } from '../src/quant/runner.js';
import { parseIdxImages } from './datasets.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Args {
  image: string;
  fmnist: string;
  fmnistCount: number;
  reps: number;
  workers: number;
  backend: BackendChoice;
}
function parseArgs(argv: string[]): Args {
  const a: Args = {
    image: join(ROOT, '..', 'shared', 'data', 'eval-A', 'cv_butterfly.png'),
    fmnist: '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz',
    fmnistCount: 300,
    reps: 5,
    workers: 2,
    backend: 'auto',
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--image':
        a.image = v;
        i++;
        break;
      case '--fmnist':
        a.fmnist = v;
        i++;
        break;
      case '--fmnist-count':
        a.fmnistCount = Number(v);
        i++;
        break;
      case '--reps':
        a.reps = Number(v);
        i++;
        break;
      case '--workers':
        a.workers = Number(v);
        i++;
        break;
      case '--backend':
        a.backend = v as BackendChoice;
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

/** Phase → milliseconds. */
type Phases = Record<string, number>;
const add = (p: Phases, k: string, ms: number) => {
  p[k] = (p[k] ?? 0) + ms;
};
const now = () => performance.now();

/** A runner that adds the time spent in nets to `phases.network`. */
function timedRunner(r: NetRunner, phases: Phases): NetRunner {
  return {
    name: r.name,
    run: (net: QNet, x: Int32Array[], h: number, w: number) => {
      const t = now();
      const o = r.run(net, x, h, w);
      add(phases, 'network', now() - t);
      return o;
    },
  };
}

/** Records pushes (start, freq, bits) to replay them into a real encoder. */
class Recorder implements SymbolSink {
  s = new Int32Array(1 << 16);
  f = new Int32Array(1 << 16);
  b = new Int8Array(1 << 16);
  n = 0;
  private grow(): void {
    const g = <T extends Int32Array | Int8Array>(a: T): T => {
      const c = new (a.constructor as new (n: number) => T)(a.length * 2);
      c.set(a);
      return c;
    };
    this.s = g(this.s);
    this.f = g(this.f);
    this.b = g(this.b);
  }
  push(start: number, freq: number, bits: number): void {
    if (this.n === this.s.length) this.grow();
    this.s[this.n] = start;
    this.f[this.n] = freq;
    this.b[this.n++] = bits;
  }
  pushBits(value: number, nbits: number): void {
    if (nbits) this.push(value, 1, nbits);
  }
}

/** Forwards to a tile decoder and records what was popped (bits = −n for raw bits). */
class RecordingSource implements SymbolSource {
  readonly rec = new Recorder();
  constructor(private readonly dec: SymbolSource) {}
  peek(bits: number): number {
    return this.dec.peek(bits);
  }
  advance(start: number, freq: number, bits: number): void {
    this.rec.push(start, freq, bits);
    this.dec.advance(start, freq, bits);
  }
  popBits(nbits: number): number {
    this.rec.push(0, 0, -nbits);
    return this.dec.popBits(nbits);
  }
}

interface Loaded {
  samples: Uint8Array;
  width: number;
  height: number;
  channels: 1 | 2 | 3 | 4;
  write: (s: Uint8Array) => Uint8Array;
}
function load(bytes: Uint8Array): Loaded {
  const pnm = parsePnm(bytes);
  if (pnm) {
    const r = pnm.raster;
    return { samples: r.samples as Uint8Array, width: r.width, height: r.height, channels: r.channels as 1 | 3, write: (s) => writePnm(pnm.header, { ...r, samples: s }) };
  }
  const png = parsePng(bytes);
  if (!png) throw new Error('not a PNG or PNM');
  const r = png.raster;
  return { samples: r.samples as Uint8Array, width: r.width, height: r.height, channels: r.channels as 1 | 2 | 3 | 4, write: (s) => writePng({ ...png, raster: { ...r, samples: s } }) };
}

/** One single-threaded compress + decompress of a file, split into phases (see the module comment). */
async function profileFile(bytes: Uint8Array, backend: BackendChoice, enc: Phases, dec: Phases): Promise<void> {
  let t = now();
  const img = load(bytes);
  add(enc, 'format: parse', now() - t);
  const groups = planeGroups(img.channels);
  const models = planeModels(img.channels, {});
  const runners = await Promise.all(models.map((m) => runnerFor(m, backend)));
  const rects = tileGrid(img.width, img.height, TILE_SIZE, Math.max(...models.map((m) => flowLevels(m.flow))));
  const decoded = new Uint8Array(img.samples.length);
  for (const r of rects) {
    for (const [gi, g] of groups.entries()) {
      const model = models[gi];
      t = now();
      const tile = flowTile(img.samples, img.width, img.channels, g.first, g.count, r, model.flow);
      const raw = new Uint8Array(r.w * r.h * g.count);
      for (let c = 0, k = 0; c < g.count; c++) {
        for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) raw[k++] = img.samples[((r.y + y) * img.width + r.x + x) * img.channels + g.first + c];
      }
      add(enc, 'format: tiles', now() - t);
      // Encode: forward (network + glue), symbol loop into a recorder (CDF), replay (rANS).
      const encNet: Phases = {};
      t = now();
      let coded: ReturnType<typeof forward> | null = null;
      try {
        coded = forward(model.flow, timedRunner(runners[gi], encNet), tile, r.ph, r.pw);
      } catch (e) {
        if (!(e instanceof LatentRangeError)) throw e;
      }
      const fwd = now() - t;
      add(enc, 'network', encNet.network ?? 0);
      add(enc, 'flow glue', fwd - (encNet.network ?? 0));
      let stream: Uint8Array | null = null;
      if (coded) {
        const rec = new Recorder();
        t = now();
        const skip = skipPadding(model.flow, r.ph, r.pw, r);
        const support = codingSupport(model.flow);
        pushGroups(rec, coded, chooseOffsets(coded, skip, support), skip, support);
        add(enc, 'prior → CDF', now() - t);
        t = now();
        const e = tileEncoder(r.ph * r.pw);
        for (let k = 0; k < rec.n; k++) e.push(rec.s[k], rec.f[k], rec.b[k]);
        stream = e.finish();
        add(enc, 'entropy coding (rANS)', now() - t);
      }
      let fallback: Uint8Array | null = null;
      if (!stream || stream.length > raw.length / 2) {
        t = now();
        const b = brotliCompressSync(raw, { params: { [zc.BROTLI_PARAM_QUALITY]: 9, [zc.BROTLI_PARAM_SIZE_HINT]: raw.length } });
        add(enc, 'format: fallback brotli', now() - t);
        if (!stream || b.length < stream.length) fallback = b;
      }
      // Decode the same piece.
      if (fallback || !stream) {
        t = now();
        brotliDecodeExact(fallback!, raw.length);
        add(dec, 'format: fallback brotli', now() - t);
        continue;
      }
      const decNet: Phases = {};
      const src = new RecordingSource(tileDecoder(stream, WRITTEN_FEATURES));
      t = now();
      const planes = decodeTileFrom(model.flow, timedRunner(runners[gi], decNet), src, r.ph, r.pw, WRITTEN_FEATURES, r);
      const total = now() - t;
      t = now();
      const d = tileDecoder(stream, WRITTEN_FEATURES);
      const rec = src.rec;
      for (let k = 0; k < rec.n; k++) {
        if (rec.b[k] < 0) d.popBits(-rec.b[k]);
        else {
          d.peek(rec.b[k]);
          d.advance(rec.s[k], rec.f[k], rec.b[k]);
        }
      }
      d.finish();
      const rans = now() - t;
      add(dec, 'network', decNet.network ?? 0);
      add(dec, 'entropy coding (rANS)', rans);
      add(dec, 'prior → CDF + flow glue', total - (decNet.network ?? 0) - rans);
      t = now();
      planes.forEach((p, c) => {
        for (let y = 0; y < r.h; y++) for (let x = 0; x < r.w; x++) decoded[((r.y + y) * img.width + r.x + x) * img.channels + g.first + c] = p[y * r.pw + x];
      });
      add(dec, 'format: tiles', now() - t);
    }
  }
  t = now();
  crcOf(bytes);
  crcOf(img.samples);
  add(enc, 'format: container + CRC', now() - t);
  t = now();
  crcOf(decoded);
  add(dec, 'format: container + CRC', now() - t);
  t = now();
  img.write(img.samples);
  add(dec, 'format: write file', now() - t);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median over repetitions of each phase. */
async function phaseSplit(files: Uint8Array[], reps: number, backend: BackendChoice): Promise<{ enc: Phases; dec: Phases }> {
  const runs: Array<{ enc: Phases; dec: Phases }> = [];
  for (let k = 0; k < reps + 2; k++) {
    const enc: Phases = {},
      dec: Phases = {};
    for (const f of files) await profileFile(f, backend, enc, dec);
    if (k > 1) runs.push({ enc, dec }); // the first two runs warm the JIT
  }
  const med = (pick: (r: { enc: Phases; dec: Phases }) => Phases) => {
    const keys = [...new Set(runs.flatMap((r) => Object.keys(pick(r))))];
    return Object.fromEntries(keys.map((k) => [k, median(runs.map((r) => pick(r)[k] ?? 0))]));
  };
  return { enc: med((r) => r.enc), dec: med((r) => r.dec) };
}

/** End-to-end compress / decompress of all files (wall ms, process CPU ms), median over reps. */
async function endToEnd(
  files: Uint8Array[],
  reps: number,
  workers: number,
  backend: BackendChoice,
  method: 'auto' | 'flow',
): Promise<{ enc: number; dec: number; encCpu: number; decCpu: number; bytes: number }> {
  const streams = await Promise.all(files.map((f) => compress(f, { workers, backend, method }))); // warm-up (and pool start)
  for (const z of streams) await decompress(z, { workers, backend });
  const e: number[] = [],
    d: number[] = [],
    ec: number[] = [],
    dc: number[] = [];
  for (let k = 0; k < reps; k++) {
    let c0 = process.cpuUsage(),
      t = now();
    for (const f of files) await compress(f, { workers, backend, method });
    e.push(now() - t);
    let c = process.cpuUsage(c0);
    ec.push((c.user + c.system) / 1000);
    c0 = process.cpuUsage();
    t = now();
    for (const z of streams) await decompress(z, { workers, backend });
    d.push(now() - t);
    c = process.cpuUsage(c0);
    dc.push((c.user + c.system) / 1000);
  }
  return { enc: median(e), dec: median(d), encCpu: median(ec), decCpu: median(dc), bytes: streams.reduce((s, z) => s + z.length, 0) };
}

/** Start-up in a fresh process: module load, model load, canary (median of 3). */
function startup(backend: BackendChoice): Phases {
  const script = `
    const t0 = performance.now();
    const api = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'codec', 'index.js'))});
    const models = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'codec', 'models.js'))});
    const t1 = performance.now();
    const m = models.defaultModel(3);
    const t2 = performance.now();
    const r = await models.runnerFor(m, ${JSON.stringify(backend)});
    const t3 = performance.now();
    console.log(JSON.stringify({ 'module load': t1 - t0, 'model load': t2 - t1, ['canary (' + r.name + ')']: t3 - t2 }));`;
  const runs = [0, 1, 2].map(() => JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })) as Phases);
  return Object.fromEntries(Object.keys(runs[0]).map((k) => [k, median(runs.map((r) => r[k]))]));
}

/** ms per megapixel of running every net of `model` on 64×64 inputs, per backend. */
async function backendTimes(model: Model): Promise<Array<{ backend: BackendName; msPerMp: number }>> {
  const out: Array<{ backend: BackendName; msPerMp: number }> = [];
  const nets = flowNets(model.flow);
  const h = 64,
    w = 64;
  const inputs = nets.map((n) => Array.from({ length: n.layers[0].cin }, (_, c) => Int32Array.from({ length: h * w }, (_, i) => ((i * 37 + c * 11) % 201) - 100)));
  for (const b of ['reference', 'wasm', 'tensorflow'] as BackendName[]) {
    const r = await createRunner(b);
    if (!r) continue;
    const times: number[] = [];
    for (let k = 0; k < 4; k++) {
      const t = now();
      nets.forEach((n, i) => r.run(n, inputs[i], h, w));
      times.push(now() - t);
    }
    out.push({ backend: b, msPerMp: (median(times.slice(1)) / (h * w)) * 1e6 });
  }
  return out;
}

const fmt = (ms: number) => ms.toFixed(1);

function table(title: string, pixels: number, enc: Phases, dec: Phases): string {
  const keys = [...new Set([...Object.keys(enc), ...Object.keys(dec)])];
  const te = Object.values(enc).reduce((a, b) => a + b, 0),
    td = Object.values(dec).reduce((a, b) => a + b, 0);
  const rows = keys.map(
    (k) =>
      `| ${k} | ${enc[k] === undefined ? '—' : `${fmt(enc[k])} (${((100 * enc[k]) / te).toFixed(0)} %)`} | ${dec[k] === undefined ? '—' : `${fmt(dec[k])} (${((100 * dec[k]) / td).toFixed(0)} %)`} |`,
  );
  return [
    `### ${title}`,
    '',
    '| phase | compress ms | decompress ms |',
    '|---|---:|---:|',
    ...rows,
    `| **total (single thread)** | **${fmt(te)}** = ${(pixels / 1e3 / te).toFixed(2)} MP/s | **${fmt(td)}** = ${(pixels / 1e3 / td).toFixed(2)} MP/s |`,
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const lines: string[] = [`# flowzip profile (${new Date().toISOString()}, backend ${a.backend}, median of ${a.reps})`, ''];
  const say = (s: string) => {
    lines.push(s);
    console.log(s);
  };

  const st = startup(a.backend);
  say(
    '### Start-up (fresh process, median of 3)\n\n| step | ms |\n|---|---:|\n' +
      Object.entries(st)
        .map(([k, v]) => `| ${k} | ${fmt(v)} |`)
        .join('\n') +
      '\n',
  );

  const photo = new Uint8Array(readFileSync(a.image));
  const img = load(photo);
  const px = img.width * img.height;
  const { enc, dec } = await phaseSplit([photo], a.reps, a.backend);
  say(table(`${a.image.split('/').pop()} (${img.width}×${img.height}, ${img.channels} channels)`, px, enc, dec));
  for (const [method, w] of [
    ['flow', 1],
    ['flow', a.workers],
    ['auto', 1],
    ['auto', a.workers],
  ] as Array<['auto' | 'flow', number]>) {
    const e = await endToEnd([photo], a.reps, w, a.backend, method);
    say(
      `- end to end, method ${method}, workers ${w}: compress ${fmt(e.enc)} ms (CPU ${fmt(e.encCpu)}) = ${(px / 1e3 / e.enc).toFixed(2)} MP/s; decompress ${fmt(e.dec)} ms (CPU ${fmt(e.decCpu)}) = ${(px / 1e3 / e.dec).toFixed(2)} MP/s; ${e.bytes} bytes`,
    );
  }
  say('');

  const idx = parseIdxImages(new Uint8Array(readFileSync(a.fmnist)), a.fmnistCount);
  const n = idx.rows * idx.cols;
  const pgms: Uint8Array[] = [];
  for (let i = 0; i < idx.count; i++) {
    const raster = { width: idx.cols, height: idx.rows, channels: 1 as const, bitDepth: 8 as const, samples: idx.data.slice(i * n, (i + 1) * n) };
    pgms.push(writePnm(canonicalPnmHeader(raster, 255), raster));
  }
  const f = await phaseSplit(pgms, Math.max(1, Math.min(a.reps, 3)), a.backend);
  say(table(`Fashion-MNIST, ${idx.count} × ${idx.cols}×${idx.rows} PGMs (each its own file)`, idx.count * n, f.enc, f.dec));
  const e = await endToEnd(pgms, Math.max(1, Math.min(a.reps, 3)), 1, a.backend, 'auto');
  say(
    `- end to end (method auto, workers 1: one piece per file): compress ${fmt(e.enc)} ms = ${(idx.count / (e.enc / 1e3)).toFixed(0)} files/s; decompress ${fmt(e.dec)} ms = ${(idx.count / (e.dec / 1e3)).toFixed(0)} files/s; ${((e.bytes * 8) / (idx.count * n)).toFixed(3)} bpsp\n`,
  );

  for (const m of [defaultModel(3), defaultModel(1)]) {
    const bt = await backendTimes(m);
    const nets = flowNets(m.flow);
    const taps = nets.reduce((s, net) => s + net.layers.reduce((t, l) => t + l.weights.reduce((c, v) => c + (v !== 0 ? 1 : 0), 0), 0), 0);
    const macs = nets.reduce((s, net) => s + netMacsPerPixel(net), 0);
    say(
      `- backends, every net of ${m.name} run on a 64×64 input (${macs} dense MACs and ${taps} non-zero weights over all nets): ` +
        bt.map((b) => `${b.backend} ${b.msPerMp.toFixed(0)} ms per MP of net input`).join(', '),
    );
  }
  void lines;
}

await main();
