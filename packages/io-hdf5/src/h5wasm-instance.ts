/**
 * h5wasm, seen through one small module of ours whose own URL is known: in a bundle this module and
 * h5wasm's code land in one lazily loaded chunk, and importing that chunk's URL again (with a query
 * string) evaluates h5wasm afresh — a new WebAssembly instance — where `import.meta.resolve('h5wasm')`
 * cannot work (bundles, workers, browsers without an import map). See engine.ts.
 */
export * from 'h5wasm';

/** The URL this module was loaded from (in a bundle: the chunk that holds h5wasm). */
export const instanceUrl: string = import.meta.url;
