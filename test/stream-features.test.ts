import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../src/codec/bytes.js';
import { FORMAT_VERSION } from '../src/codec/container.js';
import { readImageHeader, writeImageHeader, type ImageHeader } from '../src/codec/image-header.js';
import { streamFeatures, WRITTEN_FEATURES } from '../src/codec/stream-features.js';

describe('stream features per format version', () => {
  it('has one row for every version up to FORMAT_VERSION, and writes the last', () => {
    for (let v = 1; v <= FORMAT_VERSION; v++) expect(streamFeatures(v).version).toBe(v);
    expect(WRITTEN_FEATURES).toBe(streamFeatures(FORMAT_VERSION));
  });

  it('refuses versions it has no row for with E_VERSION', () => {
    for (const v of [0, FORMAT_VERSION + 1, 1.5, -1]) expect(() => streamFeatures(v)).toThrow(expect.objectContaining({ code: 'E_VERSION' }));
  });

  it('records what each of versions 1 to 4 changed', () => {
    expect(streamFeatures(1)).toMatchObject({ rans: 'word16', ransStart: 'normalised', scaleOffsets: false, skipPadding: false, exactSupport: false, compactPnm: false });
    expect(streamFeatures(2)).toMatchObject({ rans: 'byte', ransStart: 'normalised', scaleOffsets: false, skipPadding: false });
    expect(streamFeatures(3)).toMatchObject({ rans: 'byte', ransStart: 'normalised', scaleOffsets: true, skipPadding: true, exactSupport: false, compactPnm: false });
    expect(streamFeatures(4)).toMatchObject({ rans: 'byte', ransStart: 'one', scaleOffsets: true, skipPadding: true, exactSupport: true, compactPnm: true });
    // Features never go away: each later version keeps the earlier ones' flags or changes the coder state only.
    for (let v = 2; v <= 4; v++) {
      const a = streamFeatures(v - 1),
        b = streamFeatures(v);
      for (const k of ['scaleOffsets', 'skipPadding', 'exactSupport', 'compactPnm'] as const) if (a[k]) expect(b[k]).toBe(true);
    }
  });

  it('a canonical PNM header is compact where the version says so, and both layouts read back', () => {
    const h: ImageHeader = { kind: 'pnm', width: 28, height: 300, channels: 1, verbatim: null, modelIds: [Uint8Array.of(1, 2, 3, 4)] };
    const bytesOf = (v: number) => {
      const w = new ByteWriter();
      writeImageHeader(h, w, streamFeatures(v));
      return w.finish();
    };
    const compact = bytesOf(4),
      long = bytesOf(3);
    expect(compact[0]).toBe(2);
    expect(long[0]).toBe(0);
    expect(long.length - compact.length).toBe(2);
    for (const b of [compact, long]) expect(readImageHeader(new ByteReader(b), 4, 1 << 20)).toEqual(h);
  });
});
