/**
 * Helper threads for large batches: workers that each run the WebAssembly kernels on a slice of the
 * batch while the calling thread runs its own slice. The calls stay synchronous.
 *
 * - **Node**: worker_threads, reached through `process.getBuiltinModule` on first use (nothing here
 *   imports `node:*`, so bundles stay clean). The caller blocks on `Atomics.wait` and takes each
 *   helper's answer with `receiveMessageOnPort`; every kind of job can be shared.
 * - **Browsers** (pages and workers that are cross-origin isolated, so `SharedArrayBuffer` exists):
 *   module Web Workers (`worker-web.ts`). A page cannot take a message synchronously, so web helpers
 *   only take jobs whose results they write into shared memory (the LSTM training forward and
 *   backward, which is where `fit` spends its time); the caller waits on the shared counter
 *   (`Atomics.wait` in a worker, a short spin on a page's main thread, where waiting is not allowed).
 *
 * Where neither exists (a page without cross-origin isolation, old Node) there are simply no
 * helpers, and everything runs on the calling thread with the same numbers (parts do not depend on
 * the number of threads). Helpers start lazily on the first call big enough to use them (that call
 * runs on one thread; later ones split once the helpers have signalled readiness), never keep a Node
 * process alive, and can be turned off with `setThreads(1)` or `KERASTS_THREADS=1`.
 */

interface PortLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  close(): void;
}
interface WorkerLike {
  postMessage(message: unknown, transfer?: unknown[]): void;
  unref(): void;
  on(event: string, listener: (arg: unknown) => void): void;
  terminate(): Promise<number>;
}
interface WorkerThreads {
  Worker: new (code: string, options: { eval: true; workerData: unknown; transferList?: unknown[] }) => WorkerLike;
  MessageChannel: new () => { port1: PortLike; port2: PortLike };
  receiveMessageOnPort(port: PortLike): { message: unknown } | undefined;
  isMainThread: boolean;
}

/** A browser's Worker, as far as helpers use it. */
interface WebWorkerLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'error', listener: () => void): void;
  terminate(): void;
}
/** The browser's Worker constructor (declared here: this package compiles without the DOM library). */
declare const Worker: new (url: URL, options: { type: 'module'; name?: string }) => WebWorkerLike;

/**
 * One helper thread: its worker (Node: with the port its answers arrive on; web: answers are in
 * shared memory) and a counter of answers posted.
 */
export type Helper =
  | {
      readonly kind: 'node';
      readonly worker: WorkerLike;
      readonly port: PortLike;
      /** [0]: answers posted (the helper adds 1 per job); [1]: ready (1) or failed (2). */
      readonly flag: Int32Array;
      /** Answers taken from the port so far. */
      consumed: number;
    }
  | { readonly kind: 'web'; readonly worker: WebWorkerLike; readonly flag: Int32Array; consumed: number };

/** What a job's results travel by: a message (Node only) or the job's shared arrays (anywhere). */
export type Answers = 'message' | 'shared';

function readEnvThreads(): number {
  const g = globalThis as { process?: { env?: Record<string, string | undefined> }; navigator?: { hardwareConcurrency?: number } };
  const env = g.process?.env?.KERASTS_THREADS;
  if (env !== undefined && /^\d+$/.test(env)) return Math.max(1, Number(env));
  return Math.max(1, Math.min(2, g.navigator?.hardwareConcurrency ?? 2));
}

let wanted = readEnvThreads();
let helpers: Helper[] = [];
let startFailed: string | null = null;

/**
 * How many threads large batches may use, the calling one included (default: 2 where the machine has
 * 2 or more cores, or `KERASTS_THREADS`); 1 keeps everything on the calling thread.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new TypeError(`setThreads: expected a positive integer, got ${String(n)}`);
  wanted = n;
}

/** The number of threads large batches may use (see {@link setThreads}). */
export function getThreads(): number {
  return wanted;
}

