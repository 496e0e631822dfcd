/**
 * What each container format version means for the bytes of an `image`
 * stream, as one table: every decode path receives the row of its stream's
 * version (`streamFeatures(version)`) and asks it, instead of comparing
 * version numbers. Adding a format version is one more row here (and
 * FORMAT_VERSION in container.ts); docs/FORMAT.md specifies each feature.
 */
import type { RansStart, RansWord } from '../ans/index.js';
import { FORMAT_VERSION } from './container.js';
import { FlowzipError } from './errors.js';

/** The features of one format version's image streams. */
export interface StreamFeatures {
  /** The container format version (1…FORMAT_VERSION). */
  readonly version: number;
  /** The renormalisation word of the tile streams' rANS coder (ans/rans.ts): 16-bit words (v1) or bytes. */
  readonly rans: RansWord;
  /** Initial rANS state of a tile stream: the coder's lower bound L ('normalised': 2^16 for word16, 2^24 for bytes) or 1 ('one'). */
  readonly ransStart: RansStart;
  /** Every coded plane of a tile starts with a scale-offset symbol (quant/scale-offset.ts). */
  readonly scaleOffsets: boolean;
  /** A pixel-exact flow pads tiles with zeros and does not code their latents (flows/padding.ts). */
  readonly skipPadding: boolean;
  /** A flow whose latents are its input samples codes them with CDFs over exactly the sample range (flows/support.ts). */
  readonly exactSupport: boolean;
  /** The encoder writes a canonical PNM header as a single kind byte and the size (image-header.ts); the long form still reads. */
  readonly compactPnm: boolean;
  /** Plane groups may be coded by causal models, whose fitted parameters precede the pieces (codec/causal-coder.ts). */
  readonly causalModels: boolean;
  /**
   * Piece records carry a 2-bit kind (0 flow or causal, 1 brotli fallback, 2 copy tile of a causal model,
   * codec/copy-causal-coder.ts) instead of a fallback bit: varint (length << 2 | kind), the last piece's flag byte 0..2.
   */
  readonly copyPieces: boolean;
  /** The image header may be a palette PNG (kind 4: bit depth, PLTE), whose samples are its colours (codec/palette-image.ts). */
  readonly palettePng: boolean;
  /** The image header may be a 16-bit PNG (kind 5): high bytes coded as samples, low-byte residuals in the header (codec/deep-samples.ts). */
  readonly deepPng: boolean;
  /**
   * Format 7 (issue 16): a small image may be written as method 4 `small`, a compact `image` stream
   * (codec/small-stream.ts: one byte for model number, kind and shape, the size, a 16-bit check),
   * 7 bytes of framing on a 28×28 file instead of 15; container.ts expands it (SMALL_FROM_VERSION).
   */
  readonly smallStreams: boolean;
  /**
   * A 16-bit PNG's residual section may be layout 2: the low-byte residuals context-coded, predicted from
   * the last pixel with the same high bytes (codec/deep-samples.ts; format 7, issue 15).
   */
  readonly deepResidualContexts: boolean;
  /** The adaptive bits of copy tiles mix a fast and a slow estimate (quant/adaptive-bit.ts two-rate mode; format 7, issue 15). */
  readonly twoRateBits: boolean;
}

/** The format 6 features (issue 15: copy tiles, palette and 16-bit PNGs) and format 7's, all off before version 6. */
const BEFORE_V6 = { copyPieces: false, palettePng: false, deepPng: false, smallStreams: false, deepResidualContexts: false, twoRateBits: false } as const;
/** The format 6 features, on from version 6. */
const V6 = { copyPieces: true, palettePng: true, deepPng: true } as const;

/** One row per format version; index = version − 1. */
const ROWS: readonly StreamFeatures[] = [
  { version: 1, rans: 'word16', ransStart: 'normalised', scaleOffsets: false, skipPadding: false, exactSupport: false, compactPnm: false, causalModels: false, ...BEFORE_V6 },
  { version: 2, rans: 'byte', ransStart: 'normalised', scaleOffsets: false, skipPadding: false, exactSupport: false, compactPnm: false, causalModels: false, ...BEFORE_V6 },
  { version: 3, rans: 'byte', ransStart: 'normalised', scaleOffsets: true, skipPadding: true, exactSupport: false, compactPnm: false, causalModels: false, ...BEFORE_V6 },
  { version: 4, rans: 'byte', ransStart: 'one', scaleOffsets: true, skipPadding: true, exactSupport: true, compactPnm: true, causalModels: false, ...BEFORE_V6 },
  { version: 5, rans: 'byte', ransStart: 'one', scaleOffsets: true, skipPadding: true, exactSupport: true, compactPnm: true, causalModels: true, ...BEFORE_V6 },
  {
    version: 6,
    rans: 'byte',
    ransStart: 'one',
    scaleOffsets: true,
    skipPadding: true,
    exactSupport: true,
    compactPnm: true,
    causalModels: true,
    ...V6,
    smallStreams: false,
    deepResidualContexts: false,
    twoRateBits: false,
  },
  {
    version: 7,
    rans: 'byte',
    ransStart: 'one',
    scaleOffsets: true,
    skipPadding: true,
    exactSupport: true,
    compactPnm: true,
    causalModels: true,
    ...V6,
    smallStreams: true,
    deepResidualContexts: true,
    twoRateBits: true,
  },
];

/** The features of format `version`; E_VERSION when this flowzip has no row for it (container.ts refuses such streams first). */
export function streamFeatures(version: number): StreamFeatures {
  const row = ROWS[version - 1];
  if (!row || row.version !== version) throw new FlowzipError('E_VERSION', `stream format version ${version} is not supported by this flowzip`);
  return row;
}

/** The features of the version this flowzip writes (FORMAT_VERSION). */
export const WRITTEN_FEATURES: StreamFeatures = streamFeatures(FORMAT_VERSION);
