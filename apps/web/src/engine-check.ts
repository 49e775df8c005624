/** The HDF5 engine restart, checked where it runs (a page or a worker). */
import { engineGeneration, loadModel, readKerasH5, saveModel } from '@kerasts/io-hdf5';

/**
 * Drive the h5wasm engine past its restart threshold with truncated files (HDF5 itself fails on each
 * one), then save and load a model: the restarted engine (a fresh instance, re-imported from the
 * bundle's chunk) must work. `source` is a URL (absolute inside a worker).
 */
export async function engineRestart(source: string, corrupt = 130): Promise<{ before: number; after: number; errors: number; saved: number; reloaded: boolean; typed: boolean }> {
  const model = await loadModel(source);
  const good = await saveModel(model, null);
  const before = engineGeneration();
  let errors = 0;
  let typed = true;
  for (let i = 0; i < corrupt; i++) {
    const bad = good.slice(0, good.length - 1 - i * 7);
    try {
      await readKerasH5(bad, { reader: 'h5wasm', fileName: `bad-${i}.h5` });
    } catch (err) {
      errors++;
      if (typeof (err as { where?: unknown }).where !== 'string') typed = false;
    }
  }
  const saved = await saveModel(model, null);
  const again = await loadModel(saved);
  return { before, after: engineGeneration(), errors, saved: saved.length, reloaded: again.layers.length === model.layers.length, typed };
}
