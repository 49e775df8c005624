/**
 * The browser tests' entry: `window.kt` runs kerasts in the page (or in a worker) on real files and
 * hands back plain numbers, so that the tests compare them with Node's. Not linked from the app.
 */
import { loadModel, saveModel } from '@kerasts/io-hdf5';
import { bigFit, warmUpThreads, type BigFitResult } from './big-fit.js';
import { engineRestart } from './engine-check.js';
import { FormatError, getThreads, Tensor } from '@kerasts/tensor';
import { fineTune, type FitRequest, type FitResult } from './train.js';

function errorInfo(err: unknown): { name: string; text: string; code: string | null; isKerasts: boolean } {
  const e = err as Error & { code?: string; where?: string };
  return { name: e?.name, text: String(e), code: e?.code ?? null, isKerasts: typeof e?.where === 'string' };
}

async function predict(source: string, x: number[], shape: number[]): Promise<number[]> {
  const model = await loadModel(source); // a string is a URL here: fetched relative to the page
  const y = model.predict(new Tensor(Float32Array.from(x), shape));
  return Array.from((Array.isArray(y) ? y[0]! : y).data);
}

function fitInWorker(req: FitRequest): Promise<FitResult & { epochsSeen: number }> {
  return new Promise((resolve, reject) => {
    const w = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
    let epochsSeen = 0;
    w.onmessage = (e: MessageEvent<{ type: string; result?: FitResult; name?: string; message?: string }>) => {
      if (e.data.type === 'epoch') epochsSeen++;
      else if (e.data.type === 'done') {
        w.terminate();
        resolve({ ...e.data.result!, epochsSeen });
      } else {
        w.terminate();
        reject(new Error(`${e.data.name}: ${e.data.message}`));
      }
    };
    w.onerror = (e) => reject(new Error(e.message));
    w.postMessage(req);
  });
}

const kt = {
  info: () => ({ crossOriginIsolated: globalThis.crossOriginIsolated === true, sharedArrayBuffer: typeof SharedArrayBuffer === 'function', threads: getThreads() }),
  predict,
  /** Fine-tune on the page's own thread. */
  async fitHere(req: FitRequest): Promise<{ history: Record<string, number[]>; threads: number }> {
    const r = await fineTune(req, () => {});
    return { history: r.history, threads: r.threads };
  },
  async fitWorker(req: FitRequest): Promise<{ history: Record<string, number[]>; threads: number; epochsSeen: number; h5: number[] }> {
    const r = await fitInWorker(req);
    return { history: r.history, threads: r.threads, epochsSeen: r.epochsSeen, h5: Array.from(r.h5) };
  },
  /** Save a model loaded from a URL, load the bytes back, predict with both. */
  async saveReload(source: string, x: number[], shape: number[]): Promise<{ before: number[]; after: number[]; bytes: number }> {
    const a = await loadModel(source);
    const bytes = await saveModel(a, null);
    const b = await loadModel(new Blob([bytes as BlobPart]));
    const t = new Tensor(Float32Array.from(x), shape);
    const ya = a.predict(t);
    const yb = b.predict(t);
    return { before: Array.from((Array.isArray(ya) ? ya[0]! : ya).data), after: Array.from((Array.isArray(yb) ? yb[0]! : yb).data), bytes: bytes.length };
  },
  /** The typed errors a page sees. */
  async errors(): Promise<Record<string, ReturnType<typeof errorInfo>>> {
    const out: Record<string, ReturnType<typeof errorInfo>> = {};
    const grab = async (key: string, f: () => Promise<unknown>) => {
      try {
        await f();
        out[key] = { name: 'none', text: 'no error', code: null, isKerasts: false };
      } catch (err) {
        out[key] = errorInfo(err);
      }
    };
    await grab('windowsPath', () => loadModel('C:\\models\\m.h5'));
    await grab('fileUrl', () => loadModel('file:///home/me/m.h5'));
    await grab('missingUrl', () => loadModel('/no/such/model.h5'));
    await grab('notHdf5', () => loadModel(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])));
    await grab('truncated', async () => {
      const r = await fetch('samples/keras-3-functional.h5');
      const b = new Uint8Array(await r.arrayBuffer());
      return loadModel(new File([b.subarray(0, 3000)], 'cut.h5'));
    });
    await grab('savePath', async () => saveModel(await loadModel('samples/keras-3-functional.h5'), 'out.h5'));
    await grab('constructed', async () => {
      throw new FormatError('made here', 'x.h5');
    });
    return out;
  },
  engineRestart,
  /** The large fit on this page's thread, with `threads` threads allowed (helpers warmed up first). */
  async bigFitHere(threads: number): Promise<BigFitResult> {
    await warmUpThreads(threads);
    return bigFit(threads);
  },
  /** The same inside a module worker (whose helpers are nested workers), or the engine restart there. */
  inWorker<T>(task: 'bigFit' | 'engineRestart', args: { threads?: number; source?: string }): Promise<T> {
    return new Promise((resolve, reject) => {
      const w = new Worker(new URL('./harness-worker.ts', import.meta.url), { type: 'module' });
      w.onmessage = (e: MessageEvent<{ ok: boolean; result?: T; error?: string }>) => {
        w.terminate();
        if (e.data.ok) resolve(e.data.result as T);
        else reject(new Error(e.data.error));
      };
      w.onerror = (e) => reject(new Error(e.message));
      w.postMessage({ task, ...args });
    });
  },
};

(globalThis as unknown as { kt: typeof kt }).kt = kt;
document.body.dataset.ready = 'true';
