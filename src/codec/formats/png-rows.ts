/**
 * Reading the image data of a non-interlaced 8-bit PNG row by row, so that
 * an image is decoded band by band and never held whole (DESIGN.md,
 * invariant 5): the IDAT payloads are inflated as a zlib stream (node:zlib,
 * on its thread pool) as rows are asked for, each band unfiltered against
 * the last row of the band before.
 *
 * The same image data is accepted and refused as by parsePng, with the same
 * messages and in the same order: a stream zlib refuses, then one that ends
 * short or runs long, then a bad filter type — so a bad filter type is
 * reported by {@link PngRowReader.end}, after the last row, not when read.
 */
import { createInflate, type Inflate } from 'node:zlib';
import { FlowzipError } from '../errors.js';
import { unfilterBlock } from './png-filter.js';
import { imageDataCorrupt, imageDataShort, imageDataTooLong } from './png-image-data.js';
import { CHANNELS_OF } from './png-header.js';
import type { PngLayout } from './png.js';

/** Arrays `recycle` keeps for reuse, at most. */
const MAX_SPARES = 2;

/** Bytes zlib hands over at a time (the most a read of image data runs ahead of the rows asked for). */
const INFLATE_CHUNK = 1 << 18;

/** Rows of a PNG's samples in order, from its layout (png.ts readPngLayout). One pass; make another reader for another. */
export class PngRowReader {
  /** Samples per row (width × channels). */
  readonly rowSamples: number;
  private readonly stride: number;
  private readonly bpp: number;
  private readonly expected: number;
  private readonly inflate: Inflate;
  private readonly chunks: AsyncIterator<Buffer>;
  private pending: Uint8Array = new Uint8Array(0);
  private at = 0;
  /** Inflated bytes received so far. */
  private inflated = 0;
  private rowsRead = 0;
  /** The block being unfiltered: the previous row (with its filter type byte), then the new rows. */
  private block = new Uint8Array(0);
  private filterError: FlowzipError | null = null;
  /** Arrays handed back by the caller (recycle), at most MAX_SPARES. */
  private readonly spares: Uint8Array[] = [];

  /** `layout` must be 8-bit and not interlaced (the images the flow codes). */
  constructor(private readonly layout: PngLayout) {
    const { width, height, bitDepth, interlaced, colourType } = layout.header;
    if (bitDepth !== 8 || interlaced) throw new Error('PngRowReader: 8-bit non-interlaced images only');
    this.bpp = CHANNELS_OF[colourType];
    this.rowSamples = width * this.bpp;
    this.stride = this.rowSamples + 1;
    this.expected = height * this.stride;
    this.inflate = createInflate({ chunkSize: INFLATE_CHUNK });
    this.chunks = this.inflate[Symbol.asyncIterator]();
    for (const part of layout.idat) this.inflate.write(part);
    this.inflate.end();
  }

  /** The next chunk of inflated bytes, or null at the end of the stream; zlib's errors as E_BAD_IMAGE. */
  private async nextChunk(): Promise<Uint8Array | null> {
    let r: IteratorResult<Buffer>;
    try {
      r = await this.chunks.next();
    } catch (error) {
      throw imageDataCorrupt(error);
    }
    if (r.done) return null;
    this.inflated += r.value.length;
    return r.value;
  }

  /** Copies the next `n` inflated bytes to dst[offset…]; E_BAD_IMAGE when the stream ends first. */
  private async fill(dst: Uint8Array, offset: number, n: number): Promise<void> {
    while (n > 0) {
      if (this.at === this.pending.length) {
        const chunk = await this.nextChunk();
        if (!chunk) throw imageDataShort(this.inflated, this.expected);
        this.pending = chunk;
        this.at = 0;
      }
      const k = Math.min(n, this.pending.length - this.at);
      dst.set(this.pending.subarray(this.at, this.at + k), offset);
      this.at += k;
      offset += k;
      n -= k;
    }
  }

  /** The next `rows` rows (≥ 1) as an array of interleaved samples: new, or one handed back by `recycle`. */
  async read(rows: number): Promise<Uint8Array> {
    if (this.rowsRead + rows > this.layout.header.height) throw new Error('PngRowReader: read past the last row');
    const { stride } = this;
    const size = (rows + 1) * stride;
    if (this.block.length < size) {
      const grown = new Uint8Array(size);
      grown.set(this.block.subarray(0, stride));
      this.block = grown;
    }
    const block = this.block;
    await this.fill(block, stride, rows * stride);
    if (!this.filterError) {
      try {
        unfilterBlock(block, stride, this.rowSamples, rows, this.bpp, this.rowsRead > 0);
      } catch (error) {
        if (!(error instanceof FlowzipError)) throw error;
        this.filterError = error; // reported by end(), after the stream's own errors
      }
    }
    const out = this.spareOf(rows * this.rowSamples);
    for (let j = 0; j < rows; j++) out.set(block.subarray((j + 1) * stride + 1, (j + 2) * stride), j * this.rowSamples);
    block.copyWithin(0, rows * stride, (rows + 1) * stride);
    this.rowsRead += rows;
    return out;
  }

  /**
   * Takes back an array `read` returned that its caller no longer reads: the
   * next `read` of as many samples fills it instead of a new one. A band of a
   * 24 MP photo is ~4.6 MB, and each pass reads ~24 of them: reused, they do
   * not wait for V8's collections (docs/ARCHITECTURE.md, "Memory").
   */
  recycle(rows: Uint8Array): void {
    if (this.spares.length < MAX_SPARES) this.spares.push(rows);
  }

  /** A spare array of exactly n samples (taken from the spares), else a new one. */
  private spareOf(n: number): Uint8Array {
    const k = this.spares.findIndex((a) => a.length === n);
    return k >= 0 ? this.spares.splice(k, 1)[0] : new Uint8Array(n);
  }

  /**
   * After the last row: E_BAD_IMAGE when the image data runs on (it is not
   * inflated further than one more chunk) or held a bad filter type; then
   * the inflater is released.
   */
  async end(): Promise<void> {
    try {
      if (this.at < this.pending.length) throw imageDataTooLong();
      for (;;) {
        const chunk = await this.nextChunk();
        if (!chunk) break;
        if (chunk.length > 0) throw imageDataTooLong();
      }
      if (this.filterError) throw this.filterError;
    } finally {
      this.close();
    }
  }

  /** Releases the inflater (a pass stopped early). */
  close(): void {
    this.inflate.destroy();
  }
}
