/**
 * Runs the benchmark: every set through flowzip (in-process, through the
 * library API, models loaded once) and through each classic codec (one
 * process per file and direction, timed from spawn to exit, so process
 * start-up is included), verifying every decoded image pixel for pixel.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compress, decompress, FlowzipError, inspectStream, type BackendChoice, type Model } from '../src/codec/index.js';
import { planeModels } from '../src/codec/model-choice.js';
import { defaultModel, resolveModel, runnerFor, shippedModels } from '../src/codec/models.js';
import { planeGroups } from '../src/codec/image-header.js';
import { availability, decodedExt, type ClassicCodec, type Cmd } from './codecs.js';
import type { BenchImage, BenchSet } from './datasets.js';
import { bpsp, mpPerSecond, subpixels, verifyDecodedFile } from './metrics.js';

/** Result of one codec on one set. */
export interface CodecResult {
  set: string;
  /** Codec id (`flowzip` or a ClassicCodec id). */
  id: string;
  name: string;
  files: number;
  pixels: number;
  subpixels: number;
  /** Total compressed bytes (whole files). */
  bytes: number;
  encSeconds: number;
  decSeconds: number;
  /** Peak resident memory in KiB (max over the codec's processes; the whole Node process for flowzip); null when unknown. */
  peakKiB: number | null;
  /** Files whose decode matched the original pixel for pixel. */
  verified: number;
  /** One line per failed file (first few), empty when every file verified. */
  failures: string[];
  failureCount: number;
  /** flowzip only: how many streams used each container method (image / brotli / stored). */
  methods?: Record<string, number>;
}

/** A codec that was not run. */
export interface SkippedCodec {
  id: string;
  name: string;
  missing: string[];
  install: string;
}

export interface BenchReport {
  date: string;
  machine: string;
  cores: number;
  node: string;
  os: string;
  versions: Array<{ id: string; version: string }>;
  sets: Array<{ name: string; description: string; files: number; pixels: number; subpixels: number }>;
  results: CodecResult[];
  skipped: SkippedCodec[];
  jobs: number;
  /** Whether CLI peak memory was measured (/usr/bin/time present). */
  memoryMeasured: boolean;
  wallSeconds: number;
  /** 1-minute load average when the run started and ended (other work on the machine slows every codec). */
  loadAverage?: { start: number; end: number };
  notes: string[];
}

export interface FlowzipBenchOptions {
  model?: string;
  grayModel?: string;
  backend?: BackendChoice;
}

export interface BenchConfig {
  sets: BenchSet[];
  /** Classic codecs to try (unavailable ones are reported as skipped). */
  codecs: ClassicCodec[];
  /** Run flowzip (default true). */
  flowzip?: boolean | FlowzipBenchOptions;
  /** Files coded concurrently by the CLI codecs (default 1: each process has the machine to itself). */
  jobs?: number;
  /** /usr/bin/time (GNU) for peak memory; null to skip; default: /usr/bin/time when present. */
  timeBin?: string | null;
  /** Where temporary files go (default a fresh folder under os.tmpdir(), removed afterwards). */
  workDir?: string;
  /** Keep the temporary files. */
  keep?: boolean;
  /** Binary lookup (tests substitute it). */
  find?: (bin: string) => string | null;
  log?: (line: string) => void;
}

/** A finished process: wall seconds from spawn to exit, exit code, peak RSS (KiB) when measured, tail of its output (stdout unless redirected, and stderr). */
export interface ProcessRun {
  seconds: number;
  code: number | null;
  maxRssKiB: number | null;
  stderr: string;
}

const RSS_MARK = 'FZBENCH_MAXRSS=';

/** Runs a command (optionally under GNU time for its peak memory), timing it from spawn to exit. */
export function runProcess(cmd: Cmd, timeBin: string | null): Promise<ProcessRun> {
  const argv = timeBin ? [timeBin, '-f', `${RSS_MARK}%M`, ...cmd.argv] : cmd.argv;
  return new Promise((resolve) => {
    const fd = cmd.stdoutTo ? openSync(cmd.stdoutTo, 'w') : null;
    let stderr = '';
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], argv.slice(1), { stdio: ['ignore', fd ?? 'pipe', 'pipe'] });
    // Some tools (opj_*) print their errors on stdout: keep the tail of both.
    for (const s of [child.stdout, child.stderr]) {
      s?.setEncoding('utf8');
      s?.on('data', (d: string) => {
        stderr += d;
        if (stderr.length > 20000) stderr = stderr.slice(-10000);
      });
    }
    const done = (code: number | null, err?: Error) => {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (fd !== null) closeSync(fd);
      const m = new RegExp(`${RSS_MARK}(\\d+)`).exec(stderr);
      // Drop GNU time's own lines (its %M mark, "Command exited with non-zero status N").
      const rest = stderr
        .split('\n')
        .filter((l) => !l.includes(RSS_MARK) && !/^Command (exited with non-zero status|terminated by signal)/.test(l))
        .join('\n');
      resolve({ seconds, code, maxRssKiB: m ? Number(m[1]) : null, stderr: err ? err.message : rest.trim().slice(-500) });
    };
    child.on('error', (e) => done(null, e));
    child.on('close', (code) => done(code));
  });
}

