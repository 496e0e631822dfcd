/**
 * Writing a non-interlaced 8-bit PNG band by band: rows are filtered as they
 * come (each band against the last row of the one before) and deflated as a
 * zlib stream (node:zlib, on its thread pool), so the samples of the whole
 * image are never held. The bytes are exactly those of {@link writePng} for
 * the same image: the same filters, and deflate's output does not depend on
 * how its input is split.
 */
import { createDeflate, type Deflate } from 'node:zlib';
import { writePngChunks } from './png-chunks.js';
import { filterRows } from './png-filter.js';
import { CHANNELS_OF, type PngHeader } from './png-header.js';
import { DEFLATE_LEVEL } from './png-image-data.js';
import { checkAncillaryChunks, chunksAroundImageData, IDAT_CHUNK_SIZE, type PngImage } from './png.js';

/** Filtered rows deflate may have queued before a writer's caller waits (PngStreamWriter.settled). */
const SETTLE_BYTES = 8 << 20;

/** An 8-bit, non-interlaced, non-palette PNG as {@link PngStreamWriter} takes it: its size and what goes around its pixels. */
export interface PngStreamImage extends Pick<PngImage, 'ancillary'> {
  width: number;
  height: number;
  colourType: 0 | 2 | 4 | 6;
}

/** A PNG file written band by band: {@link PngStreamWriter.write} the rows top to bottom, then {@link PngStreamWriter.finish}. */
export class PngStreamWriter {
  /** The IDAT chunks so far. */
  private readonly parts: Uint8Array[] = [];
  private readonly deflate: Deflate;
  private readonly deflated: Promise<void>;
  private readonly rowBytes: number;
  private readonly bpp: number;
  private readonly around: ReturnType<typeof chunksAroundImageData>;
  /** Deflated bytes not yet in an IDAT chunk. */
  private idat: Buffer[] = [];
  private idatBytes = 0;
  private rowAbove: Uint8Array | undefined;
  private rows = 0;

  constructor(private readonly img: PngStreamImage) {
    const header: PngHeader = { width: img.width, height: img.height, bitDepth: 8, colourType: img.colourType, interlaced: false };
    this.bpp = CHANNELS_OF[img.colourType];
    this.rowBytes = img.width * this.bpp;
    this.around = chunksAroundImageData(img, header);
    this.deflate = createDeflate({ level: DEFLATE_LEVEL });
    this.deflate.on('data', (chunk: Buffer) => this.take(chunk));
    this.deflated = new Promise<void>((resolve, reject) => {
      this.deflate.on('end', resolve);
      this.deflate.on('error', reject);
    });
    this.deflated.catch(() => undefined); // seen by finish(); a writer abandoned after an error must not crash the process
  }

  /** Cuts the deflated bytes into IDAT chunks of IDAT_CHUNK_SIZE bytes as they come (the last, shorter one in finish). */
  private take(chunk: Buffer): void {
    this.idat.push(chunk);
    this.idatBytes += chunk.length;
    while (this.idatBytes >= IDAT_CHUNK_SIZE) {
      const all = Buffer.concat(this.idat);
      this.parts.push(writePngChunks([{ type: 'IDAT', data: all.subarray(0, IDAT_CHUNK_SIZE) }], false));
      this.idat = [all.subarray(IDAT_CHUNK_SIZE)];
      this.idatBytes = all.length - IDAT_CHUNK_SIZE;
    }
  }

  /** Adds the next rows: interleaved samples, a whole number of rows (not kept: the caller may reuse the array). */
  write(samples: Uint8Array): void {
    const rows = samples.length / this.rowBytes;
    if (!Number.isInteger(rows) || this.rows + rows > this.img.height) throw new Error('PngStreamWriter: rows do not fit the image');
    if (rows === 0) return;
    this.deflate.write(filterRows(samples, this.rowBytes, rows, this.bpp, true, this.rowAbove));
    this.rowAbove = samples.slice(samples.length - this.rowBytes);
    this.rows += rows;
  }

  /**
   * Resolves at once while deflate has at most SETTLE_BYTES of rows still to
   * take in, else once it has taken them all: callers wait on it so that
   * rows do not pile up ahead of deflate, which meanwhile runs beside them.
   */
  async settled(): Promise<void> {
    if (this.deflate.writableLength > SETTLE_BYTES) await new Promise<void>((resolve) => this.deflate.once('drain', resolve));
  }

  /**
   * After the last row: the whole file, as parts one after the other (its
   * chunks, not copied into one array). The chunks around the image data are
   * checked here, as writePng checks them (E_BAD_IMAGE), not before: a
   * decoder checks its stream first.
   */
  async finish(): Promise<Uint8Array[]> {
    if (this.rows !== this.img.height) throw new Error('PngStreamWriter: the image is not complete');
    this.deflate.end();
    await this.deflated;
    checkAncillaryChunks(this.img.ancillary);
    if (this.idatBytes > 0) this.parts.push(writePngChunks([{ type: 'IDAT', data: Buffer.concat(this.idat) }], false));
    return [writePngChunks(this.around.before), ...this.parts, writePngChunks(this.around.after, false)];
  }

  /** Stops writing (a decode that failed); the file is abandoned. */
  abort(): void {
    this.deflate.destroy();
  }
}
