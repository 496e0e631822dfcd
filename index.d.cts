/** Types of the CommonJS entry point (index.cjs): the ES module's functions, made asynchronous. */
type Flowzip = typeof import('./dist/src/codec/index.js');

/** The whole flowzip ES module, loaded once (FlowzipError, shippedModels, loadModelFile, …). */
export declare function load(): Promise<Flowzip>;
export declare function compress(input: Uint8Array, options?: import('./dist/src/codec/index.js').CompressOptions): Promise<Uint8Array>;
export declare function decompress(input: Uint8Array, options?: import('./dist/src/codec/index.js').DecompressOptions): Promise<Uint8Array>;
export declare function inspectStream(bytes: Uint8Array): Promise<import('./dist/src/codec/index.js').StreamInfo>;
