/**
 * The training worker: fine-tunes off the page's thread so the page stays responsive and draws the
 * loss as it comes. In a cross-origin isolated page the kernels also start their own helper workers
 * (SharedArrayBuffer) from here.
 */
import { fineTune, type FitRequest } from './train.js';

interface WorkerScope {
  onmessage: ((e: MessageEvent<FitRequest>) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}
const scope = self as unknown as WorkerScope;

scope.onmessage = async (e) => {
  try {
    const result = await fineTune(e.data, (epoch, logs) => scope.postMessage({ type: 'epoch', epoch, logs }));
    scope.postMessage({ type: 'done', result }, [result.h5.buffer as ArrayBuffer]);
  } catch (err) {
    const e2 = err as Error;
    scope.postMessage({ type: 'error', name: e2?.name ?? 'Error', message: e2?.message ?? String(err) });
  }
};
