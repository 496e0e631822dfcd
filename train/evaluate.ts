/**
 * Exact code length of images under an integer flow: the sum over tiles of
 * −log2 of the leaky CDF's frequencies — what the codec writes, less a few
 * bytes of container and rANS flush per tile.
 */
import { tileCodeLengths, totalBits } from '../src/codec/tile-coder.js';
import { flowTile, TILE_SIZE } from '../src/codec/image-codec.js';
import { tileGrid, type TileRect } from '../src/codec/tiling.js';
import { flowLevels, type FlowSpec } from '../src/flows/spec.js';
import type { NetRunner } from '../src/quant/runner.js';
import type { Img } from './data.js';

/** The tiles the codec cuts `im` into for `flow` (at most `maxTiles`), each with its flow input (one plane per channel, padded as the codec pads). */
export function* imageTiles(flow: FlowSpec, im: Img, maxTiles = Infinity): Generator<{ r: TileRect; tile: Int32Array[] }> {
  for (const r of tileGrid(im.width, im.height, TILE_SIZE, flowLevels(flow)).slice(0, maxTiles)) {
    yield { r, tile: flowTile(im.samples, im.width, im.channels, 0, im.channels, r, flow) };
  }
}

/** Bits per subpixel of `images` coded with `flow` (integer model, ideal rANS). */
export function codedBpsp(flow: FlowSpec, runner: NetRunner, images: Img[]): number {
  let bits = 0,
    sub = 0;
  for (const im of images) {
    for (const { r, tile } of imageTiles(flow, im)) bits += totalBits(tileCodeLengths(flow, runner, tile, r.ph, r.pw, r));
    sub += im.width * im.height * im.channels;
  }
  return bits / sub;
}
