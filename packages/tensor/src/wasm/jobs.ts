/**
 * What a helper thread runs (see threads.ts): the entry point its worker imports. Internal.
 */
import { runConvPart, type ConvJob } from '../conv/conv.js';
import { runGemmPart, type GemmJob } from '../gemm.js';
import { runLstmPart, type LstmJob } from '../rnn/lstm.js';
import { runLstmTrainPart, type LstmBackJob, type LstmTrainJob } from '../rnn/lstm-backward.js';
import { runGruPart, type GruJob } from '../rnn/gru.js';
import { runGruTrainPart, type GruBackJob, type GruTrainJob } from '../rnn/gru-backward.js';
import { runSimpleRnnPart, type SimpleRnnJob } from '../rnn/simple-rnn.js';
import { runSimpleRnnTrainPart, type SimpleRnnBackJob, type SimpleRnnTrainJob } from '../rnn/simple-rnn-backward.js';

export type Job = GemmJob | ConvJob | LstmJob | LstmTrainJob | LstmBackJob | GruJob | GruTrainJob | GruBackJob | SimpleRnnJob | SimpleRnnTrainJob | SimpleRnnBackJob;

/** Runs part `i` of a job and returns the answer with the buffers to transfer back. */
export function runPart(job: Job, i: number): { answer: Record<string, Float32Array>; transfer: ArrayBuffer[] } {
  switch (job.kind) {
    case 'gemm': {
      const c = runGemmPart(job, i);
      return { answer: { c }, transfer: [c.buffer as ArrayBuffer] };
    }
    case 'conv':
      // writes its samples into the job's shared result
      runConvPart(job, i);
      return { answer: {}, transfer: [] };
    // training jobs write their rows into the job's shared arrays
    case 'lstmTrain':
    case 'lstmBack':
      runLstmTrainPart(job, i);
      return { answer: {}, transfer: [] };
    case 'gruTrain':
    case 'gruBack':
      runGruTrainPart(job, i);
      return { answer: {}, transfer: [] };
    case 'simpleRnnTrain':
    case 'simpleRnnBack':
      runSimpleRnnTrainPart(job, i);
      return { answer: {}, transfer: [] };
    case 'gru': {
      const r = runGruPart(job, i);
      return { answer: { output: r.output, h: r.h }, transfer: [r.output.buffer as ArrayBuffer, r.h.buffer as ArrayBuffer] };
    }
    case 'simpleRnn': {
      const r = runSimpleRnnPart(job, i);
      return { answer: { output: r.output, h: r.h }, transfer: [r.output.buffer as ArrayBuffer, r.h.buffer as ArrayBuffer] };
    }
    default: {
      const r = runLstmPart(job, i);
      return { answer: { output: r.output, h: r.h, c: r.c }, transfer: [r.output.buffer as ArrayBuffer, r.h.buffer as ArrayBuffer, r.c.buffer as ArrayBuffer] };
    }
  }
}
