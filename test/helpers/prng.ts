/** Seeded PRNG for tests: the project's one mulberry32 (src/quant/prng.ts). */
export { mulberry32, randInt } from '../../src/quant/prng.js';
