/**
 * The public API checks its arguments (issue 17, item 3): a wrong type or
 * option is a FlowzipError E_USAGE thrown before any work, for every input
 * (text as well as images) — never a bare TypeError, a misleading code, or a
 * stream that does not decode.
 */
import { describe, expect, it } from 'vitest';
import { compress, decompress, FlowzipError, inspectStream, loadModelFile } from '../src/codec/index.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS_DIR } from './helpers/corpus.js';

const text = Buffer.from('hello hello hello, a text file\n'.repeat(20));

/** The FlowzipError that `f` throws or rejects with (fails when it succeeds or throws something else). */
async function codeOf(f: () => unknown): Promise<string> {
  let error: unknown = null;
  try {
    await f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(FlowzipError);
  return (error as FlowzipError).code;
}

describe('compress / decompress / inspectStream: input type', () => {
  const wrong: Array<[string, unknown]> = [
    ['a string', 'hello'],
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an ArrayBuffer', new ArrayBuffer(16)],
    ['a Uint16Array', new Uint16Array(8)],
    ['a DataView', new DataView(new ArrayBuffer(8))],
    ['a plain array', [1, 2, 3]],
  ];
  for (const [name, value] of wrong) {
    it(`${name} is E_USAGE for all three`, async () => {
      expect(await codeOf(() => compress(value as Uint8Array))).toBe('E_USAGE');
      expect(await codeOf(() => decompress(value as Uint8Array))).toBe('E_USAGE');
      expect(await codeOf(() => inspectStream(value as Uint8Array))).toBe('E_USAGE');
    });
  }

  it('the messages say what was given and how to pass it', async () => {
    await expect(compress('hello' as unknown as Uint8Array)).rejects.toThrow(/got string.*Buffer\.from/);
    await expect(decompress(new ArrayBuffer(4) as unknown as Uint8Array)).rejects.toThrow(/got ArrayBuffer.*new Uint8Array\(buffer\)/);
    await expect(decompress(null as unknown as Uint8Array)).rejects.toThrow(/got null/);
  });

  it('a Buffer, a Uint8Array and a subarray view all round-trip', async () => {
    const big = new Uint8Array(text.length + 10);
    big.set(text, 5);
    for (const input of [text, new Uint8Array(text), big.subarray(5, 5 + text.length)]) {
      const z = await compress(input);
      expect(Buffer.from(await decompress(z)).equals(text)).toBe(true);
      expect(inspectStream(z).originalBytes).toBe(text.length);
    }
  });
});

describe('options are checked whatever the input (text and image)', () => {
  const image = new Uint8Array(readFileSync(join(CORPUS_DIR, 'edge/rgb-13x7.png')));
  const badCompress: Array<[string, unknown, string]> = [
    ['options not an object', 'fast', 'E_USAGE'],
    ['options null', null, 'E_USAGE'],
    ['workers negative', { workers: -1 }, 'E_USAGE'],
    ['workers fractional', { workers: 1.5 }, 'E_USAGE'],
    ['workers a string', { workers: '2' }, 'E_USAGE'],
    ['backend unknown', { backend: 'gpu' }, 'E_USAGE'],
    ['method unknown', { method: 'zip' }, 'E_USAGE'],
    ['effort out of range', { effort: 10 }, 'E_USAGE'],
    ['effort a string', { effort: '5' }, 'E_USAGE'],
    ['maxPixels zero', { maxPixels: 0 }, 'E_USAGE'],
    ['maxPixels a string', { maxPixels: '1G' }, 'E_USAGE'],
    ['model a number', { model: 42 }, 'E_USAGE'],
    ['model an object that is not a model', { model: { name: 'x' } }, 'E_USAGE'],
    ['model an unknown name', { model: 'no-such-model' }, 'E_UNKNOWN_MODEL'],
    ['grayModel an unknown name', { grayModel: 'no-such-model' }, 'E_UNKNOWN_MODEL'],
    ['onProgress not a function', { onProgress: 1 }, 'E_USAGE'],
    ['onWarning not a function', { onWarning: 'log' }, 'E_USAGE'],
  ];
  for (const [name, options, code] of badCompress) {
    it(`compress: ${name} → ${code}`, async () => {
      expect(await codeOf(() => compress(text, options as object))).toBe(code);
      expect(await codeOf(() => compress(image, options as object))).toBe(code);
    });
  }

  it('nothing is done before the check: no progress is reported', async () => {
    let calls = 0;
    expect(await codeOf(() => compress(image, { onProgress: () => calls++, workers: -3 }))).toBe('E_USAGE');
    expect(calls).toBe(0);
  });

  it('decompress options', async () => {
    const z = await compress(text);
    const bad: unknown[] = ['x', { workers: -1 }, { backend: 'gpu' }, { maxPixels: -5 }, { maxOutputBytes: 0 }, { maxOutputBytes: '1G' }, { models: 'photo' }, { models: [{}] }, { onProgress: 3 }];
    for (const options of bad) expect(await codeOf(() => decompress(z, options as object)), JSON.stringify(options)).toBe('E_USAGE');
    expect(Buffer.from(await decompress(z, { maxPixels: Number.POSITIVE_INFINITY, maxOutputBytes: 1e9, workers: 0 })).equals(text)).toBe(true);
  });

  it('loadModelFile needs a path', async () => {
    expect(await codeOf(() => loadModelFile(undefined as unknown as string))).toBe('E_USAGE');
    expect(await codeOf(() => loadModelFile(''))).toBe('E_USAGE');
    expect(await codeOf(() => loadModelFile('/no/such/model.json'))).toBe('E_BAD_MODEL');
  });
});
