'use strict';
/**
 * CommonJS entry point (`require('flowzip')`). flowzip is an ES module, and
 * Node 20 cannot require() one, so this wrapper loads it with a dynamic
 * import on first use: `compress`, `decompress` and `inspectStream` are the
 * library's functions made asynchronous, and `load()` resolves to the whole
 * ES module (FlowzipError, shippedModels, loadModelFile, …). From ES modules
 * and TypeScript, `import { compress } from 'flowzip'` gives the module itself.
 */
let loading;

/** The flowzip ES module (dist/src/codec/index.js), loaded once. */
function load() {
  loading ??= import('./dist/src/codec/index.js');
  return loading;
}

module.exports = {
  load,
  compress: async (input, options) => (await load()).compress(input, options),
  decompress: async (input, options) => (await load()).decompress(input, options),
  inspectStream: async (bytes) => (await load()).inspectStream(bytes),
};
