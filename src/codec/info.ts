/**
 * Describes a .fz stream without decoding it: method, image size, models,
 * and bits per subpixel.
 */
import { toHex } from '../platform/encoding.js';
import { ByteReader } from './bytes.js';
import { chunkedLength } from './chunked.js';
import { METHOD_NAMES, Method, unframe } from './container.js';
import { DEFAULT_MAX_PIXELS } from './formats/image.js';
import { headerChannels, readImageHeader } from './image-header.js';
import { streamFeatures } from './stream-features.js';
import { MODEL_ID_BYTES, shippedNames } from './models.js';
import { checkBytes } from './validate.js';

/** What `flowzip info` reports. */
export interface StreamInfo {
  formatVersion: number;
  method: (typeof METHOD_NAMES)[number];
  /** Stream size in bytes. */
  compressedBytes: number;
  /** Original size in bytes (brotli/stored/chunked), null for images (depends on the PNG rebuild). */
  originalBytes: number | null;
  image: null | {
    format: 'pnm' | 'png' | 'palette' | 'png16';
    width: number;
    height: number;
    channels: number;
    /** Model id prefixes (hex) and names, where known, per plane group. */
    models: Array<{ id: string; name: string | null }>;
    /** Compressed bits per subpixel (whole stream). */
    bpsp: number;
  };
}

/** Reads a stream's header. Throws FlowzipError on foreign or truncated streams. */
export function inspectStream(bytes: Uint8Array): StreamInfo {
  checkBytes(bytes, 'stream');
  const { method, version, body } = unframe(bytes);
  const info: StreamInfo = { formatVersion: version, method: METHOD_NAMES[method], compressedBytes: bytes.length, originalBytes: null, image: null };
  if (method === Method.Stored) info.originalBytes = body.length;
  if (method === Method.Brotli) info.originalBytes = new ByteReader(body).varint();
  if (method === Method.Chunked) info.originalBytes = chunkedLength(body);
  if (method === Method.Image) {
    const h = readImageHeader(new ByteReader(body), MODEL_ID_BYTES, DEFAULT_MAX_PIXELS, streamFeatures(version));
    const channels = headerChannels(h);
    const known = shippedNames();
    info.image = {
      format: h.kind,
      width: h.width,
      height: h.height,
      channels,
      models: h.modelIds.map((b) => {
        const id = toHex(b);
        return { id, name: known.find((m) => m.id.startsWith(id))?.name ?? null };
      }),
      bpsp: (bytes.length * 8) / (h.width * h.height * channels),
    };
  }
  return info;
}
