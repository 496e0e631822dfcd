/**
 * The encoder's first pass over an image it does not hold whole
 * (sample-source.ts): everything the causal fit needs before the tiles are
 * coded, gathered band by band — the values each channel uses (channel
 * palettes) and the few rows the fit reads (flows/causal-fit.ts reads every
 * step-th row of each tile, with their causal neighbours; on a 24 MP image,
 * the first row of each band). The fit then runs on tiles rebuilt from those
 * rows and finds exactly what it finds on the whole image: the rows it does
 * not read are filled with a row it does.
 */
import { NEIGHBOURS } from '../flows/causal-context.js';
import { estimateRows } from './store-estimate.js';
import { fitRowSteps } from '../flows/causal-fit.js';
import { indexMap, MedResiduals, packingCandidates, packingChoice, UsedValues, type ChannelValues } from './channel-palette.js';
import type { SampleSource } from './sample-source.js';

/** What the first pass found. */
export interface ImageSurvey {
  /** The values each channel uses. */
  used: UsedValues;
  /** The rows the causal fit reads, by image row (each a copy: width × channels samples). */
  fitRows: Map<number, Uint8Array>;
  /** The rows the early store estimate reads (store-estimate.ts estimateRows, each with the row above), by image row. */
  estimateRows: Map<number, Uint8Array>;
}

/** Rows above a pixel that its causal features read (same-plane neighbours; earlier planes read the row above). */
const REACH = Math.max(1, ...NEIGHBOURS.map(([, dy]) => -dy));

/** True when the fit reads row `ty` of a tile (counted from the tile's top) for an image of `samples` pixels. */
export function fitReadsRow(ty: number, samples: number): boolean {
  return fitRowSteps(samples).some((step) => Math.ceil(ty / step) * step <= ty + REACH);
}

/** Calls `fn(rows, y)` for each band of `bandRows` rows of a pass over `source`, top to bottom (rows: a view valid during the call). */
export async function forEachBand(source: SampleSource, bandRows: number, fn: (rows: Uint8Array, y: number) => void): Promise<void> {
  const pass = source.pass();
  try {
    for (let y = 0; y < source.height; y += bandRows) {
      const rows = await pass.next(Math.min(bandRows, source.height - y));
      fn(rows, y);
      pass.recycle(rows);
    }
    await pass.end();
  } finally {
    pass.close();
  }
}

/** The first pass over `source`, whose tiles are `tileSize` rows high (E_BAD_IMAGE from a PNG whose image data is bad). */
export async function surveyImage(source: SampleSource, tileSize: number): Promise<ImageSurvey> {
  const used = new UsedValues(source.channels);
  const fitRows = new Map<number, Uint8Array>();
  const estimated = new Map<number, Uint8Array>();
  const wanted = new Set(estimateRows(source.width, source.height).flatMap((y) => [y - 1, y]));
  const rowLength = source.width * source.channels;
  const samples = source.width * source.height;
  await forEachBand(source, tileSize, (rows, y) => {
    used.add(rows);
    for (let ty = 0; ty * rowLength < rows.length; ty++) {
      if (fitReadsRow(ty, samples)) fitRows.set(y + ty, rows.slice(ty * rowLength, (ty + 1) * rowLength));
      if (wanted.has(y + ty)) estimated.set(y + ty, rows.slice(ty * rowLength, (ty + 1) * rowLength));
    }
  });
  return { used, fitRows, estimateRows: estimated };
}

/**
 * Tile `r`'s interleaved samples of channels first … first + count − 1 as
 * the fit reads them: the surveyed rows in place, every other row a copy of
 * the tile's first (which the fit always reads), so that all samples are
 * values the image has.
 */
export function fitTileSamples(survey: ImageSurvey, channels: number, first: number, count: number, r: { x: number; y: number; w: number; h: number }): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(r.w * r.h * count);
  const top = survey.fitRows.get(r.y);
  if (!top) throw new Error(`image survey: row ${r.y} (a tile's first) was not kept`);
  let k = 0;
  for (let y = 0; y < r.h; y++) {
    const row = survey.fitRows.get(r.y + y) ?? top;
    for (let x = 0; x < r.w; x++) {
      const at = (r.x + x) * channels + first;
      for (let c = 0; c < count; c++) out[k++] = row[at + c];
    }
  }
  return out;
}

/**
 * The channel palettes of plane group (first, count) of an image read in
 * passes (channel-palette.ts chooseChannelValues, the same choice): from the
 * surveyed values, and when the group may be packed, one more pass for the
 * smooth model's estimates.
 */
export async function streamedChannelValues(source: SampleSource, used: UsedValues, first: number, count: number, bandRows: number): Promise<ChannelValues> {
  const candidates = packingCandidates(Array.from({ length: count }, (_, c) => used.of(first + c)));
  if (!candidates) return Array.from({ length: count }, () => null);
  const plain = candidates.map((_, c) => new MedResiduals(source.width, source.channels, first + c, null));
  const mapped = candidates.map((u, c) => new MedResiduals(source.width, source.channels, first + c, indexMap(u)));
  await forEachBand(source, bandRows, (rows) => {
    for (const m of [...plain, ...mapped]) m.add(rows);
  });
  return packingChoice(
    candidates,
    plain.map((m) => m.bits()),
    mapped.map((m) => m.bits()),
  );
}
