/**
 * Method 3 `chunked` and endless input (issue 17, item 1): non-image input
 * longer than the CLI reads into memory is coded in chunks as it is read, in
 * constant memory — `compress /dev/zero` and `cat /dev/zero | compress -c`
 * run at a bounded RSS (checked over 5 s in child processes; generous bound).
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkRecords, CHUNK_BYTES, decodeChunkedStream, encodeChunked, MAX_CHUNK_BYTES } from '../src/codec/chunked.js';
import { ByteWriter } from '../src/codec/bytes.js';
import { crcOf, FORMAT_VERSION, frame, Method } from '../src/codec/container.js';
import { decompress, FlowzipError, inspectStream } from '../src/codec/index.js';
import { checkStreamStructure } from '../src/codec/stream-check.js';
import { CORPUS_DIR } from './helpers/corpus.js';
import { runCli, scratchFolders } from './helpers/cli.js';
import { mulberry32 } from './helpers/prng.js';
import { runCliFor, runCliRss } from './helpers/rss.js';
import { WHOLE_INPUT_BYTES, wholeInputBytes } from '../src/cli/io.js';
import { writePngChunks } from '../src/codec/formats/png-chunks.js';

const newDir = scratchFolders('flowzip-chunked-');
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function collect(pieces: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  for await (const p of pieces) parts.push(p);
  return Buffer.concat(parts);
}
async function* from(...pieces: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* pieces;
}

/** Seeded random bytes. */
function noise(n: number, seed: number): Uint8Array {
  const rand = mulberry32(seed),
    out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (rand() * 256) | 0;
  return out;
}

const corpus = (name: string) => new Uint8Array(readFileSync(join(CORPUS_DIR, name)));
/** A stream as the current version writes it: the chunked method's bytes are the same in every version from 5, only the version nibble differs. */
const asWritten = (z: Uint8Array) => {
  const out = z.slice();
  out[2] = (FORMAT_VERSION << 4) | (z[2] & 0x0f);
  return out;
};
const goldenSource = () => Buffer.concat([corpus('edge/text-gpl3-head.txt'), corpus('edge/random-4096.bin')]);

describe('chunked method (library)', () => {
  it('golden v5-chunked-text-random.fz (text + random-4096 in 3000-byte chunks) decodes byte-exact and re-encodes identically', async () => {
    const z = corpus('golden/v5-chunked-text-random.fz');
    expect(sha(z)).toBe('21dc49a276918166d6b2022600fb1c73921b83ccca4aedc55fcf1169999e5f5b');
    const out = await decompress(z);
    expect(sha(out)).toBe('ecb48b26983c9af65c2598c7c8cdaff5f8b6e7324cb2fadac112aa0e0cb47478');
    expect(Buffer.from(out).equals(goldenSource())).toBe(true);
    expect(sha(await collect(encodeChunked(from(goldenSource()), 3000)))).toBe(sha(asWritten(z)));
    // Both kinds of record: the text chunks are brotli, the random ones stored.
    const body = z.subarray(3, z.length - 4);
    expect([...chunkRecords(body)].map((c) => c.rawLength)).toEqual([3000, 3000, 2155]);
    expect(new Set([...chunkRecords(body)].map((c) => c.kind))).toEqual(new Set([0, 1]));
    expect(inspectStream(z)).toMatchObject({ method: 'chunked', originalBytes: 8155 });
    await expect(checkStreamStructure(z)).resolves.toBeUndefined();
  });

  it('the source may come in pieces of any size: same stream', async () => {
    const src = goldenSource();
    const pieces = [src.subarray(0, 1), src.subarray(1, 2999), src.subarray(2999, 3001), src.subarray(3001)];
    expect(sha(await collect(encodeChunked(from(...pieces), 3000)))).toBe(sha(asWritten(corpus('golden/v5-chunked-text-random.fz'))));
    // An empty source: frame, end marker, CRC of nothing.
    const empty = await collect(encodeChunked(from()));
    expect(empty.length).toBe(8);
    expect((await decompress(empty)).length).toBe(0);
  });

  it('corrupt, truncated and hostile chunked streams are refused with typed errors', async () => {
    const z = corpus('golden/v5-chunked-text-random.fz');
    const codes: string[] = [];
    for (const bad of [z.subarray(0, z.length >> 1), z.subarray(0, z.length - 5), Buffer.concat([z.subarray(0, z.length - 4), Buffer.from([0]), z.subarray(z.length - 4)])]) {
      const e = await decompress(bad).then(
        () => null,
        (x: unknown) => x,
      );
      expect(e).toBeInstanceOf(FlowzipError);
      codes.push((e as FlowzipError).code);
      await expect(checkStreamStructure(bad)).rejects.toBeInstanceOf(FlowzipError);
    }
    expect(codes.every((c) => ['E_TRUNCATED', 'E_CORRUPT', 'E_CHECKSUM'].includes(c))).toBe(true);
    // A chunk over the limit, and a brotli chunk whose data is not brotli.
    const big = frame(
      Method.Chunked,
      new ByteWriter()
        .varint(MAX_CHUNK_BYTES + 1)
        .byte(0)
        .finish(),
      0,
    );
    await expect(decompress(big)).rejects.toMatchObject({ code: 'E_CORRUPT' });
    const fake = frame(
      Method.Chunked,
      new ByteWriter()
        .varint(10)
        .byte(1)
        .varint(3)
        .bytes(Uint8Array.of(1, 2, 3))
        .varint(0)
        .finish(),
      0,
    );
    await expect(decompress(fake)).rejects.toMatchObject({ code: 'E_CORRUPT' });
    // Declared output over maxOutputBytes: E_LIMIT before decoding.
    const data = new TextEncoder().encode('x'.repeat(100));
    const small = frame(Method.Chunked, new ByteWriter().varint(100).byte(0).bytes(data).varint(0).finish(), crcOf(data));
    expect(Buffer.from(await decompress(small)).toString()).toBe('x'.repeat(100));
    await expect(decompress(small, { maxOutputBytes: 99 })).rejects.toMatchObject({ code: 'E_LIMIT' });
  });
});

