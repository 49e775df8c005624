/**
 * A browser helper thread (see threads.ts): a module Web Worker that claims parts of shared jobs
 * from the job's counter and runs them with the WebAssembly kernels, writing results into the job's
 * shared arrays. Started only in cross-origin isolated pages and workers.
 */
import { runPart, type Job } from './jobs.js';

interface HelperScope {
  onmessage: ((e: { data: unknown }) => void) | null;
}

type SharedJob = Job & { counter: Int32Array; parts: number; helper: number };

const scope = globalThis as unknown as HelperScope;

scope.onmessage = (e) => {
  const msg = e.data as { init: Int32Array } | SharedJob;
  if ('init' in msg) {
    Atomics.store(msg.init, 1, 1); // ready
    return;
  }
  const { counter, parts, helper } = msg;
  for (;;) {
    const i = Atomics.add(counter, 0, 1);
    if (i >= parts) break;
    Atomics.add(counter, 3 + helper, 1);
    try {
      runPart(msg, i);
    } catch {
      Atomics.store(counter, 2, 1);
    }
    Atomics.add(counter, 1, 1);
    Atomics.notify(counter, 1);
  }
};
