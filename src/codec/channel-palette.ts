/**
 * Channel palettes of the causal coder (format 5): a channel that uses only
 * some of the 256 sample values (a contrast-stretched scan, a quantised or
 * posterised image) is coded as the index of each sample among the values
 * it uses — a monotone bijection, so neighbours keep their order and the
 * predictor works on indices as on values, but no probability goes to values
 * the image never has. The values travel with the causal parameters.
 *
 *   byte flags                bit c: channel c of the plane group is packed
 *   per packed channel:       32 bytes, bit v (byte v >> 3, bit v & 7) set when value v is used
 */
import { ByteReader, ByteWriter } from './bytes.js';
import { FlowzipError } from './errors.js';

/** Per channel of a plane group: its used values in increasing order (index → value), or null (not packed). */
export type ChannelValues = Array<Uint8Array | null>;

/** A channel may be packed when its values fill at most this share of the span between its smallest and largest. */
const PACK_SHARE = 0.85;

/** The used values of channel `first + c` of interleaved samples (`channels` per pixel), c < count. */
function usedValues(samples: Uint8Array, channels: number, ch: number): Uint8Array {
  const seen = new Uint8Array(256);
  for (let i = ch; i < samples.length; i += channels) seen[samples[i]] = 1;
  const out: number[] = [];
  for (let v = 0; v < 256; v++) if (seen[v]) out.push(v);
  return Uint8Array.from(out);
}

/**
 * Estimated bits of channel `ch` (through `map` when given) under a smooth
 * residual model — what the causal coder's logistic resembles: a Laplace
 * whose scale is the mean |residual| of the MED predictor (LOCO-I), costing
 * log2(2e·b) bits a sample (b at least 1/2). A smooth model spreads
 * probability over values the image never has; coding indices does not.
 */
function smoothBits(samples: Uint8Array, channels: number, ch: number, width: number, map: Int16Array | null): number {
  const at = (i: number) => (map ? map[samples[i * channels + ch]] : samples[i * channels + ch]);
  const n = samples.length / channels;
  let sum = 0,
    count = 0;
  for (let i = width + 1; i < n; i++) {
    if (i % width === 0) continue;
    const W = at(i - 1),
      N = at(i - width),
      NW = at(i - width - 1);
    const mx = W > N ? W : N,
      mn = W > N ? N : W;
    const pred = NW >= mx ? mn : NW <= mn ? mx : W + N - NW;
    sum += Math.abs(at(i) - pred);
    count++;
  }
  return count * Math.log2(2 * Math.E * Math.max(0.5, sum / Math.max(1, count)));
}

/**
 * The encoder's choice for plane group (first, count) of a `width`-wide
 * image: every channel packed when each one's values fill at most PACK_SHARE
 * of its span (a colour group is packed whole or not at all, so YCoCg-R
 * still sees channels on the same scale) and a smooth residual model
 * (smoothBits) costs fewer bits on indices than on values, by more than the
 * bitmaps' 32 bytes a channel and 2 % of the values' bits; else none. (An encoder-side estimate: the
 * choice itself travels in the stream.)
 */
export function chooseChannelValues(samples: Uint8Array, width: number, channels: number, first: number, count: number): ChannelValues {
  const used = Array.from({ length: count }, (_, c) => usedValues(samples, channels, first + c));
  const sparse = used.every((u) => u.length > 0 && u.length <= PACK_SHARE * (u[u.length - 1] - u[0] + 1));
  if (!sparse) return used.map(() => null);
  let gain = -8 * 32 * count;
  used.forEach((u, c) => {
    const map = new Int16Array(256);
    u.forEach((v, i) => {
      map[v] = i;
    });
    const plain = smoothBits(samples, channels, first + c, width, null);
    gain += 0.98 * plain - smoothBits(samples, channels, first + c, width, map);
  });
  return used.map((u) => (gain > 0 ? u : null));
}

/** Writes the flags byte and the bitmaps (see the header). */
export function writeChannelValues(values: ChannelValues, w: ByteWriter): void {
  let flags = 0;
  values.forEach((v, c) => {
    if (v) flags |= 1 << c;
  });
  w.byte(flags);
  for (const v of values) {
    if (!v) continue;
    const bits = new Uint8Array(32);
    for (const x of v) bits[x >> 3] |= 1 << (x & 7);
    w.bytes(bits);
  }
}

/** Reads what writeChannelValues wrote for `count` channels; E_CORRUPT on unknown flags or an empty palette. */
export function readChannelValues(r: ByteReader, count: number): ChannelValues {
  const flags = r.byte();
  if (flags >> count) throw new FlowzipError('E_CORRUPT', 'stream has corrupt causal parameters (channel palette flags)');
  return Array.from({ length: count }, (_, c) => {
    if (!((flags >> c) & 1)) return null;
    const bits = r.bytes(32);
    const out: number[] = [];
    for (let v = 0; v < 256; v++) if ((bits[v >> 3] >> (v & 7)) & 1) out.push(v);
    if (out.length === 0) throw new FlowzipError('E_CORRUPT', 'stream has corrupt causal parameters (empty channel palette)');
    return Uint8Array.from(out);
  });
}

/** Interleaved samples (`count` channels) as indices into their channels' values; the data itself when nothing is packed. */
export function toIndices(data: Uint8Array, count: number, values: ChannelValues | undefined): Uint8Array {
  if (!values || values.every((v) => !v)) return data;
  const out = data.slice();
  values.forEach((v, c) => {
    if (!v) return;
    const index = new Int16Array(256).fill(-1);
    v.forEach((x, i) => {
      index[x] = i;
    });
    for (let i = c; i < out.length; i += count) {
      const k = index[out[i]];
      if (k < 0) throw new Error(`channel palette: value ${out[i]} of channel ${c} is not in the palette`);
      out[i] = k;
    }
  });
  return out;
}

/** Inverse of toIndices, in place; E_CORRUPT for an index past a channel's values (a corrupt stream). */
export function fromIndices(data: Uint8Array, count: number, values: ChannelValues | undefined): void {
  if (!values) return;
  values.forEach((v, c) => {
    if (!v) return;
    for (let i = c; i < data.length; i += count) {
      if (data[i] >= v.length) throw new FlowzipError('E_CORRUPT', 'stream is corrupt (index past a channel palette)');
      data[i] = v[data[i]];
    }
  });
}
