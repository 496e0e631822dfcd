/**
 * Speed report: rANS throughput (bench/ans-speed), each shipped model's coded
 * size against the ideal Σ −log2 p of its own (quantised) probabilities, and
 * eval-A compress / decompress through the library with 1 and N workers for
 * every shipped RGB model (the bpsp / MP/s trade-off), side by side with
 * `cjxl -d 0 -e 7 --num_threads=0` / `djxl --num_threads=0` when installed
 * (one process per file, so their start-up is included; flowzip's CLI is
 * timed the same way). Prints a Markdown report and writes it to
 * bench/results/speed.md.
 *
 * Run: npx tsc -p tsconfig.json && node dist/bench/speed.js
 *   [--eval-a DIR] [--workers N] [--reps N] [--fmnist PATH] [--fmnist-count N] [--out FILE]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { compress, decompress } from '../src/codec/index.js';
import { flowTile, TILE_SIZE } from '../src/codec/image-codec.js';
import { defaultModel, runnerFor, shippedModels } from '../src/codec/models.js';
import { encodeTile, tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { causalCodeLengths, encodeCausalTile, fitImageParams, subImage } from '../src/codec/causal-coder.js';
import { tileGrid } from '../src/codec/tiling.js';
import { parsePng } from '../src/codec/formats/png.js';
import { canonicalPnmHeader, writePnm } from '../src/codec/formats/pnm.js';
import type { Model } from '../src/flows/model.js';
import { flowLevels } from '../src/flows/spec.js';
import { parseIdxImages } from './datasets.js';

/** A ratio as a signed percentage with three decimals: +0.231 %, −0.140 % (the small rANS start of format v4 can code below the ideal). */
const signedPercent = (r: number) => `${r < 0 ? '−' : '+'}${Math.abs(r * 100).toFixed(3)} %`;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Args {
  evalA: string;
  workers: number;
  reps: number;
  fmnist: string;
  fmnistCount: number;
  out: string;
}
function parseArgs(argv: string[]): Args {
  const a: Args = {
    evalA: join(ROOT, '..', 'shared', 'data', 'eval-A'),
    workers: 2,
    reps: 3,
    fmnist: '/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz',
    fmnistCount: 500,
    out: join(ROOT, 'bench', 'results', 'speed.md'),
  };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[++i];
    switch (argv[i - 1]) {
      case '--eval-a':
        a.evalA = v;
        break;
      case '--workers':
        a.workers = Number(v);
        break;
      case '--reps':
        a.reps = Number(v);
        break;
      case '--fmnist':
        a.fmnist = v;
        break;
      case '--fmnist-count':
        a.fmnistCount = Number(v);
        break;
      case '--out':
        a.out = v;
        break;
      default:
        throw new Error(`unknown argument ${argv[i - 1]}`);
    }
  }
  return a;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const now = () => performance.now();

interface Image {
  name: string;
  bytes: Uint8Array;
  width: number;
  height: number;
  channels: number;
  samples: Uint8Array;
}