function workerThreads(): WorkerThreads | null {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  if (typeof proc?.getBuiltinModule !== 'function' || typeof SharedArrayBuffer !== 'function') return null;
  try {
    return proc.getBuiltinModule('node:worker_threads') as WorkerThreads;
  } catch {
    return null;
  }
}

/**
 * The worker's program: load jobs.js, then for each job claim parts from the job's shared counter
 * until none is left ([0]: next part, [1]: parts completed, [2]: error, [3 + helper]: parts claimed by
 * that helper), and post one answer with the results of the parts it ran (possibly none).
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, jobsUrl } = workerData;
import(jobsUrl).then((m) => {
  port.on('message', (job) => {
    const counter = job.counter;
    const results = [];
    const transfer = [];
    let error = null;
    for (;;) {
      const i = Atomics.add(counter, 0, 1);
      if (i >= job.parts) break;
      Atomics.add(counter, 3 + job.helper, 1);
      try {
        const r = m.runPart(job, i);
        results.push({ part: i, ...r.answer });
        transfer.push(...r.transfer);
      } catch (e) {
        error = String((e && e.stack) || e);
        Atomics.store(counter, 2, 1);
      }
      Atomics.add(counter, 1, 1);
      Atomics.notify(counter, 1);
    }
    port.postMessage({ id: job.id, ok: error === null, error, results }, transfer);
    Atomics.add(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  Atomics.store(flag, 1, 1);
}, () => Atomics.store(flag, 1, 2));
`;

/** Whether this is a browser context that may start module Web Workers sharing memory. */
function webWorkersAvailable(): boolean {
  const g = globalThis as { Worker?: unknown; crossOriginIsolated?: boolean; process?: { versions?: { node?: string } } };
  return typeof g.Worker === 'function' && typeof SharedArrayBuffer === 'function' && g.crossOriginIsolated === true && g.process?.versions?.node === undefined;
}

/** Starts one web helper: a module Worker running worker-web.js (bundlers see this pattern and emit it). */
function startWebHelper(): Helper {
  const flag = new Int32Array(new SharedArrayBuffer(8));
  const worker = new Worker(new URL('./worker-web.js', import.meta.url), { type: 'module', name: 'kerasts-helper' });
  worker.addEventListener('error', () => Atomics.store(flag, 1, 2));
  worker.postMessage({ init: flag });
  return { kind: 'web', worker, flag, consumed: 0 };
}

/**
 * The helpers that are ready, starting them on first use (Node: their entry point is jobs.js beside
 * this module; browsers: worker-web.js). Returns [] while they start, when threads are off, where
 * they cannot run, and in browsers for jobs that answer by message.
 */
export function readyHelpers(answers: Answers = 'message'): Helper[] {
  if (wanted <= 1 || startFailed !== null) return [];
  const wt = workerThreads();
  if (wt !== null) {
    if (!wt.isMainThread) return [];
    while (helpers.length < wanted - 1) {
      try {
        const { port1, port2 } = new wt.MessageChannel();
        const flag = new Int32Array(new SharedArrayBuffer(8));
        const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag, jobsUrl: new URL('./jobs.js', import.meta.url).href }, transferList: [port2] });
        worker.unref();
        (port1 as unknown as { unref?: () => void }).unref?.();
        worker.on('error', () => Atomics.store(flag, 1, 2));
        helpers.push({ kind: 'node', worker, port: port1, flag, consumed: 0 });
      } catch (e) {
        startFailed = String(e);
        return [];
      }
    }
  } else if (webWorkersAvailable()) {
    // A helper's own helpers would compete for the same cores: only the first level starts workers.
    if ((globalThis as { name?: unknown }).name === 'kerasts-helper') return [];
    while (helpers.length < wanted - 1) {
      try {
        helpers.push(startWebHelper());
      } catch (e) {
        startFailed = String(e);
        return [];
      }
    }
    if (answers === 'message') return [];
  } else return [];
  // Helpers beyond the wanted number (after a setThreads to fewer) stay idle, ready for later.
  return helpers.slice(0, wanted - 1).filter((h) => Atomics.load(h.flag, 1) === 1);
}