/** Runs `fn` over 0..n-1 with at most `jobs` in flight. */
async function pool(n: number, jobs: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < n) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, n)) }, worker));
}

function emptyResult(set: BenchSet, id: string, name: string): CodecResult {
  const pixels = set.images.reduce((a, im) => a + im.width * im.height, 0);
  return {
    set: set.name,
    id,
    name,
    files: set.images.length,
    pixels,
    subpixels: set.images.reduce((a, im) => a + subpixels(im), 0),
    bytes: 0,
    encSeconds: 0,
    decSeconds: 0,
    peakKiB: null,
    verified: 0,
    failures: [],
    failureCount: 0,
  };
}

function fail(r: CodecResult, file: string, why: string): void {
  r.failureCount++;
  if (r.failures.length < 5) r.failures.push(`${file}: ${why}`);
}

/** Writes each image of a set as PNG and PNM under dir/in. */
function writeInputs(set: BenchSet, dir: string): void {
  mkdirSync(join(dir, 'in'), { recursive: true });
  for (const im of set.images) {
    writeFileSync(join(dir, 'in', `${im.name}.png`), im.png);
    writeFileSync(join(dir, 'in', `${im.name}${decodedExt(im.channels)}`), im.pnm);
  }
}

/** Files per set (the largest) whose CLI processes run under GNU time for their peak memory. */
export const MEMORY_SAMPLE = 20;

/** One file through one classic codec: encode, decode, verify; adds to `r`. */
async function classicFile(codec: ClassicCodec, im: BenchImage, dir: string, timeBin: string | null, r: CodecResult): Promise<void> {
  const out = join(dir, codec.id);
  const peak = (k: number | null) => {
    if (k !== null) r.peakKiB = Math.max(r.peakKiB ?? 0, k);
  };
  const input = join(dir, 'in', codec.input === 'png' ? `${im.name}.png` : `${im.name}${decodedExt(im.channels)}`);
  const enc = join(out, `${im.name}${codec.ext}`);
  const dec = join(out, `${im.name}.decoded${decodedExt(im.channels)}`);
  const lastLine = (t: string) => t.trim().split('\n').pop() ?? '';
  const e = await runProcess(codec.encode(input, enc, im), timeBin);
  r.encSeconds += e.seconds;
  peak(e.maxRssKiB);
  if (e.code !== 0 || !existsSync(enc)) return fail(r, im.name, `encoder failed (exit ${e.code}): ${lastLine(e.stderr)}`);
  r.bytes += statSync(enc).size;
  const d = await runProcess(codec.decode(enc, dec), timeBin);
  r.decSeconds += d.seconds;
  peak(d.maxRssKiB);
  if (d.code !== 0 || !existsSync(dec)) return fail(r, im.name, `decoder failed (exit ${d.code}): ${lastLine(d.stderr)}`);
  const why = verifyDecodedFile(im, new Uint8Array(readFileSync(dec)));
  if (why) return fail(r, im.name, why);
  r.verified++;
  unlinkSync(enc);
  unlinkSync(dec);
}

/**
 * Classic codecs over a set (inputs already written under dir/in): every
 * (codec, file) pair is one task, `jobs` tasks run at a time.
 */
export async function benchClassic(codecs: ClassicCodec[], set: BenchSet, dir: string, jobs: number, timeBin: string | null, log: (s: string) => void = () => {}): Promise<CodecResult[]> {
  const results = codecs.map((c) => emptyResult(set, c.id, c.name));
  const left = codecs.map(() => set.images.length);
  for (const c of codecs) mkdirSync(join(dir, c.id), { recursive: true });
  // Largest images first, codecs interleaved, so the slow tasks do not all queue up at the end.
  const tasks = set.images.flatMap((im) => codecs.map((_, k) => ({ im, k })));
  tasks.sort((a, b) => b.im.width * b.im.height - a.im.width * a.im.height);
  // Peak memory (GNU time, ~1.5 ms more per process) on the MEMORY_SAMPLE largest files only.
  const measured = new Set([...set.images].sort((a, b) => b.width * b.height - a.width * a.height).slice(0, MEMORY_SAMPLE));
  await pool(tasks.length, jobs, async (t) => {
    const { im, k } = tasks[t];
    await classicFile(codecs[k], im, dir, measured.has(im) ? timeBin : null, results[k]);
    if (--left[k] === 0) log(`${set.name}: ${codecs[k].id} ${summary(results[k])}`);
  });
  return results;
}

