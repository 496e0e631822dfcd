/**
 * Writes models/zero-rgb.json and models/zero-gray.json: model zero (see
 * src/flows/model-zero.ts) with its canary computed by the pure-TS reference.
 * Deterministic: rerunning gives byte-identical files.
 * Run: npm run build && node dist/scripts/make-model-zero.js (writes them),
 * or with --check (exit 1 if a committed file differs; test/generated.test.ts).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CORPUS_ROOT } from './golden-manifest.js';
import { buildModelZero, MODEL_ZERO_DEFAULTS } from '../src/flows/model-zero.js';
import { flowId, flowMacsPerPixel, modelToJson } from '../src/flows/model.js';
import { flowNets } from '../src/flows/spec.js';
import { computeCanary } from '../src/quant/canary.js';
import { createRunner } from '../src/quant/runner.js';

/** The model zero files as this generator makes them: path (absolute) and text, with a one-line summary each. */
export async function modelZeroFiles(): Promise<Array<{ path: string; text: string; summary: string }>> {
  const reference = (await createRunner('reference'))!;
  const files: Array<{ path: string; text: string; summary: string }> = [];
  for (const [name, channels] of [
    ['zero-rgb', 3],
    ['zero-gray', 1],
  ] as const) {
    const params = { ...MODEL_ZERO_DEFAULTS, channels };
    const flow = buildModelZero(params);
    const manifest = {
      description: `Model zero (${channels === 3 ? 'RGB' : 'gray'}): ${channels === 3 ? 'YCoCg-R, ' : ''}${params.levels} levels of 5/3 lifting, checkerboard split priors with a fixed context-activity scale rule. Training-free.`,
      training: 'none (scale-rule constants fitted on training-pool JPEG wallpapers downscaled 4x; never on eval sets)',
      params,
      macsPerPixel: Math.round(flowMacsPerPixel(flow) * 10) / 10,
    };
    const text = modelToJson(name, flow, computeCanary(flowNets(flow), reference), manifest);
    files.push({
      path: join(dirname(CORPUS_ROOT), 'models', `${name}.json`),
      text: text + '\n',
      summary: `${name}: id ${flowId(flow).slice(0, 16)}…, ${manifest.macsPerPixel} MACs/pixel, ${text.length} bytes`,
    });
  }
  return files;
}

const isMain = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  for (const f of await modelZeroFiles()) {
    if (process.argv.includes('--check')) {
      const same = readFileSync(f.path, 'utf8') === f.text;
      console.log(`${f.path}: ${same ? 'up to date' : 'differs from what scripts/make-model-zero.ts generates'}`);
      if (!same) process.exitCode = 1;
    } else {
      writeFileSync(f.path, f.text);
      console.log(f.summary);
    }
  }
}