/** Coded bits of every tile vs the ideal Σ −log2(freq / 2^16) (an escape: 16 for its slot + 16 raw bits) of the same symbols. */
async function idealVsCoded(model: Model, images: Image[]): Promise<{ coded: number; ideal: number; symbols: number; streams: number }> {
  const runner = await runnerFor(model, 'auto');
  let coded = 0,
    ideal = 0,
    symbols = 0,
    streams = 0;
  if (model.causal) {
    // A causal model: the image's fitted parameters, then each tile's stream and its symbols' code lengths.
    const count = model.causal.channels,
      stack = model.causal.stack;
    for (const img of images) {
      const rects = tileGrid(img.width, img.height, TILE_SIZE, 0);
      const params = fitImageParams(img.samples, img.width, img.channels, 0, count, rects, model.causal.maxClasses);
      for (const r of rects) {
        const data = subImage(img.samples, img.width, img.channels, 0, count, r);
        coded += 8 * encodeCausalTile(data, r.w, r.h, count, params, stack).length;
        for (const b of causalCodeLengths(data, r.w, r.h, count, params, stack)) ideal += b;
        symbols += r.w * r.h * count;
        streams++;
      }
    }
    return { coded, ideal, symbols, streams };
  }
  for (const img of images) {
    for (const r of tileGrid(img.width, img.height, TILE_SIZE, flowLevels(model.flow))) {
      const tile = flowTile(img.samples, img.width, img.channels, 0, img.channels, r, model.flow);
      coded += 8 * encodeTile(model.flow, runner, tile, r.ph, r.pw, r).length;
      streams++;
      const lengths = tileCodeLengths(model.flow, runner, tile, r.ph, r.pw, r);
      ideal += totalBits(lengths);
      for (const g of lengths) {
        for (const b of g.bits) for (let i = 0; i < b.length; i++) if (b[i] > 0) symbols++; // coded latents cost > 0 bits; 0 = not coded
      }
    }
  }
  return { coded, ideal, symbols, streams };
}

/** Wall ms of compressing and decompressing every image through the library (median over reps, after a warm-up). */
async function libraryTimes(images: Image[], model: string, workers: number, method: 'auto' | 'flow', reps: number): Promise<{ enc: number; dec: number; bytes: number }> {
  const streams = [];
  const t0 = now();
  for (const img of images) streams.push(await compress(img.bytes, { model, workers, method }));
  for (const z of streams) await decompress(z, { workers });
  // Slow models (over 20 s a pass) are timed once after the warm-up: they are not noisy at that scale.
  if (now() - t0 > 40_000) reps = 1;
  const e: number[] = [],
    d: number[] = [];
  for (let k = 0; k < reps; k++) {
    let t = now();
    for (const img of images) await compress(img.bytes, { model, workers, method });
    e.push(now() - t);
    t = now();
    for (const z of streams) await decompress(z, { workers });
    d.push(now() - t);
  }
  return { enc: median(e), dec: median(d), bytes: streams.reduce((s, z) => s + z.length, 0) };
}

