/**
 * Where the encoder reads an image's samples from (DESIGN.md, invariant 5):
 * in passes from the top, a band of rows at a time. An image held in
 * memory (a PNM's samples, a small PNG decoded once) is read as views of it;
 * a large PNG is inflated and unfiltered again on each pass (png-rows.ts),
 * so that only a band of it is ever decoded at once.
 */
import { PngRowReader } from './formats/png-rows.js';
import { CHANNELS_OF } from './formats/png-header.js';
import type { PngLayout } from './formats/png.js';

/** One pass over an image's rows, top to bottom. */
export interface SamplePass {
  /** The next `rows` rows (≥ 1) of interleaved samples: a new array, or a view of samples that never change. */
  next(rows: number): Promise<Uint8Array>;
  /** After the last row: E_BAD_IMAGE when the image data turned out bad (png-rows.ts); releases what the pass holds. */
  end(): Promise<void>;
  /** Releases what a pass stopped early holds. */
  close(): void;
  /** Hands back an array `next` returned that the caller no longer reads: a later `next` may reuse it. */
  recycle(rows: Uint8Array): void;
}

/** An 8-bit image's interleaved samples, read in passes. */
export interface SampleSource {
  readonly width: number;
  readonly height: number;
  /** Interleaved channels (1..4). */
  readonly channels: number;
  /** All samples when they are held in memory; null when each pass decodes them again. */
  readonly whole: Uint8Array | null;
  /** A new pass from the top. */
  pass(): SamplePass;
}

/** A source over samples held in memory (`width × height × channels` of them, interleaved). */
export function memorySource(samples: Uint8Array, width: number, height: number, channels: number): SampleSource {
  const rowLength = width * channels;
  return {
    width,
    height,
    channels,
    whole: samples,
    pass() {
      let row = 0;
      return {
        next: async (rows) => samples.subarray(row * rowLength, (row += rows) * rowLength),
        end: async () => undefined,
        close: () => undefined,
        recycle: () => undefined,
      };
    },
  };
}

/**
 * Samples a PNG may hold whole, at most (32 MiB: about 11 MP of RGB): a
 * smaller image is decoded once and coded from memory, a larger one is
 * decoded again on each pass (the encoder makes two: png-rows.ts).
 */
export const HOLD_BYTES = 32 << 20;

/** Rows decoded at a time into an image that is held. */
const HOLD_READ_ROWS = 64;

/**
 * The samples of an 8-bit non-interlaced PNG from its layout (png.ts
 * readPngLayout). When they take at most `holdBytes`, they are decoded now
 * (E_BAD_IMAGE for bad image data, as parsePng) and held; otherwise each
 * pass decodes them again, and bad image data shows on the first pass to
 * reach it.
 */
export async function pngSource(layout: PngLayout, holdBytes = HOLD_BYTES): Promise<SampleSource> {
  const { width, height, colourType } = layout.header;
  const channels = CHANNELS_OF[colourType];
  const streamed: SampleSource = {
    width,
    height,
    channels,
    whole: null,
    pass() {
      const reader = new PngRowReader(layout);
      return { next: (rows) => reader.read(rows), end: () => reader.end(), close: () => reader.close(), recycle: (rows) => reader.recycle(rows) };
    },
  };
  if (width * height * channels > holdBytes) return streamed;
  const pass = streamed.pass();
  try {
    const samples = new Uint8Array(width * height * channels);
    for (let y = 0; y < height; y += HOLD_READ_ROWS) {
      const rows = await pass.next(Math.min(HOLD_READ_ROWS, height - y));
      samples.set(rows, y * width * channels);
      pass.recycle(rows);
    }
    await pass.end();
    return memorySource(samples, width, height, channels);
  } finally {
    pass.close();
  }
}
