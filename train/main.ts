/**
 * Command line of training (resumable; see train.ts):
 *
 *   node dist/train/main.js --run train/runs/photo --arch photo --data /tmp/flowzip-train/photo --minutes 60
 *   node dist/train/main.js --run train/runs/photo --minutes 60        (resume: config from the checkpoint)
 *   node dist/train/main.js --run train/runs/fmnist --arch fmnist --fmnist /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
 *
 * Options: --minutes N, --steps N (this session), --ckpt MINUTES, --export PATH
 * (copy the best integer model there), and for new runs --name, --patch,
 * --batch, --lr, --lrHalfLife, --seed, --valEvery. On resume, --lr,
 * --lrHalfLife, --lrFloor, --valEvery, --patch and --batch change the run from then on.
 * SIGINT/SIGTERM stop cleanly (validate, checkpoint).
 */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TrainConfig } from './checkpoint.js';
import { PRESETS } from '../src/flows/presets.js';
import { defaultConfig, dirData, train } from './train.js';

function parseArgs(argv: string[]): Record<string, string> {
  const o: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    if (!argv[i].startsWith('--')) throw new Error(`unexpected argument ${argv[i]}`);
    o[argv[i].slice(2)] = argv[i + 1] && !argv[i + 1].startsWith('--') ? argv[++i] : 'true';
  }
  return o;
}

{
  const a = parseArgs(process.argv.slice(2));
  if (!a.run) throw new Error('--run DIR is required');
  let config: TrainConfig | undefined;
  if (a.arch) {
    const arch = PRESETS[a.arch];
    if (!arch) throw new Error(`unknown arch ${a.arch} (${Object.keys(PRESETS).join(', ')})`);
    const data: TrainConfig['data'] = a.fmnist ? { kind: 'idx', path: a.fmnist } : dirData(a.data ?? '/tmp/flowzip-train/photo');
    config = defaultConfig(a.name ?? a.arch, arch, data);
    for (const k of ['patch', 'batch', 'lr', 'lrHalfLife', 'seed', 'valEvery'] as const) if (a[k]) (config as unknown as Record<string, number>)[k] = Number(a[k]);
  }
  const overrides: Record<string, number> = {};
  for (const k of ['lr', 'lrHalfLife', 'lrFloor', 'valEvery', 'patch', 'batch']) if (a[k] && !a.arch) overrides[k] = Number(a[k]);
  const res = await train({ run: a.run, config, overrides, minutes: Number(a.minutes ?? 30), maxSteps: a.steps ? Number(a.steps) : undefined, ckptMinutes: a.ckpt ? Number(a.ckpt) : undefined });
  if (a.export) copyFileSync(join(a.run, 'model.json'), a.export);
  console.log(JSON.stringify(res));
}
