/**
 * Measures model zero's ideal code length (bpsp) on PNG files, for tuning its
 * scale rule on TRAINING images (never on eval sets).
 * Usage: node dist/scripts/model-zero-eval.js [--set key=value ...] FILE.png ...
 */
import { readFileSync } from 'node:fs';
import { decode } from 'fast-png';
import { buildModelZero, MODEL_ZERO_DEFAULTS, type ModelZeroParams } from '../src/flows/model-zero.js';
import { flowLevels } from '../src/flows/spec.js';
import { createRunner } from '../src/quant/runner.js';
import { extractTile, tileGrid } from '../src/codec/tiling.js';
import { tileCodeLengths, totalBits as codeLengthSum } from '../src/codec/tile-coder.js';

const args = process.argv.slice(2);
const over: Record<string, unknown> = {};
const files: string[] = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--set') {
    const [k, v] = args[++i].split('=');
    over[k] = v.includes(',') ? v.split(',').map(Number) : Number(v);
  } else files.push(args[i]);
}
const runner = (await createRunner('reference'))!;
let totalBits = 0,
  totalSub = 0;
for (const f of files) {
  const img = decode(readFileSync(f));
  const C = img.channels >= 3 ? 3 : 1;
  const p = { ...MODEL_ZERO_DEFAULTS, channels: C, ...over } as ModelZeroParams;
  const flow = buildModelZero(p);
  const L = flowLevels(flow);
  let bits = 0;
  const bandBits = new Map<string, number>();
  for (const r of tileGrid(img.width, img.height, 256, L)) {
    const tile = extractTile(img.data, img.width, img.channels, 0, C, r);
    const res = tileCodeLengths(flow, runner, tile, r.ph, r.pw);
    res.forEach((g, gi) => {
      const s = codeLengthSum([g]);
      bits += s;
      const key = gi === 0 ? 'top' : `g${(gi - 1) % 6}`;
      bandBits.set(key, (bandBits.get(key) ?? 0) + s);
    });
  }
  const sub = img.width * img.height * C;
  totalBits += bits;
  totalSub += sub;
  console.log(`${f.split('/').pop()} ${img.width}x${img.height}x${C} ${(bits / sub).toFixed(3)} bpsp  ` + [...bandBits].map(([k, v]) => `${k}:${(v / sub).toFixed(3)}`).join(' '));
}
console.log(`TOTAL ${(totalBits / totalSub).toFixed(4)} bpsp over ${files.length} files`);
