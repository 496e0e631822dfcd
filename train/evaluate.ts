/**
 * Exact code length of images under an integer flow: the sum over tiles of
 * −log2 of the leaky CDF's frequencies — what the codec writes, less a few
 * bytes of container and rANS flush per tile.
 */
import { tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { flowTile, TILE_SIZE } from '../src/codec/image-codec.js';
import { tileGrid } from '../src/codec/tiling.js';
import { flowLevels, type FlowSpec } from '../src/flows/spec.js';
import type { NetRunner } from '../src/quant/runner.js';
import type { Img } from './data.js';

/** Bits per subpixel of `images` coded with `flow` (integer model, ideal rANS). */
export function codedBpsp(flow: FlowSpec, runner: NetRunner, images: Img[]): number {
  let bits = 0, sub = 0;
  const L = flowLevels(flow);
  for (const im of images) {
    for (const r of tileGrid(im.width, im.height, TILE_SIZE, L)) {
      const tile = flowTile(im.samples, im.width, im.channels, 0, im.channels, r, flow);
      bits += totalBits(tileCodeLengths(flow, runner, tile, r.ph, r.pw, r));
    }
    sub += im.width * im.height * im.channels;
  }
  return bits / sub;
}
