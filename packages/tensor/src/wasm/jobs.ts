/**
 * What a helper thread runs (see threads.ts): the entry point its worker imports. Internal.
 */
import { gemm, type GemmOptions } from '../gemm.js';
import { runLstmJob, type LstmJob } from '../lstm.js';

/** A slice of rows of a matrix product: C rows = A rows · B. */
export interface GemmJob {
  kind: 'gemm';
  m: number;
  n: number;
  k: number;
  a: Float32Array;
  b: Float32Array;
  /** The rows of C to accumulate into, or null to overwrite. */
  c: Float32Array | null;
  transposeB: boolean;
}

export type Job = GemmJob | (LstmJob & { kind: 'lstm' });

/** Runs a job and returns the answer with the buffers to transfer back. */
export function runJob(job: Job): { answer: Record<string, Float32Array>; transfer: ArrayBuffer[] } {
  if (job.kind === 'gemm') {
    const c = job.c ?? new Float32Array(job.m * job.n);
    const opts: GemmOptions = { accumulate: job.c !== null, transposeB: job.transposeB };
    gemm(job.m, job.n, job.k, job.a, job.b, c, opts);
    return { answer: { c }, transfer: [c.buffer as ArrayBuffer] };
  }
  const r = runLstmJob(job);
  return { answer: { output: r.output, h: r.h, c: r.c }, transfer: [r.output.buffer as ArrayBuffer, r.h.buffer as ArrayBuffer, r.c.buffer as ArrayBuffer] };
}
