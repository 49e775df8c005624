/**
 * The typed errors this module throws. They are the shared kerasts classes from `@kerasts/tensor`;
 * this file is the single place that imports them, so that the emitter/loader code does not care
 * where they live.
 */
export { ConfigError, UnsupportedError } from '@kerasts/tensor';
