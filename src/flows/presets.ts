/** Named architectures for `train --arch NAME` (see arch.ts): plain data, shared by the CLI's help and by training. */
import type { LearnedArch } from './arch.js';

/** The presets by name (`train --arch NAME`); each value is the LearnedArch a new run starts from. */
export const PRESETS: Record<string, LearnedArch> = {
  /** RGB photos: a residual on model zero's prior, two own levels, 2×32 hidden, single logistic. */
  photo: { channels: 3, levels: 5, hidden: [32, 32], kernel: 3, mixture: 1, ownLevels: 2, residual: true },
  /** The same from scratch (no model zero base), for comparison. */
  'photo-scratch': { channels: 3, levels: 5, hidden: [32, 32], kernel: 3, mixture: 1, ownLevels: 2 },
  /** Cheaper RGB variant: one hidden layer of 24. */
  'photo-small': { channels: 3, levels: 5, hidden: [24], kernel: 3, mixture: 1, ownLevels: 2, residual: true },
  /** RGB with a 3-component mixture. */
  'photo-mix': { channels: 3, levels: 5, hidden: [32, 32], kernel: 3, mixture: 3, ownLevels: 2, residual: true },
  /** RGB, channel-conditional: Y, then Co | Y, then Cg | Y, Co per group; narrower nets (2×16) to keep the compute. */
  'photo-split': { channels: 3, levels: 5, hidden: [16, 16], kernel: 3, mixture: 3, ownLevels: 2, residual: true, channelSplit: true },
  /** The same nets without the channel split (the control for photo-split). */
  'photo-mix16': { channels: 3, levels: 5, hidden: [16, 16], kernel: 3, mixture: 3, ownLevels: 2, residual: true },
  /** photo-mix16 in the pixel domain: YCoCg-R, then squeezes without lifting, a residual on bilinear interpolation (the control is `photo-mix16`). */
  'photo-px16': { channels: 3, levels: 5, hidden: [16, 16], kernel: 3, mixture: 3, ownLevels: 2, residual: true, transform: 'pixels' },
  /** Natural gray images. */
  gray: { channels: 1, levels: 5, hidden: [32, 32], kernel: 3, mixture: 1, ownLevels: 2, residual: true },
  /** Fashion-MNIST: 28×28 padded to 32, every level its own nets, mixture of 3. */
  fmnist: { channels: 1, levels: 4, hidden: [32, 32], kernel: 3, mixture: 3, ownLevels: 4, residual: true },
  /** The same nets in the pixel domain: no lifting, a residual on bilinear interpolation (the control is `fmnist`). */
  'fmnist-px': { channels: 1, levels: 4, hidden: [32, 32], kernel: 3, mixture: 3, ownLevels: 4, residual: true, transform: 'pixels' },
  /** fmnist-px with nets twice as wide (about 4× the compute). */
  'fmnist-px64': { channels: 1, levels: 4, hidden: [64, 64], kernel: 3, mixture: 3, ownLevels: 4, residual: true, transform: 'pixels' },
};