/** Every shipped model that can code a plane group of a `channels`-channel image: what compress's automatic choice may try. */
function autoModels(channels: 1 | 3): Model[] {
  return shippedModels().filter((m) => planeGroups(channels).some((g) => g.count === m.flow.channels));
}

/** flowzip over a set, in-process: compress and decompress each file through the library API. */
export async function benchFlowzip(set: BenchSet, opts: FlowzipBenchOptions = {}): Promise<CodecResult> {
  const r = emptyResult(set, 'flowzip', 'flowzip');
  r.methods = {};
  const model = opts.model ?? set.flowzipModel;
  const copts = { model, grayModel: opts.grayModel, backend: opts.backend, method: 'auto' as const };
  // Name the model in the row: the one asked for, else the models compress chose (counted below).
  const won = new Map<string, number>();
  // Models given as files are not shipped: decompress needs them passed back.
  const extra = [model, opts.grayModel].filter((m): m is string => typeof m === 'string' && m.endsWith('.json')).map((f) => resolveModel(f));
  // Load the models compress will pick (codec/model-choice.ts) and pass their canaries before timing anything;
  // a model that cannot code a kind of image fails those images below, as compress reports it.
  for (const ch of new Set(set.images.map((im) => im.channels as 1 | 3))) {
    let models: Model[] = [];
    try {
      models = model === undefined && opts.grayModel === undefined ? autoModels(ch) : planeModels(ch, copts);
    } catch (e) {
      if (!(e instanceof FlowzipError && e.code === 'E_USAGE')) throw e;
    }
    for (const m of models) await runnerFor(m, opts.backend);
  }
  for (const im of set.images) {
    const input = set.flowzipInput === 'png' ? im.png : im.pnm;
    let t0 = performance.now();
    let fz: Uint8Array;
    try {
      fz = await compress(input, copts);
    } catch (e) {
      fail(r, im.name, `compress threw: ${(e as Error).message}`);
      continue;
    }
    r.encSeconds += (performance.now() - t0) / 1000;
    r.bytes += fz.length;
    const method = inspectStream(fz).method;
    r.methods![method] = (r.methods![method] ?? 0) + 1;
    for (const m of inspectStream(fz).image?.models ?? []) won.set(m.name ?? m.id, (won.get(m.name ?? m.id) ?? 0) + 1);
    t0 = performance.now();
    let back: Uint8Array;
    try {
      back = await decompress(fz, { backend: opts.backend, models: extra });
    } catch (e) {
      fail(r, im.name, `decompress threw: ${(e as Error).message}`);
      continue;
    }
    r.decSeconds += (performance.now() - t0) / 1000;
    const why = verifyDecodedFile(im, back);
    if (why) fail(r, im.name, why);
    else r.verified++;
  }
  r.peakKiB = process.resourceUsage().maxRSS;
  r.name = `flowzip (${model ? String(model) : won.size ? [...won].map(([n, k]) => (k === r.files ? n : `${n} ${k}/${r.files}`)).join(', ') : 'default'})`;
  return r;
}

function packageVersion(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const p = join(dir, 'package.json');
    if (existsSync(p)) {
      const j = JSON.parse(readFileSync(p, 'utf8')) as { name?: string; version?: string };
      if (j.name === 'flowzip') return j.version ?? '?';
    }
    const up = dirname(dir);
    if (up === dir) return '?';
    dir = up;
  }
}

/** flowzip's version line: package version and the models it codes with. */
export function flowzipVersion(opts: FlowzipBenchOptions = {}): string {
  const ms = [opts.model ? resolveModel(opts.model) : defaultModel(3), opts.grayModel ? resolveModel(opts.grayModel) : defaultModel(1)];
  return `flowzip ${packageVersion()} (models ${ms.map((m) => `${m.name} ${m.id.slice(0, 8)}`).join(', ')})`;
}

async function codecVersion(c: ClassicCodec): Promise<string> {
  const cmd = c.version.cmd;
  return new Promise((resolve) => {
    let text = '';
    const child = spawn(cmd.argv[0], cmd.argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (d) => (text += d));
    child.stderr.on('data', (d) => (text += d));
    child.on('error', () => resolve('?'));
    child.on('close', () => {
      try {
        resolve(c.version.parse(text) || '?');
      } catch {
        resolve('?');
      }
    });
  });
}

