/**
 * What a helper thread runs (see threads.ts): the entry point its worker imports. Internal.
 */
import { runGemmPart, type GemmJob } from '../gemm.js';
import { runLstmPart, type LstmJob } from '../rnn/lstm.js';
import { runLstmTrainPart, type LstmBackJob, type LstmTrainJob } from '../rnn/lstm-backward.js';

export type Job = GemmJob | LstmJob | LstmTrainJob | LstmBackJob;

/** Runs part `i` of a job and returns the answer with the buffers to transfer back. */
export function runPart(job: Job, i: number): { answer: Record<string, Float32Array>; transfer: ArrayBuffer[] } {
  if (job.kind === 'gemm') {
    const c = runGemmPart(job, i);
    return { answer: { c }, transfer: [c.buffer as ArrayBuffer] };
  }
  if (job.kind === 'lstmTrain' || job.kind === 'lstmBack') {
    // writes its rows into the job's shared arrays
    runLstmTrainPart(job, i);
    return { answer: {}, transfer: [] };
  }
  const r = runLstmPart(job, i);
  return { answer: { output: r.output, h: r.h, c: r.c }, transfer: [r.output.buffer as ArrayBuffer, r.h.buffer as ArrayBuffer, r.c.buffer as ArrayBuffer] };
}
