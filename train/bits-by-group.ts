/**
 * Where a model's bits go: the exact integer code length of every coded group
 * (level, band, checkerboard phase) on a run's validation images — the table
 * MODELS.md reads to decide which priors to improve. `--model` also takes a
 * model file (a run's model.json).
 *   node dist/train/bits-by-group.js --model fmnist --fmnist /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
 *   node dist/train/bits-by-group.js --model photo --data /tmp/flowzip-train/photo
 */
import { flowTile, TILE_SIZE } from '../src/codec/image-codec.js';
import { tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { tileGrid } from '../src/codec/tiling.js';
import { flowLevels } from '../src/flows/spec.js';
import { LATENT_BITS, PROB_BITS } from '../src/quant/constants.js';
import { ESCAPE_BITS } from '../src/quant/logistic-cdf.js';
import { evalArgs } from './eval-args.js';

const { model, val, runner } = await evalArgs(process.argv.slice(2));
const L = flowLevels(model.flow);
const BANDS = ['HL', 'LH', 'HH'];

/** Per coded group (in decode order): total bits and coded latents. */
const groups: Array<{ label: string; bits: number; latents: number }> = [];
let subpixels = 0,
  escapes = 0;
/** What an escaped latent costs (a non-escaped one costs at most PROB_BITS). */
const ESCAPE_COST = ESCAPE_BITS;
for (const im of val) {
  for (const r of tileGrid(im.width, im.height, TILE_SIZE, L)) {
    const tile = flowTile(im.samples, im.width, im.channels, 0, im.channels, r, model.flow);
    let prevLevel = -1,
      inLevel = 0;
    tileCodeLengths(model.flow, runner, tile, r.ph, r.pw, r).forEach((g, k) => {
      const phase = g.group.group.phase;
      // Level from the latent grid's size; within a level, model zero's layout: HL, LH, HH × phase 0, 1.
      const level = Math.round(Math.log2(r.ph / g.group.h));
      if (phase !== undefined) {
        inLevel = level === prevLevel ? inLevel + 1 : 0;
        prevLevel = level;
      }
      const band = phase === undefined ? 'top (LL), constant prior' : `${BANDS[Math.floor(inLevel / 2)] ?? `group ${inLevel}`} phase ${phase}`;
      const e = (groups[k] ??= { label: `level ${level} ${band}`, bits: 0, latents: 0 });
      // A coded latent costs > 0 bits; 0 marks positions not coded (other phase, skipped padding).
      for (const b of g.bits)
        for (const v of b) {
          if (v > 0) e.latents++;
          if (v === ESCAPE_COST) escapes++;
        }
      e.bits += totalBits([g]);
    });
  }
  subpixels += im.width * im.height * im.channels;
}
const total = groups.reduce((s, g) => s + g.bits, 0);
console.log(`${model.name} (${model.id.slice(0, 8)}) on ${val.length} validation images: ${(total / subpixels).toFixed(4)} bpsp`);
// Logs written before the escape fix counted an escape as LATENT_BITS only: this is that figure.
console.log(`${escapes} escapes; counted the pre-fix way (${LATENT_BITS} bits each): ${((total - PROB_BITS * escapes) / subpixels).toFixed(4)} bpsp`);
console.log('| # | group | bits per image | bits per latent | share |');
console.log('|---:|---|---:|---:|---:|');
groups.forEach((g, k) => console.log(`| ${k} | ${g.label} | ${(g.bits / val.length).toFixed(1)} | ${(g.bits / g.latents).toFixed(3)} | ${((100 * g.bits) / total).toFixed(1)} % |`));
