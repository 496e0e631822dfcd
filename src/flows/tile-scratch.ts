/**
 * Typed arrays that a thread's tile coders reuse from one tile to the next.
 *
 * A 256×256 colour tile needs ~4 MB of Int32 state (the kernel's values and
 * errors, the planes, the priors' means and scales). Allocated per tile, V8
 * frees those buffers late — their external bytes grow by tens of MB between
 * full collections, and glibc keeps much of what is freed — so a 24 MP photo
 * peaked ~35 MB higher with two threads coding (scripts/mem-24mp.sh,
 * bench/big-photo.ts). With one TileScratch per thread the same few buffers
 * serve every tile.
 *
 * Contract: `int32(slot, n)` returns a zero-filled Int32Array of length n,
 * valid until the next request of the same slot in this thread; each slot has
 * one user at a time. Code that keeps two kernels alive at once (tests
 * comparing an encoder's and a decoder's final state) passes no scratch, and
 * gets fresh arrays. Reuse never changes a value: every array is zeroed as a
 * new one would be.
 */

/** The slots of a TileScratch: one per array a tile coder needs at the same time as the others. */
export type ScratchSlot = 'kernel-values' | 'kernel-errors' | 'planes' | 'means' | 'scales' | 'copy-source' | 'copy-table' | 'copy-packed' | 'copy-true-packed';

/** A set of reusable Int32Arrays, one per slot, grown as needed and never shrunk (see the module comment). */
export class TileScratch {
  private readonly arrays = new Map<ScratchSlot, Int32Array>();

  /** A zero-filled Int32Array of length n for `slot`, valid until the slot is asked for again. */
  int32(slot: ScratchSlot, n: number): Int32Array {
    let a = this.arrays.get(slot);
    if (!a || a.length < n) {
      a = new Int32Array(n);
      this.arrays.set(slot, a);
      return a;
    }
    const view = a.subarray(0, n);
    view.fill(0);
    return view;
  }
}

/** This thread's scratch, for the codec's tile coders (image-codec.ts encodePiece / decodePiece). */
export const threadScratch = new TileScratch();

/** A zero-filled Int32Array of length n: from `scratch` when given, else new. */
export function int32Array(scratch: TileScratch | undefined, slot: ScratchSlot, n: number): Int32Array {
  return scratch ? scratch.int32(slot, n) : new Int32Array(n);
}
