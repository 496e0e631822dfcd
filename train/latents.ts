/**
 * Turns a batch of tiles into per-group training tensors: the integer flow's
 * fixed transform (model zero's couplings) gives, for every level and group,
 * the prior net's context planes and the latents it must predict.
 */
import { forward } from '../src/flows/flow.js';
import { groupsPerLevel, OUT_SCALE, planesPerGroup, slotKey, type LearnedArch } from '../src/flows/arch.js';
import { realPositions } from '../src/flows/padding.js';
import { groupPositions, paramsPerChannel, type FlowSpec } from '../src/flows/spec.js';
import type { NetRunner } from '../src/quant/runner.js';
import type { TrainTile } from './data.js';

/** Training tensors (as flat Float32 arrays, NHWC) of one group at one level. */
export interface GroupBatch {
  key: string;
  level: number;
  group: number;
  h: number;
  w: number;
  cin: number;
  /** [B, h, w, cin] context (integers as floats). */
  ctx: Float32Array;
  /** Planes the group codes (C, or 1 with channelSplit). */
  planes: number;
  /** [B, h, w, planes] targets (zero outside the phase). */
  z: Float32Array;
  /** [B, h, w] 1 on the positions the codec codes: the group's phase, minus the padding a pixel-exact flow skips. */
  mask: Float32Array;
  /** [B, h, w, cout] model zero's parameters in float units, broadcast to the net's output layout (residual architectures). */
  base?: Float32Array;
}

/** Builds GroupBatch for every (level, group) from B tiles of patch×patch. */
export function latentBatch(arch: LearnedArch, skeleton: FlowSpec, runner: NetRunner, tiles: TrainTile[], patch: number): GroupBatch[] {
  const B = tiles.length,
    C = planesPerGroup(arch),
    G = groupsPerLevel(arch);
  const perTile = tiles.map((t) => forward(skeleton, runner, t.planes, patch, patch, { params: false, context: true }).slice(1)); // drop top
  const skips = tiles.map((t) => realPositions(skeleton, patch, patch, t.h, t.w));
  const out: GroupBatch[] = [];
  perTile[0].forEach((g0, i) => {
    const level = arch.levels - Math.floor(i / G);
    const group = i % G;
    const { h, w } = g0;
    const n = h * w,
      cin = g0.context!.length;
    const ctx = new Float32Array(B * n * cin),
      z = new Float32Array(B * n * C);
    perTile.forEach((groups, b) => {
      const g = groups[i];
      g.context!.forEach((p, c) => {
        for (let k = 0; k < n; k++) ctx[(b * n + k) * cin + c] = p[k];
      });
      g.values.forEach((p, c) => {
        for (let k = 0; k < n; k++) z[(b * n + k) * C + c] = p[k];
      });
    });
    const mask = new Float32Array(B * n);
    skips.forEach((skip, b) => {
      for (const k of skip ? skip[i + 1] : groupPositions(g0.group.phase, h, w)) mask[b * n + k] = 1;
    });
    let base: Float32Array | undefined;
    if (g0.group.base) {
      const K = arch.mixture,
        cout = paramsPerChannel(K) * C;
      base = new Float32Array(B * n * cout);
      perTile.forEach((groups, b) => {
        const planes = runner.run(g0.group.base!, groups[i].context!, h, w); // [mean_j…, logscale_j…]
        for (let kind = 0; kind < 2; kind++) {
          for (let k = 0; k < K; k++) {
            for (let j = 0; j < C; j++) {
              const o = (kind * K + k) * C + j,
                p = planes[kind * C + j];
              for (let q = 0; q < n; q++) base![(b * n + q) * cout + o] = p[q] / OUT_SCALE;
            }
          }
        }
      });
    }
    out.push({ key: slotKey(arch, level, group), level, group, h, w, cin, planes: C, ctx, z, mask, ...(base ? { base } : {}) });
  });
  return out;
}
