/** Every partial sum of a quantised layer stays strictly below this (float32 is exact on integers up to 2^24). */
export const FLOAT_EXACT_LIMIT = 2 ** 24;
