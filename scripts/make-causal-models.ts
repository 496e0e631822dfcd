/**
 * Writes the causal models (models/causal-*.json): their spec, the canary
 * hash computed here, and a manifest. They are training-free — the encoder
 * fits each image's predictors — so rerunning this gives the same files.
 *
 *   node dist/scripts/make-causal-models.js
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { causalCanary } from '../src/codec/causal-canary.js';
import { modelsDir } from '../src/codec/models.js';
import { CAUSAL_KERNEL, type CausalSpec } from '../src/flows/causal-spec.js';
import { causalModelToJson } from '../src/flows/model.js';

const MODELS: Array<{ name: string; spec: CausalSpec; description: string }> = [
  {
    name: 'causal-rgb',
    spec: { channels: 3, kernel: CAUSAL_KERNEL, maxClasses: 8, stack: 'nlms' },
    description:
      "Causal (RGB), the default: YCoCg-R, then an autoregressive integer coupling per sample in raster order — per-image class-switched least-squares predictors (fitted by the encoder, carried in the stream), an online NLMS stack over a bank of fixed predictors and the earlier planes' errors, bias cancellation and error-energy scales — coding a discretised logistic by rANS.",
  },
  {
    name: 'causal-gray',
    spec: { channels: 1, kernel: CAUSAL_KERNEL, maxClasses: 8, stack: 'nlms' },
    description: 'Causal (gray, alpha), the default: the causal-rgb coupling on one plane.',
  },
  {
    name: 'causal-rgb-strong',
    spec: { channels: 3, kernel: CAUSAL_KERNEL, maxClasses: 8, stack: 'rls' },
    description: 'Causal (RGB), strong: causal-rgb with a recursive-least-squares stack (smaller, slower).',
  },
  {
    name: 'causal-gray-strong',
    spec: { channels: 1, kernel: CAUSAL_KERNEL, maxClasses: 8, stack: 'rls' },
    description: 'Causal (gray, alpha), strong: causal-gray with a recursive-least-squares stack.',
  },
  {
    name: 'causal-rgb-fast',
    spec: { channels: 3, kernel: CAUSAL_KERNEL, maxClasses: 8, stack: 'off' },
    description: 'Causal (RGB), fast: causal-rgb without the online stack (fitted predictors, bias cancellation and scales only).',
  },
  {
    name: 'causal-gray-fast',
    spec: { channels: 1, kernel: CAUSAL_KERNEL, maxClasses: 8, stack: 'off' },
    description: 'Causal (gray, alpha), fast: causal-gray without the online stack.',
  },
];

for (const m of MODELS) {
  const manifest = { description: m.description, training: 'none (per-image least-squares fit at encode time)', kernel: m.spec.kernel };
  const path = join(modelsDir(), `${m.name}.json`);
  writeFileSync(path, causalModelToJson(m.name, m.spec, causalCanary(m.spec), manifest) + '\n');
  console.log(`wrote ${path}`);
}
