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

/** Which of the 256 values each channel of interleaved samples uses, gathered band by band (any split gives the same). */
export class UsedValues {
  private readonly seen: Uint8Array[];
  constructor(private readonly channels: number) {
    this.seen = Array.from({ length: channels }, () => new Uint8Array(256));
  }
  /** Adds samples (whole pixels). */
  add(samples: Uint8Array): void {
    for (let ch = 0; ch < this.channels; ch++) {
      const seen = this.seen[ch];
      for (let i = ch; i < samples.length; i += this.channels) seen[samples[i]] = 1;
    }
  }
  /** Channel ch's used values in increasing order. */
  of(ch: number): Uint8Array {
    const out: number[] = [];
    for (let v = 0; v < 256; v++) if (this.seen[ch][v]) out.push(v);
    return Uint8Array.from(out);
  }
}

/**
 * Estimated bits of channel `ch` (through `map` when given) under a smooth
 * residual model — what the causal coder's logistic resembles: a Laplace
 * whose scale is the mean |residual| of the MED predictor (LOCO-I) over
 * every pixel with a W and an N, costing log2(2e·b) bits a sample (b at
 * least 1/2). A smooth model spreads probability over values the image
 * never has; coding indices does not. Fed band by band, top to bottom
 * (any split gives the same).
 */
export class MedResiduals {
  private sum = 0;
  private count = 0;
  private above: Uint8Array | null = null;
  constructor(
    private readonly width: number,
    private readonly channels: number,
    private readonly ch: number,
    private readonly map: Int16Array | null,
  ) {}
  /** Adds the next whole rows of interleaved samples. */
  add(rows: Uint8Array): void {
    const { width, channels, ch, map } = this;
    const rowLen = width * channels;
    const at = (a: Uint8Array, x: number) => (map ? map[a[x * channels + ch]] : a[x * channels + ch]);
    for (let o = 0; o < rows.length; o += rowLen) {
      const row = rows.subarray(o, o + rowLen);
      const above = this.above;
      if (above) {
        for (let x = 1; x < width; x++) {
          const W = at(row, x - 1),
            N = at(above, x),
            NW = at(above, x - 1);
          const mx = W > N ? W : N,
            mn = W > N ? N : W;
          const pred = NW >= mx ? mn : NW <= mn ? mx : W + N - NW;
          this.sum += Math.abs(at(row, x) - pred);
          this.count++;
        }
      }
      this.above = row;
    }
    if (this.above) this.above = this.above.slice(); // the caller may reuse its array
  }
  /** The estimate in bits. */
  bits(): number {
    return this.count * Math.log2(2 * Math.E * Math.max(0.5, this.sum / Math.max(1, this.count)));
  }
}

/**
 * Step 1 of the choice for a plane group: its channels' used values when
 * every one fills at most PACK_SHARE of the span between its smallest and
 * largest (a colour group is packed whole or not at all, so YCoCg-R still
 * sees channels on the same scale); null when the group is not packed.
 */
export function packingCandidates(used: Uint8Array[]): Uint8Array[] | null {
  return used.every((u) => u.length > 0 && u.length <= PACK_SHARE * (u[u.length - 1] - u[0] + 1)) ? used : null;
}

/** Value → index of a channel's used values (what MedResiduals estimates the packed channel through). */
export function indexMap(used: Uint8Array): Int16Array {
  const map = new Int16Array(256);
  used.forEach((v, i) => {
    map[v] = i;
  });
  return map;
}

/**
 * Step 2: the candidates are packed when the smooth model (MedResiduals)
 * costs fewer bits on indices (`mapped[c]`) than on values (`plain[c]`), by
 * more than the bitmaps' 32 bytes a channel and 2 % of the values' bits.
 */
export function packingChoice(candidates: Uint8Array[], plain: number[], mapped: number[]): ChannelValues {
  let gain = -8 * 32 * candidates.length;
  candidates.forEach((_, c) => {
    gain += 0.98 * plain[c] - mapped[c];
  });
  return candidates.map((u) => (gain > 0 ? u : null));
}

/**
 * The encoder's choice for plane group (first, count) of a `width`-wide
 * image held whole (packingCandidates, then packingChoice). (An
 * encoder-side estimate: the choice itself travels in the stream.)
 */
export function chooseChannelValues(samples: Uint8Array, width: number, channels: number, first: number, count: number): ChannelValues {
  const used = new UsedValues(channels);
  used.add(samples);
  const candidates = packingCandidates(Array.from({ length: count }, (_, c) => used.of(first + c)));
  if (!candidates) return Array.from({ length: count }, () => null);
  const bits = (c: number, map: Int16Array | null) => {
    const m = new MedResiduals(width, channels, first + c, map);
    m.add(samples);
    return m.bits();
  };
  return packingChoice(
    candidates,
    candidates.map((_, c) => bits(c, null)),
    candidates.map((u, c) => bits(c, indexMap(u))),
  );
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
