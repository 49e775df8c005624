/**
 * The browser tests' worker: runs the large fit (with nested helper workers when the page is
 * cross-origin isolated) and the HDF5 engine restart inside a module Web Worker.
 */
import { bigFit, warmUpThreads } from './big-fit.js';
import { engineRestart } from './engine-check.js';

interface Scope {
  onmessage: ((e: MessageEvent<{ task: string; threads?: number; source?: string }>) => void) | null;
  postMessage(m: unknown): void;
}
const scope = self as unknown as Scope;

scope.onmessage = async (e) => {
  try {
    const { task } = e.data;
    if (task === 'bigFit') {
      await warmUpThreads(e.data.threads!);
      scope.postMessage({ ok: true, result: await bigFit(e.data.threads!) });
    } else if (task === 'engineRestart') {
      scope.postMessage({ ok: true, result: await engineRestart(e.data.source!) });
    } else scope.postMessage({ ok: false, error: `unknown task ${task}` });
  } catch (err) {
    scope.postMessage({ ok: false, error: String(err) });
  }
};
