/**
 * The contract between a probability model and the entropy coder: one
 * symbol at a time, with everything about escapes kept inside the model.
 * The tile coder encodes and decodes through it, and inspect, training
 * evaluation and bench/profile measure code lengths through it, so "code a
 * latent with its prior" exists once (LeakyMixtureCdf, scale-offset.ts
 * OFFSET_MODEL).
 */
import type { SymbolSink, SymbolSource } from '../ans/index.js';

/** A probability model over integer symbols, as the coder uses it. */
export interface SymbolModel {
  /** Pushes symbol z onto `sink` (an escape and its raw bits, if the model escapes z). */
  encode(sink: SymbolSink, z: number): void;
  /** Pops one symbol from `source`: exactly what `encode` pushed, escapes included. */
  decode(source: SymbolSource): number;
  /** Exact code length of z in bits: −log2 of its frequency, plus the raw bits of an escape. */
  bits(z: number): number;
  /** Frequency (out of 2^PROB_BITS) of z's own slot; 0 when z is escaped (it then costs ESCAPE_BITS). */
  slotFreq(z: number): number;
}
