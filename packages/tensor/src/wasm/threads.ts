/**
 * Helper threads for large batches (Node only): worker_threads that each run the WebAssembly LSTM on a
 * slice of the batch while the calling thread runs its own slice. The calls stay synchronous: the caller
 * blocks on an `Atomics.wait` for each helper and takes its answer with `receiveMessageOnPort`.
 *
 * Nothing here imports `node:*` at load: `worker_threads` is reached through
 * `process.getBuiltinModule` on first use, and where that or SharedArrayBuffer is missing (browsers,
 * old Node) there are simply no helpers. Helpers start lazily on the first call big enough to use them
 * (that call runs on one thread; later ones split once the helpers have signalled readiness), are
 * unref'ed so they never keep a process alive, and can be turned off with `setThreads(1)` or
 * `KERASTS_THREADS=1`.
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

/** One helper thread: its worker, the port its answers arrive on, and a flag it raises when done. */
export interface Helper {
  readonly worker: WorkerLike;
  readonly port: PortLike;
  /** [0]: job done (1) / pending (0); [1]: ready (1), failed (2). */
  readonly flag: Int32Array;
}

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

/** The worker's program: load the LSTM module, then answer jobs. */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const { port, flag, jobsUrl } = workerData;
import(jobsUrl).then((m) => {
  port.on('message', (job) => {
    try {
      const r = m.runJob(job);
      port.postMessage({ ok: true, ...r.answer }, r.transfer);
    } catch (e) {
      port.postMessage({ ok: false, error: String(e && e.stack || e) });
    }
    Atomics.store(flag, 0, 1);
    Atomics.notify(flag, 0);
  });
  Atomics.store(flag, 1, 1);
}, () => Atomics.store(flag, 1, 2));
`;

/**
 * The helpers that are ready, starting them on first use (their entry point is jobs.js beside this
 * module). Returns [] while they start, when threads are off, or where they cannot run.
 */
export function readyHelpers(): Helper[] {
  if (wanted <= 1 || startFailed !== null) return [];
  const wt = workerThreads();
  if (wt === null || !wt.isMainThread) return [];
  while (helpers.length < wanted - 1) {
    try {
      const { port1, port2 } = new wt.MessageChannel();
      const flag = new Int32Array(new SharedArrayBuffer(8));
      const worker = new wt.Worker(WORKER_SOURCE, { eval: true, workerData: { port: port2, flag, jobsUrl: new URL('./jobs.js', import.meta.url).href }, transferList: [port2] });
      worker.unref();
      (port1 as unknown as { unref?: () => void }).unref?.();
      worker.on('error', () => Atomics.store(flag, 1, 2));
      helpers.push({ worker, port: port1, flag });
    } catch (e) {
      startFailed = String(e);
      return [];
    }
  }
  // Helpers beyond the wanted number (after a setThreads to fewer) stay idle, ready for later.
  return helpers.slice(0, wanted - 1).filter((h) => Atomics.load(h.flag, 1) === 1);
}

/** Counts of jobs sent to helpers (for tests and diagnostics). */
export const threadStats = { jobs: 0 };

/** Sends a job to a helper (its answer is collected with {@link collect}). */
export function dispatch(h: Helper, job: unknown, transfer: unknown[]): void {
  Atomics.store(h.flag, 0, 0);
  h.port.postMessage(job, transfer);
  threadStats.jobs++;
}

/** Blocks until the helper answered and returns the answer. */
export function collect<T>(h: Helper): T {
  const wt = workerThreads()!;
  while (Atomics.load(h.flag, 0) === 0) {
    if (Atomics.load(h.flag, 1) === 2) throw new Error('kerasts helper thread died');
    Atomics.wait(h.flag, 0, 0, 1000);
  }
  const msg = wt.receiveMessageOnPort(h.port);
  if (msg === undefined) throw new Error('kerasts helper thread gave no answer');
  const answer = msg.message as { ok: boolean; error?: string };
  if (!answer.ok) throw new Error(`kerasts helper thread failed: ${answer.error ?? ''}`);
  return answer as T;
}
