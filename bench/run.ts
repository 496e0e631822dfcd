/**
 * `npm run bench [-- options]`: flowzip against the classic lossless codecs on
 * eval-A and Fashion-MNIST, and on eval-S (non-photographic PNGs, eval-s.ts).
 * Writes bench/results/{results.md,results.csv,plot.svg} (and eval-s.csv) and
 * prints the Markdown. Exit code 1 if any decoded image differed from its
 * original (or a codec failed), 2 on bad options or missing data.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { BackendChoice } from '../src/codec/index.js';
import { parseBenchArgs, repoRoot, USAGE } from './args.js';
import { selectCodecs } from './codecs.js';
import { fmnistGrid, loadFmnist, loadPngFolder, type BenchSet } from './datasets.js';
import { runBench } from './harness.js';
import { benchEvalS, benchNoiseStore, evalSCsv, formatEvalS, type EvalSRow, type NoiseStoreResult } from './eval-s.js';
import { formatCsv, formatMarkdown, hasFailures, plotSvg } from './report.js';

async function main(): Promise<number> {
  let args;
  try {
    args = parseBenchArgs(process.argv.slice(2), repoRoot(), cpus().length);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const log = (s: string) => process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  const sets: BenchSet[] = [];
  const missing: string[] = [];
  if (args.sets.includes('eval-a')) {
    if (existsSync(args.evalA)) sets.push(loadPngFolder(args.evalA));
    else missing.push(`eval-A not found at ${args.evalA} (use --eval-a DIR)`);
  }
  if (args.sets.includes('fmnist') || args.sets.includes('grid')) {
    if (existsSync(args.fmnist)) {
      const fm = loadFmnist(args.fmnist, args.fmnistCount);
      if (args.sets.includes('fmnist')) sets.push(fm);
      if (args.sets.includes('grid')) sets.push(fmnistGrid(fm.images.length >= 1000 ? fm : loadFmnist(args.fmnist, 1000), 1000));
    } else {
      missing.push(`Fashion-MNIST not found at ${args.fmnist} (apt-get install -y dataset-fashion-mnist, or --fmnist FILE)`);
    }
  }
  let evalS: EvalSRow[] | null = null;
  let noise: NoiseStoreResult | undefined;
  if (args.sets.includes('eval-s')) {
    if (existsSync(args.evalS)) {
      log(`eval-S: ${args.evalS}`);
      evalS = await benchEvalS(args.evalS, args.flowzip, log);
      if (args.flowzip) noise = await benchNoiseStore();
    } else missing.push(`eval-S not found at ${args.evalS} (use --eval-s DIR)`);
  }
  for (const m of missing) log(`skip: ${m}`);
  const evalSMd = evalS ? formatEvalS(evalS, args.evalS, noise) : '';
  if (evalS && sets.length === 0) {
    mkdirSync(args.out, { recursive: true });
    writeFileSync(join(args.out, 'eval-s.md'), evalSMd);
    writeFileSync(join(args.out, 'eval-s.csv'), evalSCsv(evalS));
    process.stdout.write(evalSMd);
    log(`wrote ${join(args.out, 'eval-s.md')}, eval-s.csv`);
    return evalS.every((r) => r.cells.flowzip?.lossless !== false) ? 0 : 1;
  }
  if (sets.length === 0) {
    process.stderr.write('bench: no benchmark set found\n');
    return 2;
  }
  let codecs;
  try {
    codecs = selectCodecs(args.codecs);
  } catch (e) {
    process.stderr.write(`bench: ${(e as Error).message}\n`);
    return 2;
  }
  const flowzip = args.flowzip;
  log(`sets: ${sets.map((s) => `${s.name} (${s.images.length})`).join(', ')}; codecs: ${[flowzip ? 'flowzip' : null, ...codecs.map((c) => c.id)].filter(Boolean).join(', ')}`);
  const rep = await runBench({
    sets,
    codecs,
    flowzip: flowzip ? { model: args.model, grayModel: args.grayModel, backend: args.backend as BackendChoice | undefined } : false,
    jobs: args.jobs,
    keep: args.keep,
    log,
  });
  for (const m of missing) rep.notes.push(`Set not run: ${m}.`);
  if (args.quick) rep.notes.push('--quick: Fashion-MNIST limited to the first 1000 test images (the full split is 10,000).');
  const md = formatMarkdown(rep) + (evalS ? `\n${evalSMd}` : '');
  mkdirSync(args.out, { recursive: true });
  writeFileSync(join(args.out, 'results.md'), md);
  writeFileSync(join(args.out, 'results.csv'), formatCsv(rep));
  writeFileSync(join(args.out, 'plot.svg'), plotSvg(rep));
  if (evalS) {
    writeFileSync(join(args.out, 'eval-s.md'), evalSMd);
    writeFileSync(join(args.out, 'eval-s.csv'), evalSCsv(evalS));
  }
  process.stdout.write(md);
  log(`wrote ${join(args.out, 'results.md')}, results.csv, plot.svg`);
  if (hasFailures(rep) || evalS?.some((r) => r.cells.flowzip?.lossless === false)) {
    process.stderr.write('bench: FAILED — some decoded images did not match their originals (see the report)\n');
    return 1;
  }
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? e}\n`);
    process.exitCode = 2;
  },
);
