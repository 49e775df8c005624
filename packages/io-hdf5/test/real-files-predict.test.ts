// Every real Keras file written by other people either loads and predicts its reference (the ORIGINAL
// Keras' outputs where published, else Keras 3.15.1's with Keras-2 hard_sigmoid where the file is from
// Keras <= 2), or is refused with an UnsupportedError that names the layer class and the file.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm';
import { expect, it } from 'vitest';
import { describeShared, sharedDir } from '../../../tools/testing/shared.js';
import { modelFromJSON } from '@kerasts/io-json';
import type { Model } from '@kerasts/model';
import { tensor, UnsupportedError, KerastsError, type Tensor } from '@kerasts/tensor';
import { loadModel, loadWeights } from '../src/index.js';

const realRoot = join(sharedDir ?? '', 'real-keras-files');
interface Entry {
  name: string;
  file: string;
  kind: string;
  keras_version: string | null;
  all_layer_classes: string[];
  layers: unknown;
}
const manifest = sharedDir === null ? [] : (JSON.parse(readFileSync(join(realRoot, 'manifest.json'), 'utf8')) as Entry[]);
const SUPPORTED = new Set(['Dense', 'LSTM', 'Dropout', 'Activation', 'InputLayer', 'Concatenate', 'Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum']);
// Functional files (class Model/Functional) whose layers are all supported must load and predict within 1e-5.
const FUNCTIONAL = new Set(['tf230_melody_functional_lstm', 'k200_hls4ml_3layer_dense_weights']);

type Nested = number | Nested[];
function flat(v: Nested): number[] {
  return Array.isArray(v) ? v.flatMap(flat) : [v];
}
function shapeOf(v: Nested): number[] {
  return Array.isArray(v) ? [v.length, ...shapeOf(v[0]!)] : [];
}

async function origIo(path: string): Promise<{ input: Tensor; output: Float32Array } | null> {
  if (!existsSync(path)) return null;
  const M = await h5wasm.ready;
  const name = `/origio-${Math.random().toString(36).slice(2)}.h5`;
  M.FS.writeFile(name, readFileSync(path));
  const f = new h5wasm.File(name, 'r');
  try {
    const ins = JSON.parse(String(f.attrs['inputs']!.value)) as { inputs: string[] };
    const outs = JSON.parse(String(f.attrs['outputs']!.value)) as { outputs: string[] };
    const inDs = f.get(`inputs/${ins.inputs[0]}`) as InstanceType<typeof h5wasm.Dataset>;
    const outDs = f.get(`predictions/${outs.outputs[0]}`) as InstanceType<typeof h5wasm.Dataset>;
    return {
      input: tensor(Float32Array.from(inDs.value as Float32Array), inDs.shape as number[]),
      output: Float32Array.from(outDs.value as Float32Array),
    };
  } finally {
    f.close();
    M.FS.unlink(name);
  }
}

async function loadEntry(e: Entry): Promise<Model> {
  const file = join(realRoot, 'files', `${e.name}.h5`);
  if (e.kind === 'weights-only') {
    const model = modelFromJSON(readFileSync(join(realRoot, 'files', `${e.name}.arch.json`), 'utf8'), { source: `${e.name}.arch.json` });
    await loadWeights(model, file);
    return model;
  }
  return loadModel(file);
}

describeShared('real Keras files of every era', () => {
  for (const e of manifest) {
    const unsupported = e.all_layer_classes.filter((c) => !SUPPORTED.has(c));
    it(`${e.name} (Keras ${e.keras_version ?? '1.x'})`, async () => {
      const expectedPath = join(realRoot, 'expected', `${e.name}.json`);
      const orig = await origIo(join(realRoot, 'files', `${e.name}.orig_io.h5`));
      let model: Model;
      try {
        model = await loadEntry(e);
      } catch (err) {
        // Refused: it must be a typed error that names an unsupported layer class (or the unbuilt
        // model) and the file. Functional models with supported layers load.
        expect(FUNCTIONAL.has(e.name)).toBe(false);
        expect(err).toBeInstanceOf(KerastsError);
        const msg = (err as Error).message;
        if (unsupported.length) {
          expect(err).toBeInstanceOf(UnsupportedError);
          expect(unsupported.some((c) => msg.includes(`"${c}"`))).toBe(true);
        } else {
          expect(msg).toMatch(/saved before it was built/);
        }
        expect(msg).toContain(e.name);
        return;
      }
      expect(unsupported).toEqual([]);
      if (orig) {
        const y = model.predict(orig.input);
        let m = 0;
        y.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - orig.output[i]!))));
        expect(m).toBeLessThanOrEqual(1e-5);
      }
      if (existsSync(expectedPath)) {
        const exp = JSON.parse(readFileSync(expectedPath, 'utf8')) as { input: Nested[]; output: Nested[]; output_keras2_hard_sigmoid?: Nested[] };
        // Single-input, single-output models store the arrays directly.
        const x = exp.input as Nested;
        const ref = (Number(String(e.keras_version ?? '1')[0]) <= 2 && exp.output_keras2_hard_sigmoid ? exp.output_keras2_hard_sigmoid : exp.output) as Nested;
        const y = model.predict(tensor(Float32Array.from(flat(x)), shapeOf(x)));
        const r = flat(ref);
        let m = 0;
        y.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - r[i]!))));
        expect(m).toBeLessThanOrEqual(FUNCTIONAL.has(e.name) ? 1e-5 : 1e-4);
        if (FUNCTIONAL.has(e.name)) {
          expect(model.layers[0]!.className).toBe('InputLayer');
          console.log(`${e.name}: functional, ${model.layers.length} layers, max|diff| vs Keras 3.15.1 = ${m.toExponential(2)}`);
        }
      }
    });
  }
});
