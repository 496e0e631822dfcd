/**
 * Bands: an image is coded a band of tile rows at a time (DESIGN.md,
 * invariant 5), so that memory follows the band, not the image. The encoder
 * reads bands from a SampleSource as the pieces that need them come up
 * ({@link BandLoader}); the decoder puts decoded pieces into their band and
 * hands each band on, in order, once all its pieces are in
 * ({@link BandAssembler}). Tiles are independent, so the bytes do not depend
 * on the band height.
 */
import { crc32 } from '../platform/zlib.js';
import type { SamplePass, SampleSource } from './sample-source.js';
import type { TileRect } from './tiling.js';

/** Bands of `bandRows` rows of an image `height` rows high. */
export function bandCount(height: number, bandRows: number): number {
  return Math.ceil(height / bandRows);
}

/** The rows of band b: its first row and how many. */
export function bandRowsOf(b: number, height: number, bandRows: number): { y: number; rows: number } {
  const y = b * bandRows;
  return { y, rows: Math.min(bandRows, height - y) };
}

/** Tile `r` placed in its band (whose first row is `y`): the same tile, rows counted from the band's top. */
export function inBand(r: TileRect, y: number): TileRect {
  return { ...r, y: r.y - y };
}

/** The encoder's bands: read from a source in order, with the CRC-32 of every sample read, dropped when no piece needs them. */
export class BandLoader {
  private readonly pass: SamplePass;
  private readonly bands = new Map<number, Uint8Array>();
  private loaded = 0;
  private crcSoFar: number;

  /** `crc`: the CRC-32 the samples' CRC continues (that of the bytes before them). */
  constructor(
    private readonly source: SampleSource,
    readonly bandRows: number,
    crc: number,
  ) {
    this.pass = source.pass();
    this.crcSoFar = crc;
  }

  /** Loads the bands up to `last` (inclusive) not loaded yet. */
  async load(last: number): Promise<void> {
    const n = Math.min(last + 1, bandCount(this.source.height, this.bandRows));
    while (this.loaded < n) {
      const rows = await this.pass.next(bandRowsOf(this.loaded, this.source.height, this.bandRows).rows);
      this.crcSoFar = crc32(rows, this.crcSoFar);
      this.bands.set(this.loaded++, rows);
    }
  }

  /** Band b's samples (loaded and not dropped). */
  band(b: number): Uint8Array {
    const rows = this.bands.get(b);
    if (!rows) throw new Error(`band ${b} is not loaded`);
    return rows;
  }

  /** Drops the bands before `b` (their arrays go back to the pass for reuse: nothing may read them after). */
  dropBefore(b: number): void {
    for (const [k, rows] of [...this.bands]) {
      if (k < b) {
        this.bands.delete(k);
        this.pass.recycle(rows);
      }
    }
  }

  /** After the last band: the CRC-32 of everything read (E_BAD_IMAGE when the source's data was bad). */
  async end(): Promise<number> {
    await this.load(Number.MAX_SAFE_INTEGER);
    this.bands.clear();
    await this.pass.end();
    return this.crcSoFar >>> 0;
  }

  /** Releases the pass (stopped early). */
  close(): void {
    this.pass.close();
  }
}

/** The decoder's bands: pieces are put in as they are decoded (any order); each band is handed on, in order, when complete. */
export class BandAssembler {
  private readonly pending = new Map<number, { rows: Uint8Array; missing: number }>();
  private next = 0;

  /**
   * `piecesIn(b)`: how many pieces band b has; `emit(rows)`: gets each band's
   * interleaved samples (width × channels each row), top to bottom.
   */
  constructor(
    private readonly width: number,
    private readonly height: number,
    private readonly channels: number,
    readonly bandRows: number,
    private readonly piecesIn: (b: number) => number,
    private readonly emit: (rows: Uint8Array) => void,
  ) {}

  /** The samples of band b, allocated when its first piece comes. */
  band(b: number): Uint8Array {
    let slot = this.pending.get(b);
    if (!slot) {
      slot = { rows: new Uint8Array(bandRowsOf(b, this.height, this.bandRows).rows * this.width * this.channels), missing: this.piecesIn(b) };
      this.pending.set(b, slot);
    }
    return slot.rows;
  }

  /** Marks one piece of band b as put (into band(b)); hands on every band now complete, in order. */
  done(b: number): void {
    this.band(b);
    this.pending.get(b)!.missing--;
    for (;;) {
      const slot = this.pending.get(this.next);
      if (!slot || slot.missing > 0) return;
      this.pending.delete(this.next++);
      this.emit(slot.rows);
    }
  }

  /** True when every band was handed on. */
  get complete(): boolean {
    return this.next === bandCount(this.height, this.bandRows);
  }
}
