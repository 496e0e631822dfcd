/**
 * Reused tile arrays (flows/tile-scratch.ts): the causal and copy tile coders
 * give the same streams and samples with a scratch that earlier, larger and
 * differently shaped tiles have dirtied as with fresh arrays.
 */
import { describe, expect, it } from 'vitest';
import { decodeCausalTile, encodeCausalTile, fitImageParams } from '../src/codec/causal-coder.js';
import { decodeCopyTile, encodeCopyTile } from '../src/codec/copy-causal-coder.js';
import { WRITTEN_FEATURES } from '../src/codec/stream-features.js';
import { TileScratch } from '../src/flows/tile-scratch.js';
import { tileImage as image } from './helpers/tile-image.js';

describe('tile scratch', () => {
  it('reused arrays give the same streams and samples as fresh ones, tile after tile', () => {
    const scratch = new TileScratch();
    // Large first, then smaller and odd shapes: every later tile sees arrays dirtied by an earlier one.
    const shapes: Array<[number, number, 1 | 3]> = [
      [96, 80, 3],
      [31, 7, 3],
      [1, 1, 3],
      [64, 9, 1],
      [13, 29, 3],
      [96, 80, 1],
    ];
    shapes.forEach(([w, h, count], k) => {
      const data = image(w, h, count, 100 + k);
      const params = fitImageParams(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], 4);
      for (const stack of ['off', 'nlms', 'rls'] as const) {
        const fresh = encodeCausalTile(data, w, h, count, params, stack);
        const reused = encodeCausalTile(data, w, h, count, params, stack, undefined, scratch);
        expect(Buffer.from(reused).equals(Buffer.from(fresh))).toBe(true);
        expect(Buffer.from(decodeCausalTile(fresh, w, h, count, params, stack, undefined, scratch)).equals(Buffer.from(data))).toBe(true);
        const copyFresh = encodeCopyTile(data, w, h, count, params, stack);
        const copyReused = encodeCopyTile(data, w, h, count, params, stack, WRITTEN_FEATURES, scratch);
        expect(Buffer.from(copyReused).equals(Buffer.from(copyFresh))).toBe(true);
        expect(Buffer.from(decodeCopyTile(copyFresh, w, h, count, params, stack, WRITTEN_FEATURES, scratch)).equals(Buffer.from(data))).toBe(true);
      }
    });
  });

  it('hands out zero-filled arrays of the asked length, reusing the slot', () => {
    const scratch = new TileScratch();
    const a = scratch.int32('means', 100);
    a.fill(7);
    const b = scratch.int32('means', 60);
    expect(b.length).toBe(60);
    expect(b.buffer).toBe(a.buffer);
    expect(b.every((v) => v === 0)).toBe(true);
    expect(scratch.int32('scales', 10).buffer).not.toBe(a.buffer);
  });
});
