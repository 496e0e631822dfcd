/**
 * What `flowzip info` checks of a stream without decoding its image (issue
 * 17, item 6): the frame, the declared sizes, and that the body holds exactly
 * what it declares.
 *
 * - `stored`: the CRC-32 of the body (it is the original).
 * - `brotli`: the brotli stream is inflated in constant memory (output
 *   discarded) and must give exactly the declared length, end where the body
 *   ends, and match the CRC.
 * - `chunked`: every chunk is decoded, one at a time, and the whole must
 *   match the CRC.
 * - `image`: the header, the causal parameters, and every tile record are
 *   read (not decoded): a stream cut short or padded fails here. The CRC of
 *   an image covers its decoded samples, so only `flowzip test` checks it.
 *
 * A problem is thrown as a FlowzipError (E_TRUNCATED, E_CORRUPT, E_CHECKSUM).
 */
import { createBrotliDecompress, crc32 } from 'node:zlib';
import { flowLevels } from '../flows/spec.js';
import { ByteReader } from './bytes.js';
import { checkChunked } from './chunked.js';
import { readCausalParams } from './causal-coder.js';
import { crcOf, Method, unframe } from './container.js';
import { FlowzipError } from './errors.js';
import { TILE_SIZE } from './image-codec.js';
import { streamFeatures } from './stream-features.js';
import { headerChannels, planeGroups, readImageHeader } from './image-header.js';
import { MODEL_ID_BYTES, modelForStream } from './models.js';
import { tileGrid } from './tiling.js';

/** Checks a whole stream's structure; resolves when it is consistent, throws FlowzipError when not. */
export async function checkStreamStructure(bytes: Uint8Array): Promise<void> {
  const { method, version, body, crc } = unframe(bytes);
  if (method === Method.Stored) {
    if (crcOf(body) !== crc) throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is truncated or corrupt');
  } else if (method === Method.Brotli) {
    const r = new ByteReader(body);
    const n = r.varint();
    await checkBrotli(r.bytes(r.remaining), n, crc);
  } else if (method === Method.Chunked) {
    checkChunked(body, crc);
  } else {
    checkImageRecords(body, version);
  }
}

/** Inflates `data` chunk by chunk (nothing kept) and checks length and CRC. */
async function checkBrotli(data: Uint8Array, declared: number, crc: number): Promise<void> {
  const corrupt = () => new FlowzipError('E_CORRUPT', 'stream is truncated or corrupt (brotli data)');
  let length = 0,
    c = 0;
  const inflater = createBrotliDecompress();
  const done = new Promise<void>((resolve, reject) => {
    inflater.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length > declared) inflater.destroy(corrupt());
      else c = crc32(chunk, c);
    });
    inflater.on('error', () => reject(corrupt()));
    inflater.on('end', resolve);
  });
  // Fed in slices, so a decoder that stops early (data after the brotli stream) is seen as bytesWritten < length.
  inflater.end(data);
  await done;
  if (length !== declared) throw new FlowzipError('E_TRUNCATED', `stream is truncated (brotli data gives ${length} of ${declared} bytes)`);
  if (inflater.bytesWritten !== data.length) throw new FlowzipError('E_CORRUPT', 'stream has trailing data after its brotli data');
  if (c >>> 0 !== crc) throw new FlowzipError('E_CHECKSUM', 'checksum mismatch: the stream is corrupt');
}

/** Reads the image header, causal parameters and every tile record; the records must end where the body ends. */
function checkImageRecords(body: Uint8Array, version: number): void {
  const r = new ByteReader(body);
  const header = readImageHeader(r, MODEL_ID_BYTES, Number.POSITIVE_INFINITY, streamFeatures(version));
  const groups = planeGroups(headerChannels(header));
  // The tile grid depends on the models' levels: with a model this build lacks, the header is all we can read.
  let models;
  try {
    models = header.modelIds.map((id) => modelForStream(id));
  } catch {
    return;
  }
  const levels = Math.max(...models.map((m) => flowLevels(m.flow)));
  const total = tileGrid(header.width, header.height, TILE_SIZE, levels).length * groups.length;
  if (r.remaining < 2 * total) throw new FlowzipError('E_TRUNCATED', `stream is truncated (${total} tiles need at least ${2 * total} bytes, ${r.remaining} left)`);
  groups.forEach((g, i) => {
    if (!models[i].causal) return;
    if (!streamFeatures(version).causalModels) throw new FlowzipError('E_CORRUPT', `stream names causal model ${models[i].name}, which format version ${version} cannot hold`);
    readCausalParams(r, g.count);
  });
  const copyPieces = streamFeatures(version).copyPieces;
  for (let i = 0; i < total - 1; i++) {
    const len = Math.floor(r.varint() / (copyPieces ? 4 : 2));
    if (len > r.remaining) throw new FlowzipError('E_TRUNCATED', `stream is truncated (tile ${i + 1} of ${total} needs ${len} bytes, ${r.remaining} left)`);
    r.bytes(len);
  }
  if (r.remaining < 1) throw new FlowzipError('E_TRUNCATED', `stream is truncated (the last of ${total} tiles is missing)`);
  if (r.byte() > (copyPieces ? 2 : 1)) throw new FlowzipError('E_CORRUPT', 'stream has a corrupt tile record');
}
