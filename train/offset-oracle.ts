/**
 * Upper bound on finer scale offsets (MODELS.md): for every coded plane of
 * every tile, the exact code length with no offset, with the best offset for
 * the whole plane (format v3/v4), and with the best offset for every B×B
 * block of latents (B = 8, 16, 32), each offset symbol paid at its format
 * cost; and the best offset per plane if k could range over --kmin…--kmax
 * (default −8…6; a non-zero k outside the format's range paid like one inside).
 * Images: centre crops (≤ 256²) of the held-out training-pool photos and the
 * RGB corpus photos.
 *   node dist/train/offset-oracle.js [--model photo] [--data /tmp/flowzip-train/photo] [--kmin -8] [--kmax 6]
 */
import { join } from 'node:path';
import { flowTile, TILE_SIZE } from '../src/codec/image-codec.js';
import { resolveModel } from '../src/codec/models.js';
import { channelParams } from '../src/codec/tile-coder.js';
import { tileGrid } from '../src/codec/tiling.js';
import { forward } from '../src/flows/flow.js';
import { flowLevels, groupPositions } from '../src/flows/spec.js';
import { PROB_BITS } from '../src/quant/constants.js';
import { LeakyMixtureCdf } from '../src/quant/logistic-cdf.js';
import { wasmOrReference } from '../src/quant/runner.js';
import { OFFSET_FREQ, OFFSET_STEP, OFFSET_SYMBOLS, OFFSET_ZERO_SYMBOL, offsetOfSymbol } from '../src/quant/scale-offset.js';
import { holdOut, loadPngDir, type Img } from './data.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(`--${k}`);
  return i > 0 ? process.argv[i + 1] : d;
};
const model = resolveModel(arg('model', 'photo'));
const runner = await wasmOrReference();
const C = model.flow.channels as 1 | 3;
const crop = (im: Img): Img => {
  const w = Math.min(256, im.width),
    h = Math.min(256, im.height),
    x0 = (im.width - w) >> 1,
    y0 = (im.height - h) >> 1;
  const s = new Uint8Array(w * h * C);
  for (let y = 0; y < h; y++) s.set(im.samples.subarray(((y0 + y) * im.width + x0) * C, ((y0 + y) * im.width + x0 + w) * C), y * w * C);
  return { ...im, width: w, height: h, samples: s };
};
const images = [...holdOut(loadPngDir(arg('data', '/tmp/flowzip-train/photo'), C), 10).val.map(crop), ...loadPngDir(join(new URL('../..', import.meta.url).pathname, 'corpus', 'photos'), C)];
const BLOCKS = [8, 16, 32];
const K_MIN = Number(arg('kmin', '-8')),
  K_MAX = Number(arg('kmax', '6'));
let wide = 0;
const side = (s: number) => PROB_BITS - Math.log2(OFFSET_FREQ[s]);
let subpixels = 0,
  none = 0,
  plane = 0;
const block = BLOCKS.map(() => 0);
for (const im of images) {
  subpixels += im.width * im.height * C;
  for (const r of tileGrid(im.width, im.height, TILE_SIZE, flowLevels(model.flow))) {
    for (const g of forward(model.flow, runner, flowTile(im.samples, im.width, C, 0, C, r, model.flow), r.ph, r.pw)) {
      const K = g.group.mixture,
        cdf = new LeakyMixtureCdf(K),
        pos = groupPositions(g.group.phase, g.h, g.w);
      g.values.forEach((v, j) => {
        const { means, logScales, logits } = channelParams(g.group, g.params, j);
        const mu = new Int32Array(K),
          ls = new Int32Array(K),
          lg = logits ? new Int32Array(K) : null;
        // bits[s][p]: latent pos[p] under offset symbol s.
        const bits = Array.from({ length: OFFSET_SYMBOLS }, (_, s) =>
          Float64Array.from(pos, (i) => {
            for (let c = 0; c < K; c++) {
              mu[c] = means[i * K + c];
              ls[c] = logScales[i * K + c] + offsetOfSymbol(s);
              if (lg) lg[c] = logits![i * K + c];
            }
            cdf.set(mu, ls, lg, 0, 1);
            return cdf.bits(v[i]);
          }),
        );
        const best = (inBlock: (i: number) => boolean) => {
          let b = Infinity;
          for (let s = 0; s < OFFSET_SYMBOLS; s++) {
            let t = side(s);
            for (let p = 0; p < pos.length; p++) if (inBlock(pos[p])) t += bits[s][p];
            b = Math.min(b, t);
          }
          return b;
        };
        none += bits[OFFSET_ZERO_SYMBOL].reduce((a, b) => a + b, 0);
        // Per plane over the wider range: k = 0 costs its symbol, any other k a non-zero symbol's.
        let bw = Infinity;
        for (let k = K_MIN; k <= K_MAX; k++) {
          let t = side(k === 0 ? OFFSET_ZERO_SYMBOL : OFFSET_ZERO_SYMBOL === 0 ? 1 : 0);
          for (const i of pos) {
            for (let c = 0; c < K; c++) {
              mu[c] = means[i * K + c];
              ls[c] = logScales[i * K + c] + k * OFFSET_STEP;
              if (lg) lg[c] = logits![i * K + c];
            }
            cdf.set(mu, ls, lg, 0, 1);
            t += cdf.bits(v[i]);
          }
          bw = Math.min(bw, t);
        }
        wide += bw;
        const whole = best(() => true);
        plane += whole;
        BLOCKS.forEach((B, k) => {
          if (g.h <= B && g.w <= B) {
            block[k] += whole;
            return;
          }
          for (let by = 0; by < g.h; by += B)
            for (let bx = 0; bx < g.w; bx += B) {
              block[k] += best((i) => {
                const y = Math.floor(i / g.w),
                  x = i % g.w;
                return y >= by && y < by + B && x >= bx && x < bx + B;
              });
            }
        });
      });
    }
  }
}
console.log(
  `${model.name} on ${images.length} images (bpsp): no offsets ${(none / subpixels).toFixed(4)}, one per plane ${(plane / subpixels).toFixed(4)}, ${BLOCKS.map((B, k) => `one per ${B}×${B} block ${(block[k] / subpixels).toFixed(4)}`).join(', ')}, one per plane with k in ${K_MIN}…${K_MAX} ${(wide / subpixels).toFixed(4)}`,
);
