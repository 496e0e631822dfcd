/**
 * Small files, the way a user codes them: the first N Fashion-MNIST test
 * images written as separate 28×28 PGM files, compressed by ONE CLI call with
 * the default settings (`flowzip compress -q FILES…`, no --model), then
 * decompressed by one CLI call; every decoded file is compared with its
 * original. Prints bits per pixel per file (every byte of every .fz: headers,
 * model id, checksum included) and files per second each way: the wall
 * clock of the whole CLI process (start-up included, every output written
 * safely: temporary file, rename; no fsync, as without --rm), repeated
 * `--repeat` times (fresh outputs each time), median and best, and the
 * median CPU time (user + system, all threads) of those processes, which a
 * shared machine's load changes less than the wall clock; and which
 * models the streams name. Then the same files through the library in this
 * process (compress and decompress with default options, every gray model
 * loaded first, untimed), the codec's own rate.
 *
 *   npm run bench:small -- [--count 1000] [--repeat 3] [--fmnist FILE] [-- extra compress flags]
 *   (the same as node dist/bench/small-files.js …)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compress, decompress, inspectStream } from '../src/codec/index.js';
import { runnerFor, shippedModels } from '../src/codec/models.js';
import { DEFAULT_FMNIST, repoRoot } from './args.js';
import { loadFmnist } from './datasets.js';

/** User + system CPU seconds of the children this process has waited for (Linux /proc; null elsewhere). */
function childCpuSeconds(): number | null {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of proc(5) (cutime, cstime), in clock ticks (100 a second on Linux).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return null;
  }
}

const argv = process.argv.slice(2);
const dash = argv.indexOf('--');
const own = dash < 0 ? argv : argv.slice(0, dash);
const extra = dash < 0 ? [] : argv.slice(dash + 1);
const opt = (name: string, fallback: string) => (own.includes(name) ? own[own.indexOf(name) + 1] : fallback);
const count = Number(opt('--count', '1000'));
const repeat = Math.max(1, Number(opt('--repeat', '3')));
const set = loadFmnist(opt('--fmnist', DEFAULT_FMNIST), count);
const bin = join(repoRoot(), 'bin', 'flowzip.js');
const work = mkdtempSync(join(tmpdir(), 'flowzip-small-'));
try {
  const src = join(work, 'src'),
    back = join(work, 'back');
  mkdirSync(src);
  mkdirSync(back);
  const names = set.images.map((im) => `${im.name}.pgm`);
  set.images.forEach((im, i) => writeFileSync(join(src, names[i]), im.pnm));
  const encCpu: number[] = [],
    decCpu: number[] = [];
  const run = (args: string[], cwd: string, cpu: number[]) => {
    const c0 = childCpuSeconds();
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, ...args], { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
    const seconds = (performance.now() - t0) / 1000;
    const c1 = childCpuSeconds();
    if (c0 !== null && c1 !== null) cpu.push(c1 - c0);
    return seconds;
  };
  const encTimes: number[] = [],
    decTimes: number[] = [];
  let bytes = 0;
  const won = new Map<string, number>();
  const bad: string[] = [];
  for (let r = 0; r < repeat; r++) {
    // Each round starts from the inputs alone: compress writes every .fz, decompress every file back.
    rmSync(back, { recursive: true, force: true });
    mkdirSync(back);
    encTimes.push(run(['compress', '-q', ...extra, ...names], src, encCpu));
    const streams = names.map((n) => readFileSync(join(src, `${n}.fz`)));
    const size = streams.reduce((t, fz) => t + fz.length, 0);
    if (r > 0 && size !== bytes) throw new Error(`small-files: round ${r + 1} wrote ${size} bytes, round 1 ${bytes}: the output is not deterministic`);
    bytes = size;
    names.forEach((n) => renameSync(join(src, `${n}.fz`), join(back, `${n}.fz`)));
    if (r === 0) {
      for (const fz of streams) {
        const models = inspectStream(fz).image?.models.map((m) => m.name ?? m.id) ?? [inspectStream(fz).method];
        for (const m of models) won.set(m, (won.get(m) ?? 0) + 1);
      }
    }
    decTimes.push(run(['decompress', '-q', ...names.map((n) => `${n}.fz`)], back, decCpu));
    bad.push(...names.filter((n) => !readFileSync(join(back, n)).equals(readFileSync(join(src, n)))));
  }
  const pixels = set.images.reduce((s, im) => s + im.width * im.height, 0);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[(xs.length - 1) >> 1];
  const rate = (xs: number[]) => `${(names.length / median(xs)).toFixed(0)} files/s median (${median(xs).toFixed(2)} s), best ${(names.length / Math.min(...xs)).toFixed(0)}`;
  console.log(`${set.description}; flowzip compress ${extra.join(' ') || '(default settings)'}`);
  console.log(`bits per pixel per file: ${((bytes * 8) / pixels).toFixed(4)} (${bytes} bytes in ${names.length} files, ${(bytes / names.length).toFixed(2)} bytes per file)`);
  console.log(`CLI, one process per batch, ${repeat} rounds: compress ${rate(encTimes)}; decompress ${rate(decTimes)}`);
  if (encCpu.length === repeat && decCpu.length === repeat) {
    // CPU time (user + system, all threads) of the CLI process: what a shared machine's load does not change much.
    const cpu = (xs: number[]) => `${median(xs).toFixed(2)} s median (${(names.length / median(xs)).toFixed(0)} files per CPU second)`;
    console.log(`CLI CPU time: compress ${cpu(encCpu)}; decompress ${cpu(decCpu)}`);
  }
  console.log(`models: ${[...won].map(([m, k]) => `${m} ${k}`).join(', ')}; verified ${names.length - bad.length}/${names.length}`);
  // The library in this process: the codec's own rate, without process start-up and file I/O.
  // Warm-up (untimed): every model the automatic choice may try, loaded and canary-checked.
  for (const m of shippedModels().filter((x) => x.flow.channels === 1)) await runnerFor(m);
  await decompress(await compress(set.images[0].pnm));
  let encMs = 0,
    decMs = 0;
  for (const im of set.images) {
    let t0 = performance.now();
    const fz = await compress(im.pnm);
    encMs += performance.now() - t0;
    t0 = performance.now();
    const out = await decompress(fz);
    decMs += performance.now() - t0;
    if (!Buffer.from(out).equals(Buffer.from(im.pnm))) bad.push(im.name);
  }
  console.log(`library, in this process: compress ${((1000 * names.length) / encMs).toFixed(0)} files/s, decompress ${((1000 * names.length) / decMs).toFixed(0)} files/s`);
  if (bad.length) {
    console.error(`small-files: ${bad.length} decoded files differ (first: ${bad[0]})`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
