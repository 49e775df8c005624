/**
 * `@kerasts/tensor/node`: the Node-only helpers every package shares (never reached from the main
 * entry, so browser bundles stay free of `node:*`).
 */
export { writeFileAtomic, removeSaveLeftovers, type AtomicWriteOptions, type AtomicWriteResult } from './node/atomic-file.js';
