import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compress, decompress, inspectStream } from '../src/codec/index.js';
import { inspectImage } from '../src/codec/inspect.js';
import { planeModels } from '../src/codec/model-choice.js';
import { defaultModel, resolveModel, shippedCandidates, shippedModels, shippedNames } from '../src/codec/models.js';
import { copyInto, listDir, makeTempDir, runCli } from './helpers/cli.js';

const ROOT = new URL('..', import.meta.url).pathname;
const file = (rel: string) => new Uint8Array(readFileSync(join(ROOT, 'corpus', rel)));
const names = (channels: 1 | 2 | 3 | 4, choice: Parameters<typeof planeModels>[1]) => planeModels(channels, choice).map((m) => m.name);
const usage = { code: 'E_USAGE' };

describe('model per plane (codec/model-choice.ts)', () => {
  const dc = defaultModel(3).name,
    dg = defaultModel(1).name;

  it('defaults: the colour default for colour planes, the gray default for gray and alpha', () => {
    expect(names(1, {})).toEqual([dg]);
    expect(names(2, {})).toEqual([dg, dg]);
    expect(names(3, {})).toEqual([dc]);
    expect(names(4, {})).toEqual([dc, dg]);
  });

  it('a model codes the planes of its channel count; the others keep their default', () => {
    expect(names(3, { model: 'zero-rgb' })).toEqual(['zero-rgb']);
    expect(names(4, { model: 'zero-rgb' })).toEqual(['zero-rgb', dg]);
    expect(names(1, { model: 'zero-gray' })).toEqual(['zero-gray']);
    expect(names(2, { model: 'zero-gray' })).toEqual(['zero-gray', 'zero-gray']);
    expect(names(4, { model: 'zero-gray' })).toEqual([dc, 'zero-gray']);
    expect(names(4, { grayModel: 'zero-gray' })).toEqual([dc, 'zero-gray']);
  });

  it('a colour and a gray model together code every kind of image (as --fast does)', () => {
    const fast = { model: 'zero-rgb', grayModel: 'zero-gray' };
    expect(names(1, fast)).toEqual(['zero-gray']);
    expect(names(2, fast)).toEqual(['zero-gray', 'zero-gray']);
    expect(names(3, fast)).toEqual(['zero-rgb']);
    expect(names(4, fast)).toEqual(['zero-rgb', 'zero-gray']);
  });

  it('a model that cannot code the image is E_USAGE, never replaced by a default', () => {
    for (const ch of [1, 2] as const) expect(() => planeModels(ch, { model: 'zero-rgb' })).toThrow(expect.objectContaining(usage));
    expect(() => planeModels(3, { model: 'zero-gray' })).toThrow(expect.objectContaining(usage));
    for (const ch of [1, 2, 3, 4] as const) expect(() => planeModels(ch, { grayModel: 'zero-rgb' })).toThrow(expect.objectContaining(usage));
    expect(() => planeModels(1, { model: 'zero-rgb' })).toThrow(/zero-rgb .*this image is gray/);
  });

  it('loaded models and unknown names', () => {
    const m = resolveModel('zero-gray');
    expect(planeModels(1, { model: m })[0]).toBe(m);
    expect(() => planeModels(1, { model: 'no-such-model' })).toThrow(expect.objectContaining({ code: 'E_UNKNOWN_MODEL' }));
  });

  it('compress and inspect follow the same rule', async () => {
    const gray = file('photos/gray-camera-160x120.png'),
      rgb = file('photos/rgb-hopper-150x97.png');
    await expect(compress(gray, { model: 'zero-rgb' })).rejects.toMatchObject(usage);
    await expect(inspectImage(gray, { model: 'zero-rgb' })).rejects.toMatchObject(usage);
    await expect(compress(rgb, { model: 'zero-gray' })).rejects.toMatchObject(usage);
    await expect(inspectImage(rgb, { model: 'zero-gray' })).rejects.toMatchObject(usage);
    const rgba = file('edge/rgba-ladybird-96x64.png');
    const opts = { model: 'zero-rgb', grayModel: 'zero-gray', method: 'flow' as const, workers: 1 };
    const fz = await compress(rgba, opts);
    expect(inspectStream(fz).image?.models.map((x) => x.name)).toEqual(['zero-rgb', 'zero-gray']);
    expect((await inspectImage(rgba, opts)).models).toEqual(['zero-rgb', 'zero-gray']);
    expect(Buffer.from(await decompress(fz)).length).toBeGreaterThan(0);
  });

  it('the CLI reports a model that cannot code a file as that file’s error, and writes nothing for it', () => {
    const dir = makeTempDir();
    const [gray] = copyInto(dir, [join(ROOT, 'corpus/photos/gray-camera-160x120.png')]);
    for (const args of [
      ['compress', '--model', 'zero-rgb', gray],
      ['inspect', '--json', '--model', 'zero-rgb', gray],
    ]) {
      const r = runCli(args, { cwd: dir });
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/model zero-rgb codes colour \(3-channel\) planes and this image is gray/);
    }
    expect(listDir(dir)).toEqual([gray]);
  });
});

describe('shipped models known before they are parsed (automatic model choice)', () => {
  it('each file announces the kind and channel count its parsed model has, and names and ids match', () => {
    const candidates = shippedCandidates();
    const models = shippedModels();
    expect(candidates.map((c) => [c.name, c.id, c.channels, c.counts, c.causal])).toEqual(models.map((m) => [m.name, m.id, m.flow.channels, !!m.counts, !!m.causal]));
    expect(candidates.some((c) => c.causal)).toBe(true);
    expect(shippedNames()).toEqual(models.map((m) => ({ name: m.name, id: m.id })));
    expect(candidates.some((c) => c.counts)).toBe(true);
    for (const c of candidates) expect(c.load()).toBe(models.find((m) => m.id === c.id));
  });
});