/** Whether `Atomics.wait` may block here (not on a browser page's main thread). */
let blockingAllowed: boolean | null = null;
function canBlock(): boolean {
  if (blockingAllowed === null) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

/** Wait until `a[i]` is no longer `value` (or `ms` pass): block where allowed, else spin. */
function waitWhile(a: Int32Array, i: number, value: number, ms: number): void {
  if (canBlock()) {
    Atomics.wait(a, i, value, ms);
    return;
  }
  const end = performance.now() + ms;
  while (Atomics.load(a, i) === value && performance.now() < end) {
    /* a page's main thread may not block: spin briefly */
  }
}

/** Counts of jobs sent to helpers and of parts they ran (for tests and diagnostics). */
export const threadStats = { jobs: 0, helperParts: 0 };

let nextJobId = 1;

/**
 * Runs `parts` independent parts on the calling thread and the helpers, shared dynamically: each
 * thread claims the next part from a shared counter, so a helper that the OS does not schedule in time
 * simply takes no part and never holds the caller up (the caller then runs every part itself).
 * `job` is what a helper needs to run any part (jobs.ts `runPart`); `runPart(i)` runs part i here;
 * `onHelperPart(result)` receives each part a helper ran, `{ part, ...answer }`.
 */
export function shareParts<R extends { part: number }>(
  helpers: Helper[],
  parts: number,
  job: Record<string, unknown>,
  transfer: unknown[],
  runPart: (i: number) => void,
  onHelperPart: (result: R) => void,
): void {
  const counter = new Int32Array(new SharedArrayBuffer(4 * (3 + helpers.length)));
  const id = nextJobId++;
  helpers.forEach((h, i) => {
    const message = { ...job, id, counter, parts, helper: i };
    if (h.kind === 'web') h.worker.postMessage(message);
    else {
      // Each helper gets its own copy of the job's arrays except for the last, which takes the originals.
      const last = i === helpers.length - 1;
      h.port.postMessage(message, last ? transfer : []);
    }
    threadStats.jobs++;
  });
  for (;;) {
    const i = Atomics.add(counter, 0, 1);
    if (i >= parts) break;
    runPart(i);
    Atomics.add(counter, 1, 1);
  }
  // Every part is claimed; wait for the ones helpers are still running.
  for (let done = Atomics.load(counter, 1); done < parts; done = Atomics.load(counter, 1)) waitWhile(counter, 1, done, 1000);
  helpers.forEach((h, i) => {
    if (h.kind === 'web') threadStats.helperParts += Atomics.load(counter, 3 + i);
  });
  // Web helpers wrote their results into the job's shared arrays and report failures in the counter.
  if (helpers.every((h) => h.kind === 'web')) {
    if (Atomics.load(counter, 2) !== 0) throw new Error('kerasts helper thread failed');
    return;
  }
  const wt = workerThreads()!;
  helpers.forEach((h, i) => {
    if (h.kind !== 'node') return;
    if (Atomics.load(counter, 3 + i) === 0) return; // its (empty) answer is skipped later
    for (;;) {
      while (Atomics.load(h.flag, 0) <= h.consumed) {
        if (Atomics.load(h.flag, 1) === 2) throw new Error('kerasts helper thread died');
        Atomics.wait(h.flag, 0, h.consumed, 1000);
      }
      const msg = wt.receiveMessageOnPort(h.port);
      if (msg === undefined) continue;
      h.consumed++;
      const answer = msg.message as { id: number; ok: boolean; error: string | null; results: R[] };
      if (answer.id !== id) continue; // an earlier job in which this helper ran no part
      if (!answer.ok) throw new Error(`kerasts helper thread failed: ${answer.error ?? ''}`);
      for (const r of answer.results) {
        threadStats.helperParts++;
        onHelperPart(r);
      }
      break;
    }
  });
}
