/**
 * The decode entry point's functions on top of decodeStream: samples, PNG
 * bytes, or the original file.
 */
import { FlowzipError } from '../codec/errors.js';
import { writePng } from '../codec/formats/png.js';
import { imageFileBytes as fileOf } from '../codec/image-file.js';
import { decodeStream, type DecodedImage, type DecodeOptions } from './decode-stream.js';

/** PNG colour type of an 8-bit image with `channels` interleaved samples. */
const COLOUR_TYPE = { 1: 0, 2: 4, 3: 2, 4: 6 } as const;

/** The file an image came from, rebuilt byte for byte as `decompress` does (a PNG keeps its ancillary chunks). */
export function imageFileBytes(image: DecodedImage): Uint8Array {
  return fileOf(image.header, image.samples);
}

/** A PNG of an image: the original file for a PNG (8-bit, palette or 16-bit), a plain 8-bit PNG of the samples for a PNM. */
export function imagePngBytes(image: DecodedImage): Uint8Array {
  if (image.header.kind !== 'pnm') return imageFileBytes(image);
  const raster = { width: image.width, height: image.height, channels: image.channels, bitDepth: 8 as const, samples: image.samples };
  return writePng({ raster, colourType: COLOUR_TYPE[image.channels], pngBitDepth: 8, interlaced: false, ancillary: [] });
}

/** Decodes an image stream to its samples; E_USAGE when the stream holds raw bytes rather than an image (use decodeFile). */
export async function decodeImage(fz: Uint8Array, options: DecodeOptions = {}): Promise<DecodedImage> {
  const d = await decodeStream(fz, options);
  if (d.kind !== 'image') throw new FlowzipError('E_USAGE', `the stream holds raw bytes (method ${d.method}), not an image: use decodeFile`);
  return d.image;
}

/** Decodes an image stream to PNG bytes (see imagePngBytes). */
export async function decodeToPng(fz: Uint8Array, options: DecodeOptions = {}): Promise<Uint8Array> {
  return imagePngBytes(await decodeImage(fz, options));
}

/** Decodes any stream to the original file's bytes (the bytes `decompress` gives). */
export async function decodeFile(fz: Uint8Array, options: DecodeOptions = {}): Promise<Uint8Array> {
  const d = await decodeStream(fz, options);
  return d.kind === 'image' ? imageFileBytes(d.image) : d.bytes;
}