describe('chunked method: decoding as a stream', () => {
  const golden = () => corpus('golden/v5-chunked-text-random.fz');
  const bytesOf = (z: Uint8Array) => Array.from({ length: z.length }, (_, i) => z.subarray(i, i + 1));
  const failure = async (z: Uint8Array, limit?: number) => {
    const e = await collect(decodeChunkedStream(from(...bytesOf(z)), limit)).then(
      () => null,
      (x: unknown) => x,
    );
    expect(e).toBeInstanceOf(FlowzipError);
    return (e as FlowzipError).code;
  };

  it('the golden stream fed a byte at a time decodes to its source', async () => {
    expect(Buffer.from(await collect(decodeChunkedStream(from(...bytesOf(golden()))))).equals(goldenSource())).toBe(true);
  });

  it('truncated, padded, bad CRC, over the limit, not chunked: typed errors', async () => {
    const z = golden();
    expect(await failure(z.subarray(0, z.length - 1))).toBe('E_TRUNCATED');
    expect(await failure(z.subarray(0, 1000))).toBe('E_TRUNCATED');
    expect(await failure(Buffer.concat([z, Buffer.from([0])]))).toBe('E_CORRUPT');
    const badCrc = Buffer.from(z);
    badCrc[badCrc.length - 1] ^= 1;
    expect(await failure(badCrc)).toBe('E_CHECKSUM');
    expect(await failure(z, 8000)).toBe('E_LIMIT');
    expect(await failure(corpus('golden/v5-empty.bin.fz'))).toBe('E_CORRUPT');
  });
});

describe('what compress reads whole', () => {
  it('a PNG the flow may code (not interlaced) or a binary PNM: up to 5 bytes a pixel of the limit; anything else: 32 MiB', () => {
    const png = (w: number, h: number, depth: number, type: number, interlace = 0) => {
      const ihdr = new Uint8Array(13);
      new DataView(ihdr.buffer).setUint32(0, w);
      new DataView(ihdr.buffer).setUint32(4, h);
      ihdr.set([depth, type, 0, 0, interlace], 8);
      return Buffer.concat([writePngChunks([{ type: 'IHDR', data: ihdr }]), Buffer.alloc(64)]);
    };
    const limit = 2 ** 26,
      image = limit * 5 + (1 << 20);
    expect(wholeInputBytes(png(8192, 8192, 8, 6), limit)).toBe(image);
    expect(wholeInputBytes(png(8192, 8193, 8, 6), limit)).toBe(WHOLE_INPUT_BYTES);
    // From format 6, 16-bit and palette PNGs are images too.
    expect(wholeInputBytes(png(100, 100, 16, 6), limit)).toBe(image);
    expect(wholeInputBytes(png(100, 100, 8, 3), limit)).toBe(image);
    expect(wholeInputBytes(png(100, 100, 8, 2, 1), limit)).toBe(WHOLE_INPUT_BYTES);
    expect(wholeInputBytes(Buffer.from('P6\n100 100\n255\n'), limit)).toBe(image);
    expect(wholeInputBytes(Buffer.from('P3\n100 100\n255\n'), limit)).toBe(WHOLE_INPUT_BYTES);
    expect(wholeInputBytes(noise(64, 1), limit)).toBe(WHOLE_INPUT_BYTES);
    expect(wholeInputBytes(png(8192, 8192, 8, 6), 2 ** 28)).toBe(2 ** 28 * 5 + (1 << 20));
    expect(wholeInputBytes(png(8192, 8192, 8, 6), 1e9)).toBe(2 ** 31);
  });
});

