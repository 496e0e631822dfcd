/**
 * Fixed-point conventions shared by the prior parameters, the committed
 * tables and the entropy coder. Changing any of these changes the bitstream:
 * bump the container version.
 */

/** rANS probability precision: every symbol's frequencies sum to 2^PROB_BITS. */
export const PROB_BITS = 16;
/** Latent values must lie in [-LATENT_LIMIT, LATENT_LIMIT - 1]; escapes code them in LATENT_BITS raw bits. */
export const LATENT_BITS = 16;
export const LATENT_LIMIT = 1 << (LATENT_BITS - 1);

/** Prior means are integers in units of 2^-MEAN_FRAC symbols. */
export const MEAN_FRAC = 4;
/** Means are clamped to ±MEAN_LIMIT (in mean units). */
export const MEAN_LIMIT = LATENT_LIMIT << MEAN_FRAC;

/** Log-scales are integers ls with scale s = 2^(ls / 2^LOGSCALE_FRAC). */
export const LOGSCALE_FRAC = 4;
/** Smallest log-scale (s = 1/16) and largest (s = 2^12); prior outputs are clamped to this range. */
export const LOGSCALE_MIN = -64;
export const LOGSCALE_MAX = 192;

/** 1/s is stored as round(2^INV_SCALE_BITS / s). */
export const INV_SCALE_BITS = 20;
/** Logistic CDF table: argument t sampled every 1/CDF_T_STEPS, up to CDF_U_MAX steps (t = 16), values scaled to 2^CDF_BITS. */
export const CDF_T_STEPS = 256;
export const CDF_U_MAX = 16 * CDF_T_STEPS;
export const CDF_BITS = 20;
/** Support window: mean ± WINDOW_SIGMAS * s (then clamped to the latent range and to MAX_WINDOW symbols). */
export const WINDOW_SIGMAS = 12;
export const MAX_WINDOW = 4096;

/** Mixture logits are integers in units of 2^-LOGIT_FRAC nats; weights come from EXP_WEIGHT. */
export const LOGIT_FRAC = 4;
/** Logit gaps beyond LOGIT_RANGE (8 nats) get the smallest weight. */
export const LOGIT_RANGE = 8 << LOGIT_FRAC;
/** Mixture weights are integers ≤ 2^MIX_WEIGHT_BITS. */
export const MIX_WEIGHT_BITS = 8;