/** Wall ms of running one process per file (compress, then decompress), median over reps. */
function processTimes(
  images: Image[],
  reps: number,
  enc: (inp: string, out: string) => [string, string[]],
  dec: (inp: string, out: string) => [string, string[]],
  ext: string,
): { enc: number; dec: number; bytes: number } {
  const dir = mkdtempSync(join(tmpdir(), 'flowzip-speed-'));
  try {
    const run = ([cmd, args]: [string, string[]]) => {
      const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    };
    const e: number[] = [],
      d: number[] = [];
    let bytes = 0;
    images.forEach((img) => writeFileSync(join(dir, `${img.name}.png`), img.bytes));
    for (let k = 0; k < reps; k++) {
      let t = now();
      for (const img of images) run(enc(join(dir, `${img.name}.png`), join(dir, `${img.name}${ext}`)));
      e.push(now() - t);
      t = now();
      for (const img of images) run(dec(join(dir, `${img.name}${ext}`), join(dir, `${img.name}.out.png`)));
      d.push(now() - t);
    }
    for (const img of images) bytes += readFileSync(join(dir, `${img.name}${ext}`)).length;
    return { enc: median(e), dec: median(d), bytes };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** CPU time per wall time of two threads spinning for 0.5 s: ~2 when two cores are free for us, ~1 when other jobs hold one. */
async function coresForUs(): Promise<number> {
  const spin = "const t = Date.now(); let x = 0; while (Date.now() - t < 500) x++; require('node:worker_threads').parentPort.postMessage(x);";
  const c0 = process.cpuUsage(),
    t = now();
  await Promise.all([0, 1].map(() => new Promise((resolve) => new Worker(spin, { eval: true }).once('message', resolve))));
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / (now() - t);
}

function has(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

async function main(): Promise<void> {
  const a = parseArgs(process.argv.slice(2));
  const out: string[] = [];
  const say = (s = '') => {
    out.push(s);
    console.log(s);
  };
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  say(`# flowzip speed (${new Date().toISOString().slice(0, 16)}Z)`);
  say();
  say(
    `Machine: ${cpu}, ${availableParallelism()} cores; Node ${process.version}; load average at start ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' / ')} (other jobs share the machine: wall times are noisy).`,
  );
  say(`Cores this process actually got (two spinning threads, CPU time / wall time): ${(await coresForUs()).toFixed(2)} at start — workers can only help as far as this exceeds 1.`);
  say();

  // 1. rANS throughput.
  say('## rANS throughput (bench/ans-speed, 10M symbols, static skewed 256-symbol table)');
  say();
  say('```');
  for (const [bits, coder] of [
    ['12', 'byte'],
    ['16', 'byte'],
    ['16', 'narrow'],
  ]) {
    say(execFileSync(process.execPath, [join(ROOT, 'dist', 'bench', 'ans-speed.js'), '10000000', bits, coder], { encoding: 'utf8' }).trim());
  }
  say('```');
  say();

  // eval-A.
  const images: Image[] = readdirSync(a.evalA)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => {
      const bytes = new Uint8Array(readFileSync(join(a.evalA, f)));
      const png = parsePng(bytes)!;
      return { name: f.replace(/\.png$/, ''), bytes, width: png.raster.width, height: png.raster.height, channels: png.raster.channels, samples: png.raster.samples as Uint8Array };
    });
  const pixels = images.reduce((s, i) => s + i.width * i.height, 0);
  const subpixels = images.reduce((s, i) => s + i.width * i.height * i.channels, 0);

  // 2. Coded size vs ideal.
  say('## Coded size vs ideal −log2 p (per model)');
  say();
  say(
    "Ideal = Σ −log2(freq / 2^16) over every coded symbol under the model's own quantised CDF (an escape costs its slot, 16 bits, plus 16 raw bits); coded = the tile streams (rANS, 4-byte final state per tile).",
  );
  say();
  say('| model | data | symbols | tile streams | ideal bits/symbol | coded bits/symbol | overhead | within 0.1 % + 8 B per stream |');
  say('|---|---|---:|---:|---:|---:|---:|---|');
  const idx = parseIdxImages(new Uint8Array(readFileSync(a.fmnist)), a.fmnistCount);
  const fm: Image[] = [];
  for (let i = 0; i < idx.count; i++) {
    const s = idx.data.slice(i * idx.rows * idx.cols, (i + 1) * idx.rows * idx.cols);
    const raster = { width: idx.cols, height: idx.rows, channels: 1 as const, bitDepth: 8 as const, samples: s };
    fm.push({ name: `fmnist-${i}`, bytes: writePnm(canonicalPnmHeader(raster, 255), raster), width: idx.cols, height: idx.rows, channels: 1, samples: s });
  }
  // Count-context models code samples, not latents: their bits per file are bench/small-files's.
  for (const [model, data, set] of shippedModels()
    .filter((m) => !m.counts)
    .map((m): [Model, string, Image[]] => (m.flow.channels === 3 ? [m, 'eval-A', images] : [m, `Fashion-MNIST ×${fm.length}`, fm]))) {
    const r = await idealVsCoded(model, set);
    const within = r.coded <= r.ideal * 1.001 + 64 * r.streams;
    say(
      `| ${model.name} | ${data} | ${r.symbols} | ${r.streams} | ${(r.ideal / r.symbols).toFixed(4)} | ${(r.coded / r.symbols).toFixed(4)} | ${signedPercent((r.coded - r.ideal) / r.ideal)} | ${within ? 'yes' : 'no'} |`,
    );
  }
  say();

  // 3. eval-A end to end, per RGB model: the bpsp / speed trade-off.
  say(`## eval-A: ${images.length} photos, ${(pixels / 1e6).toFixed(2)} MP`);
  say();
  say('| codec | how | compress MP/s | decompress MP/s | bpsp |');
  say('|---|---|---:|---:|---:|');
  const row = (codec: string, how: string, t: { enc: number; dec: number; bytes: number }) =>
    say(`| ${codec} | ${how} | ${(pixels / 1e3 / t.enc).toFixed(2)} | ${(pixels / 1e3 / t.dec).toFixed(2)} | ${((t.bytes * 8) / subpixels).toFixed(3)} |`);
  const rgbModels = [defaultModel(3), ...shippedModels().filter((m) => m.flow.channels === 3 && m.name !== defaultModel(3).name)];
  const lib: Record<string, { enc: number; dec: number; bytes: number }> = {};
  for (const m of rgbModels) {
    for (const w of [1, a.workers]) {
      lib[`${m.name}:${w}`] = await libraryTimes(images, m.name, w, 'auto', a.reps);
      row(`flowzip ${m.name}${m === rgbModels[0] ? ' (default)' : ''}`, `library, workers ${w}`, lib[`${m.name}:${w}`]);
    }
  }
  const cli = join(ROOT, 'bin', 'flowzip.js');
  const fzCli = processTimes(
    images,
    1,
    (i, o) => [process.execPath, [cli, 'compress', '-q', '-f', '--workers', String(a.workers), '-o', o, i]],
    (i, o) => [process.execPath, [cli, 'decompress', '-q', '-f', '--workers', String(a.workers), '-o', o, i]],
    '.fz',
  );
  row(`flowzip ${rgbModels[0].name} (default)`, `CLI, one process per file, workers ${a.workers}`, fzCli);
  let jxl: { enc: number; dec: number; bytes: number } | null = null;
  if (has('cjxl') && has('djxl')) {
    jxl = processTimes(
      images,
      Math.max(1, Math.min(a.reps, 2)),
      (i, o) => ['cjxl', [i, o, '-d', '0', '-e', '7', '--num_threads=0']],
      (i, o) => ['djxl', [i, o, '--num_threads=0']],
      '.jxl',
    );
    row('cjxl / djxl 0.7', 'one process per file, -d 0 -e 7 --num_threads=0', jxl);
  }
  say();

  // 4. The trade-off, one line per model: what each bit saved costs in speed.
  say(`## Trade-off per model (library, ${a.workers} workers${jxl ? '; ratio = flowzip MP/s ÷ cjxl -e 7 MP/s' : ''})`);
  say();
  say(`| model | prior MACs / pixel | eval-A bpsp | compress MP/s | decompress MP/s${jxl ? ' | compress ratio | decompress ratio' : ''} | target ≥ 1 MP/s both ways |`);
  say(`|---|---:|---:|---:|---:|${jxl ? '---:|---:|' : ''}---|`);
  for (const m of rgbModels) {
    const t = lib[`${m.name}:${a.workers}`];
    const enc = pixels / 1e3 / t.enc,
      dec = pixels / 1e3 / t.dec;
    const macs = (m.manifest as { macsPerPixel?: number } | undefined)?.macsPerPixel;
    const ratio = jxl ? ` | ${(jxl.enc / t.enc).toFixed(2)} | ${(jxl.dec / t.dec).toFixed(2)}` : '';
    say(
      `| ${m.name} | ${m.causal ? `none (causal, stack ${m.causal.stack})` : macs === undefined ? '?' : m.manifest.arch ? `${macs} dense (+ model zero's base)` : `${macs} as dense shapes, run sparse`} | ${((t.bytes * 8) / subpixels).toFixed(3)} | ${enc.toFixed(2)} | ${dec.toFixed(2)}${ratio} | ${enc >= 1 && dec >= 1 ? 'met' : 'not met'} |`,
    );
  }
  say();
  say(
    'Method `auto` (the default) adds a whole-file brotli candidate only when the flow codes over 4 bits per sample, so on photos it costs nothing; the per-phase split of the time is in bench/profile.',
  );
  mkdirSync(dirname(a.out), { recursive: true });
  writeFileSync(a.out, out.join('\n') + '\n');
  console.error(`wrote ${a.out}`);
}

await main();
