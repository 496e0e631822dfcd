/**
 * The causal tile coder's WebAssembly twin (wasm/causal-tile.ts, hosted by
 * codec/causal-tile-wasm.ts) against the TypeScript it mirrors: the committed
 * binary is what the source compiles to; both give the same fit sums, tile
 * streams, samples, final adaptive state and errors, on edge-shaped and random tiles
 * of every stack mode, with escapes, on copy tiles and on tampered streams;
 * every golden stream decodes with the TypeScript alone too; and a tile the
 * twin cannot follow is left to the TypeScript.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { accumulateImageTile, causalCodeLengths, decodeCausalTile, encodeCausalTile, fitImageParams, planImageFit } from '../src/codec/causal-coder.js';
import { causalWasmActive, decodeCopyTwin, decodeTileTwin, encodeCopyTwin, encodeTileTwin, setCausalWasm } from '../src/codec/causal-tile-wasm.js';
import { decodeCopyTile, encodeCopyTile } from '../src/codec/copy-causal-coder.js';
import { decompress } from '../src/codec/index.js';
import { CausalKernel, type CausalParams } from '../src/flows/causal-kernel.js';
import type { StackMode } from '../src/flows/causal-stack.js';
import { planeRanges } from '../src/flows/ycocg.js';
import { ESCAPE_BITS } from '../src/quant/logistic-cdf.js';
import { binaryModule, compileCausalWasm, WASM_MODULE } from '../scripts/build-wasm.js';
import { goldenDecompressOptions, readGoldenManifest } from '../scripts/golden-manifest.js';
import { CORPUS_DIR } from './helpers/corpus.js';
import { mulberry32 } from './helpers/prng.js';
import { tileImage as image } from './helpers/tile-image.js';

const STACKS: StackMode[] = ['off', 'nlms', 'rls'];
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const same = (a: Uint8Array, b: Uint8Array) => Buffer.from(a).equals(Buffer.from(b));

/** Runs `f` with the twin on (true) or off (false). */
function withTwin<T>(on: boolean, f: () => T): T {
  setCausalWasm(on);
  try {
    return f();
  } finally {
    setCausalWasm(true);
  }
}

/** The adaptive state a tile coder leaves its kernel in (CausalKernel.snapshot). */
function finalState(code: (onKernel: (k: CausalKernel) => void) => unknown): Float64Array {
  let snap: Float64Array | null = null;
  code((k) => (snap = k.snapshot()));
  return snap!;
}

const SHAPES: Array<[number, number, 1 | 3]> = [
  [1, 1, 3],
  [1, 1, 1],
  [1, 37, 3],
  [37, 1, 3],
  [2, 2, 1],
  [3, 5, 3],
  [96, 80, 3],
  [64, 9, 1],
  [256, 256, 3],
];

afterEach(() => setCausalWasm(true));