describe('CLI: large and endless non-image input', () => {
  it('a 40 MB file (over the 32 MiB read whole) is coded chunked as it is read, and round-trips; info and test agree', () => {
    const dir = newDir();
    const src = Buffer.concat([noise(12 << 20, 7), Buffer.alloc(16 << 20, 0x41), noise(12 << 20, 8)]);
    writeFileSync(join(dir, 'big.bin'), src);
    let r = runCli(['compress', '-v', 'big.bin'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/chunked/);
    const z = new Uint8Array(readFileSync(join(dir, 'big.bin.fz')));
    expect(inspectStream(z)).toMatchObject({ method: 'chunked', originalBytes: src.length });
    expect(z.length).toBeLessThan(src.length - (15 << 20));
    expect([...chunkRecords(z.subarray(3, z.length - 4))].length).toBe(Math.ceil(src.length / CHUNK_BYTES));
    r = runCli(['info', 'big.bin.fz'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(runCli(['test', 'big.bin.fz'], { cwd: dir }).status).toBe(0);
    r = runCli(['decompress', '-c', 'big.bin.fz'], { cwd: dir });
    expect(sha(r.stdout)).toBe(sha(src));
    // stdin gives the same stream.
    r = runCli(['compress', '-c'], { cwd: dir, input: src });
    expect(sha(r.stdout)).toBe(sha(z));
  });

  it('--rm removes an input coded in chunks only after the stream on disk decodes to it', () => {
    const dir = newDir();
    const src = Buffer.concat([noise(20 << 20, 11), Buffer.alloc(14 << 20, 7)]);
    writeFileSync(join(dir, 'big.bin'), src);
    let r = runCli(['compress', '--rm', '-v', 'big.bin'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/chunked.*big\.bin removed/);
    expect(readdirSync(dir)).toEqual(['big.bin.fz']);
    r = runCli(['decompress', 'big.bin.fz'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(sha(readFileSync(join(dir, 'big.bin')))).toBe(sha(src));
  });

  it('a 2 KB chunked stream of 400 MB of zeros: decompress and test run in bounded memory; a cut one leaves nothing', async () => {
    const dir = newDir();
    const zeros = new Uint8Array(CHUNK_BYTES);
    async function* source() {
      for (let i = 0; i < 50; i++) yield zeros;
    }
    const z = await collect(encodeChunked(source()));
    expect(z.length).toBeLessThan(4000);
    writeFileSync(join(dir, 'zeros.fz'), z);
    writeFileSync(join(dir, 'cut.fz'), z.subarray(0, z.length >> 1));
    let r = runCliRss(['decompress', 'zeros.fz'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.maxRssMiB).toBeLessThan(300);
    expect(statSync(join(dir, 'zeros')).size).toBe(50 * CHUNK_BYTES);
    r = runCliRss(['test', 'zeros.fz'], { cwd: dir });
    expect(r.status, r.stderr).toBe(0);
    expect(r.maxRssMiB).toBeLessThan(300);
    r = runCliRss(['decompress', 'cut.fz'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cut\.fz: stream is truncated/);
    expect(readdirSync(dir).sort()).toEqual(['cut.fz', 'zeros', 'zeros.fz']);
  }, 60_000);

  const devZero = existsSync('/dev/zero') && existsSync('/proc/self/status');
  it.skipIf(!devZero)(
    'compress -c /dev/zero runs 5 s at a bounded RSS (≤ 300 MiB), writing as it goes',
    async () => {
      const r = await runCliFor(['compress', '-c', '/dev/zero'], 5000);
      expect(r.maxRssMiB).toBeLessThan(300);
      expect(r.stdoutBytes).toBeGreaterThan(100);
    },
    60_000,
  );

  it.skipIf(!devZero)(
    'cat /dev/zero | compress -c runs 5 s at a bounded RSS (≤ 300 MiB)',
    async () => {
      const r = await runCliFor(['compress', '-c'], 5000, { stdinZeros: true });
      expect(r.maxRssMiB).toBeLessThan(300);
      expect(r.stdoutBytes).toBeGreaterThan(100);
    },
    60_000,
  );

  it.skipIf(!devZero)(
    'compress /dev/zero -o FILE: bounded RSS, and the killed run leaves no final file',
    async () => {
      const dir = newDir();
      const r = await runCliFor(['compress', '-o', 'zero.fz', '/dev/zero'], 5000, { cwd: dir });
      expect(r.maxRssMiB).toBeLessThan(300);
      expect(existsSync(join(dir, 'zero.fz'))).toBe(false);
    },
    60_000,
  );
});
