/**
 * Writes models/zero-rgb.json and models/zero-gray.json: model zero (see
 * src/flows/model-zero.ts) with its canary computed by the pure-TS reference.
 * Deterministic: rerunning gives byte-identical files.
 * Run: npm run build && node dist/scripts/make-model-zero.js
 */
import { writeFileSync } from 'node:fs';
import { buildModelZero, MODEL_ZERO_DEFAULTS } from '../src/flows/model-zero.js';
import { flowId, flowMacsPerPixel, modelToJson } from '../src/flows/model.js';
import { flowNets } from '../src/flows/spec.js';
import { computeCanary } from '../src/quant/canary.js';
import { createRunner } from '../src/quant/runner.js';

const reference = (await createRunner('reference'))!;
for (const [name, channels] of [['zero-rgb', 3], ['zero-gray', 1]] as const) {
  const params = { ...MODEL_ZERO_DEFAULTS, channels };
  const flow = buildModelZero(params);
  const manifest = {
    description: `Model zero (${channels === 3 ? 'RGB' : 'gray'}): ${channels === 3 ? 'YCoCg-R, ' : ''}${params.levels} levels of 5/3 lifting, checkerboard split priors with a fixed context-activity scale rule. Training-free.`,
    training: 'none (scale-rule constants fitted on training-pool JPEG wallpapers downscaled 4x; never on eval sets)',
    params,
    macsPerPixel: Math.round(flowMacsPerPixel(flow) * 10) / 10,
  };
  const text = modelToJson(name, flow, computeCanary(flowNets(flow), reference), manifest);
  writeFileSync(new URL(`../../models/${name}.json`, import.meta.url), text + '\n');
  console.log(`${name}: id ${flowId(flow).slice(0, 16)}…, ${manifest.macsPerPixel} MACs/pixel, ${text.length} bytes`);
}