/** Runs every codec over every set. A mismatch or failure is recorded, not thrown: the report shows it. */
export async function runBench(cfg: BenchConfig): Promise<BenchReport> {
  const t0 = performance.now();
  const load0 = loadavg()[0];
  const log = cfg.log ?? (() => {});
  const jobs = Math.max(1, cfg.jobs ?? 1);
  const timeBin = cfg.timeBin === undefined ? (existsSync('/usr/bin/time') ? '/usr/bin/time' : null) : cfg.timeBin;
  const find = cfg.find;
  const avail = cfg.codecs.map((c) => ({ c, a: availability(c, find) }));
  const run = avail.filter((x) => x.a.available).map((x) => x.c);
  const skipped: SkippedCodec[] = avail.flatMap((x) => (x.a.available ? [] : [{ id: x.c.id, name: x.c.name, missing: x.a.missing, install: x.a.install }]));
  for (const s of skipped) log(`skip ${s.name}: ${s.missing.join(', ')} not installed (${s.install})`);
  const fzOpts = typeof cfg.flowzip === 'object' ? cfg.flowzip : {};
  const withFlowzip = cfg.flowzip !== false;

  const versions: BenchReport['versions'] = [];
  if (withFlowzip) versions.push({ id: 'flowzip', version: flowzipVersion(fzOpts) });
  for (const c of run) versions.push({ id: c.id, version: await codecVersion(c) });

  const work = cfg.workDir ?? mkdtempSync(join(tmpdir(), 'flowzip-bench-'));
  const results: CodecResult[] = [];
  try {
    for (const set of cfg.sets) {
      const dir = join(work, set.name);
      writeInputs(set, dir);
      if (withFlowzip) {
        log(`${set.name}: flowzip (${set.images.length} files)…`);
        const r = await benchFlowzip(set, fzOpts);
        log(`${set.name}: flowzip ${summary(r)}`);
        results.push(r);
      }
      if (run.length) {
        log(`${set.name}: ${run.map((c) => c.id).join(', ')} (${set.images.length} files each, ${jobs} at a time)…`);
        results.push(...(await benchClassic(run, set, dir, jobs, timeBin, log)));
      }
    }
  } finally {
    if (!cfg.keep && !cfg.workDir) rmSync(work, { recursive: true, force: true });
  }

  const notes = [
    'bpsp = total compressed bytes × 8 / total subpixels (whole files, headers included).',
    "MP/s = megapixels / summed wall time of the codec's own work. CLI codecs: one process per file and direction, timed from spawn to exit, so process start-up is included (it dominates on 28×28 files). flowzip: in-process library calls (compress/decompress, models loaded and canary-checked before timing).",
    `Peak memory: CLI codecs, max RSS of their processes (GNU time %M) on the ${MEMORY_SAMPLE} largest files of each set${timeBin ? '' : ' — not measured: /usr/bin/time is missing (apt-get install -y time)'}; flowzip, the whole Node process's max RSS (process.resourceUsage().maxRSS) at the end of its run, harness included.`,
    'Every decoded image is compared sample for sample with the original; dwebp decodes gray to RGB (each channel checked). PNG rows are decoded with ImageMagick convert.',
  ];
  if (jobs > 1) notes.push(`CLI codecs ran ${jobs} files at a time (--jobs ${jobs}); times are per process, summed.`);
  return {
    date: new Date().toISOString(),
    machine: cpus()[0]?.model?.trim() ?? 'unknown CPU',
    cores: cpus().length,
    node: process.version,
    os: `${platform()} ${release()}`,
    versions,
    sets: cfg.sets.map((s) => ({
      name: s.name,
      description: s.description,
      files: s.images.length,
      pixels: s.images.reduce((a, im) => a + im.width * im.height, 0),
      subpixels: s.images.reduce((a, im) => a + subpixels(im), 0),
    })),
    results,
    skipped,
    jobs,
    memoryMeasured: timeBin !== null,
    wallSeconds: (performance.now() - t0) / 1000,
    loadAverage: { start: load0, end: loadavg()[0] },
    notes,
  };
}

function summary(r: CodecResult): string {
  const f = (x: number) => (Number.isFinite(x) ? x.toPrecision(3) : 'n/a');
  return `bpsp ${f(bpsp(r.bytes, r.subpixels))}, enc ${f(mpPerSecond(r.pixels, r.encSeconds))} MP/s, dec ${f(mpPerSecond(r.pixels, r.decSeconds))} MP/s, verified ${r.verified}/${r.files}${r.failureCount ? ` — ${r.failureCount} FAILED: ${r.failures[0]}` : ''}`;
}
