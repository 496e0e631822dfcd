import { describe, expect, it } from 'vitest';
import { ByteReader, ByteWriter } from '../src/codec/bytes.js';
import { readImageHeader, writeImageHeader, type ImageHeader } from '../src/codec/image-header.js';

const id = Uint8Array.of(1, 2, 3, 4);
const bytesOf = (h: ImageHeader) => {
  const w = new ByteWriter();
  writeImageHeader(h, w);
  return w.finish();
};

describe('image header', () => {
  it('a canonical PNM header is written compactly (kind, width, height) and reads back the same', () => {
    for (const channels of [1, 3] as const) {
      const h: ImageHeader = { kind: 'pnm', width: 28, height: 28, channels, verbatim: null, modelIds: [id] };
      const b = bytesOf(h);
      expect(b.length).toBe(3 + 4); // kind byte, two one-byte varints, the model id
      expect(b[0]).toBe(channels === 1 ? 2 : 3);
      expect(readImageHeader(new ByteReader(b), 4, 1e6)).toEqual(h);
    }
  });

  it('a verbatim PNM header keeps the full layout, and the layout of format 1–3 streams still reads', () => {
    const verbatim = new TextEncoder().encode('P5\n# made by hand\n28 28\n255\n');
    const h: ImageHeader = { kind: 'pnm', width: 28, height: 28, channels: 1, verbatim, modelIds: [id] };
    const b = bytesOf(h);
    expect(b[0]).toBe(0);
    expect(readImageHeader(new ByteReader(b), 4, 1e6)).toEqual(h);
    // kind 0, flags 0, channels 3, width 300 (2-byte varint), height 2, id: what earlier formats wrote for a canonical PPM.
    const old = Uint8Array.of(0, 0, 3, 0xac, 0x02, 2, ...id);
    expect(readImageHeader(new ByteReader(old), 4, 1e6)).toEqual({ kind: 'pnm', width: 300, height: 2, channels: 3, verbatim: null, modelIds: [id] });
  });
});
