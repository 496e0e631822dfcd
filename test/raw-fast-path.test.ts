/**
 * The fast path for raw bytes (issue 17, item 5): incompressible data above
 * 256 KiB is stored without running brotli, and brotli's quality falls with
 * the size. Checked by the choices made (no timing assertions).
 */
import { describe, expect, it } from 'vitest';
import { FRAME_BYTES } from '../src/codec/container.js';
import { compress, decompress, inspectStream } from '../src/codec/index.js';
import { FULL_QUALITY_BYTES, looksIncompressible, rawBrotliQuality } from '../src/codec/raw-quality.js';
import { mulberry32 } from './helpers/prng.js';

/** Seeded random bytes. */
function noise(n: number, seed: number): Uint8Array {
  const rand = mulberry32(seed),
    out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0;
  return out;
}

/** Seeded "binary-like" bytes: a small alphabet with runs, compressible by brotli. */
function structured(n: number, seed: number): Uint8Array {
  const rand = mulberry32(seed),
    out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = rand() < 0.7 ? out[Math.max(0, i - 64)] : (rand() * 16) | 0;
  return out;
}

describe('raw bytes: fast path', () => {
  const random5 = noise(5_000_000, 5);

  it('sampling tells random bytes from compressible ones', () => {
    expect(looksIncompressible(random5)).toBe(true);
    expect(looksIncompressible(structured(2 << 20, 1))).toBe(false);
    // Half random, half compressible: the samples see both halves.
    const mixed = new Uint8Array(4 << 20);
    mixed.set(noise(2 << 20, 2));
    mixed.set(structured(2 << 20, 3), 2 << 20);
    expect(looksIncompressible(mixed)).toBe(false);
  });

  it('5 MB of random bytes are stored (input + frame), and round-trip', async () => {
    const z = await compress(random5);
    expect(inspectStream(z).method).toBe('stored');
    expect(z.length).toBe(random5.length + FRAME_BYTES);
    expect(Buffer.from(await decompress(z)).equals(Buffer.from(random5))).toBe(true);
  });

  it('method brotli still runs brotli on random bytes; compressible bytes get brotli', async () => {
    expect(rawBrotliQuality(random5, 11, false)).toBe(7);
    const z = await compress(random5.subarray(0, 300_000), { method: 'brotli' });
    expect(inspectStream(z).method).toBe('brotli');
    const s = structured(3 << 20, 4);
    const zs = await compress(s);
    expect(inspectStream(zs).method).toBe('brotli');
    expect(zs.length).toBeLessThan(s.length / 2);
    expect(Buffer.from(await decompress(zs)).equals(Buffer.from(s))).toBe(true);
  });

  it('quality by size: 11 up to 256 KiB (small files unchanged), then 9, 7, 5, 3; random small files still try brotli', () => {
    const zeros = new Uint8Array((64 << 20) + 1);
    const q = (n: number) => rawBrotliQuality(zeros.subarray(0, n));
    expect([q(1000), q(FULL_QUALITY_BYTES), q(FULL_QUALITY_BYTES + 1), q(4 << 20), q((4 << 20) + 1), q(16 << 20), q((16 << 20) + 1), q(64 << 20), q((64 << 20) + 1)]).toEqual([
      11, 11, 9, 9, 7, 7, 5, 5, 3,
    ]);
    expect(rawBrotliQuality(noise(FULL_QUALITY_BYTES, 9))).toBe(11);
    expect(rawBrotliQuality(zeros.subarray(0, 1 << 20), 5)).toBe(5);
  });
});