describe('causal tile twin (WebAssembly)', () => {
  it('is what wasm/causal-tile.ts compiles to, and runs here', async () => {
    expect(readFileSync(WASM_MODULE, 'utf8')).toBe(binaryModule(await compileCausalWasm()));
    expect(causalWasmActive()).toBe(true);
    expect(withTwin(false, () => causalWasmActive())).toBe(false);
  }, 60_000);

  it('codes the same tile streams as the TypeScript, decodes both sides, and ends in the same adaptive state', () => {
    SHAPES.forEach(([w, h, count], k) => {
      for (const spiky of [false, true]) {
        const data = image(w, h, count, 10 + k, spiky);
        const params = fitImageParams(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], 4);
        for (const stack of STACKS) {
          const what = `${w}x${h}x${count} ${stack}${spiky ? ' spiky' : ''}`;
          const ts = withTwin(false, () => encodeCausalTile(data, w, h, count, params, stack));
          const wasm = encodeCausalTile(data, w, h, count, params, stack);
          expect(same(wasm, ts), what).toBe(true);
          const encTs = withTwin(false, () => finalState((on) => encodeCausalTile(data, w, h, count, params, stack, on)));
          const encWasm = finalState((on) => encodeCausalTile(data, w, h, count, params, stack, on));
          const decWasm = finalState((on) => expect(same(decodeCausalTile(ts, w, h, count, params, stack, on), data), what).toBe(true));
          const decTs = withTwin(false, () => finalState((on) => expect(same(decodeCausalTile(wasm, w, h, count, params, stack, on), data), what).toBe(true)));
          expect(Buffer.from(encWasm.buffer).equals(Buffer.from(encTs.buffer)), what).toBe(true);
          expect(Buffer.from(decWasm.buffer).equals(Buffer.from(encTs.buffer)), what).toBe(true);
          expect(Buffer.from(decTs.buffer).equals(Buffer.from(encTs.buffer)), what).toBe(true);
        }
      }
    });
  });

  it("adds up the encoder's fit to the same sums as the TypeScript", () => {
    SHAPES.forEach(([w, h, count], k) => {
      for (const spiky of [false, true]) {
        const data = image(w, h, count, 70 + k, spiky);
        for (const maxClasses of [1, 4, 8]) {
          const plan = planImageFit(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], maxClasses);
          const ts = withTwin(false, () => accumulateImageTile(data, w, h, count, plan));
          const wasm = accumulateImageTile(data, w, h, count, plan);
          expect(Buffer.from(wasm.buffer).equals(Buffer.from(ts.buffer)), `${w}x${h}x${count} K ≤ ${maxClasses}${spiky ? ' spiky' : ''}`).toBe(true);
        }
      }
    });
  });

  it('escapes samples outside the window exactly as the TypeScript does', () => {
    const [w, h, count] = [96, 80, 3] as const;
    const data = image(w, h, count, 5, true);
    const params = fitImageParams(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], 4);
    for (const stack of STACKS) {
      const escapes = causalCodeLengths(data, w, h, count, params, stack).filter((b) => b === ESCAPE_BITS).length;
      expect(escapes, stack).toBeGreaterThan(5);
      const ts = withTwin(false, () => encodeCausalTile(data, w, h, count, params, stack));
      expect(same(encodeCausalTile(data, w, h, count, params, stack), ts), stack).toBe(true);
      expect(same(decodeCausalTile(ts, w, h, count, params, stack), data), stack).toBe(true);
    }
  });

  it('codes copy tiles (one- and two-rate bits) to the same streams as the TypeScript', () => {
    SHAPES.forEach(([w, h, count], k) => {
      for (const spiky of [false, true]) {
        const data = image(w, h, count, 40 + k, spiky);
        const params = fitImageParams(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], 4);
        for (const stack of STACKS) {
          for (const twoRateBits of [false, true]) {
            const what = `${w}x${h}x${count} ${stack}${spiky ? ' spiky' : ''}${twoRateBits ? ' two-rate' : ''}`;
            const ts = withTwin(false, () => encodeCopyTile(data, w, h, count, params, stack, { twoRateBits }));
            expect(same(encodeCopyTile(data, w, h, count, params, stack, { twoRateBits }), ts), what).toBe(true);
            expect(same(decodeCopyTile(ts, w, h, count, params, stack, { twoRateBits }), data), what).toBe(true);
            expect(
              same(
                withTwin(false, () => decodeCopyTile(ts, w, h, count, params, stack, { twoRateBits })),
                data,
              ),
              what,
            ).toBe(true);
          }
        }
      }
    });
  });

  it('refuses tampered and truncated streams exactly as the TypeScript does', () => {
    const [w, h, count] = [40, 30, 3] as const;
    const data = image(w, h, count, 77);
    const params = fitImageParams(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], 4);
    const outcome = (code: () => Uint8Array): string => {
      try {
        return `ok ${sha(code())}`;
      } catch (e) {
        return `${(e as { code?: string }).code} ${(e as Error).message}`;
      }
    };
    const r = mulberry32(9);
    let refused = 0;
    for (const stack of STACKS) {
      for (const copy of [false, true]) {
        const z = copy ? encodeCopyTile(data, w, h, count, params, stack) : encodeCausalTile(data, w, h, count, params, stack);
        const variants: Uint8Array[] = [];
        for (let n = 0; n < z.length; n += Math.max(1, z.length >> 5)) variants.push(z.slice(0, n));
        for (let k = 0; k < 60; k++) {
          const t = z.slice();
          t[Math.floor(r() * t.length)] ^= 1 << Math.floor(r() * 8);
          variants.push(t);
        }
        variants.push(Uint8Array.from([...z, 0]));
        for (const v of variants) {
          const decode = () => (copy ? decodeCopyTile(v, w, h, count, params, stack) : decodeCausalTile(v, w, h, count, params, stack));
          const got = outcome(decode);
          expect(got).toBe(withTwin(false, () => outcome(decode)));
          if (!got.startsWith('ok')) refused++;
        }
      }
    }
    expect(refused).toBeGreaterThan(100);
  });

  it('leaves a tile it cannot follow (a prediction beyond its range) to the TypeScript, untouched', () => {
    const [w, h, count] = [8, 6, 3] as const;
    const data = image(w, h, count, 3);
    const params: CausalParams = fitImageParams(data, w, count, 0, count, [{ x: 0, y: 0, w, h }], 4);
    const { lo, hi, mids } = planeRanges(count);
    const blown = () => {
      const k = new CausalKernel(count, w, h, lo, hi, mids, params, 'nlms');
      k.state().sw.fill(1e300); // the stack's weights of an unstable learner
      return k;
    };
    const planes = new Int32Array(w * h * count);
    const kernel = blown();
    const before = kernel.snapshot();
    expect(encodeTileTwin(kernel, planes, true)).toBeNull();
    expect(decodeTileTwin(kernel, new Uint8Array([1, 0, 0, 0]), true)).toBe(false);
    expect(Buffer.from(kernel.snapshot().buffer).equals(Buffer.from(before.buffer))).toBe(true);
    expect(encodeCopyTwin(blown(), planes, true)).toBeNull();
    // A real stream, so that its first pixel reaches the kernel (no copy candidates yet, cache bit 0).
    const copyStream = withTwin(false, () => encodeCopyTile(data, w, h, count, params, 'nlms'));
    expect(decodeCopyTwin(blown(), copyStream, true)).toBe(false);
  });

  it('every golden stream also decodes with the TypeScript kernel alone', async () => {
    const manifest = readGoldenManifest().filter((g) => g.formatVersion >= 5);
    expect(manifest.length).toBeGreaterThan(10);
    setCausalWasm(false);
    for (const g of manifest) {
      const z = new Uint8Array(readFileSync(`${CORPUS_DIR}golden/${g.stream}`));
      const out = await decompress(z, { ...goldenDecompressOptions(g), workers: 1 });
      expect(sha(out), g.stream).toBe(g.decodedSha256);
    }
  }, 120_000);
});
