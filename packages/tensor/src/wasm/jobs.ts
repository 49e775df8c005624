/**
 * What a helper thread runs (see threads.ts): the entry point its worker imports. Internal.
 */
import { runGemmPart, type GemmJob } from '../gemm.js';
import { runLstmPart, type LstmJob } from '../lstm.js';

export type Job = GemmJob | LstmJob;

/** Runs part `i` of a job and returns the answer with the buffers to transfer back. */
export function runPart(job: Job, i: number): { answer: Record<string, Float32Array>; transfer: ArrayBuffer[] } {
  if (job.kind === 'gemm') {
    const c = runGemmPart(job, i);
    return { answer: { c }, transfer: [c.buffer as ArrayBuffer] };
  }
  const r = runLstmPart(job, i);
  return { answer: { output: r.output, h: r.h, c: r.c }, transfer: [r.output.buffer as ArrayBuffer, r.h.buffer as ArrayBuffer, r.c.buffer as ArrayBuffer] };
}
