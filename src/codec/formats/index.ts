/**
 * Image formats flowzip reconstructs exactly: binary PNM (byte-identical) and
 * PNG (identical pixels, bit depth, colour type, palette and ancillary chunks).
 */

export * from './image.js';
export * from './pnm.js';
export * from './png.js';
