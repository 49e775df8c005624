// Every real Keras file written by other people either loads and predicts its reference (the ORIGINAL
// Keras' outputs where published, else Keras 3.15.1's with Keras-2 hard_sigmoid where the file is from
// Keras <= 2, else a NumPy reference of the file's own Keras in tools/oracle/fixtures/real-files), or
// is refused with an UnsupportedError that names the layer class and the file. Which classes are
// supported comes from the layer registry, so a file starts to be checked as soon as its layers exist.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import h5wasm from 'h5wasm';
import { expect, it } from 'vitest';
import { describeShared, fixturesDir, sharedDir } from '../../../tools/testing/shared.js';
import { modelFromJSON } from '@kerasts/io-json';
import { isLayerRegistered } from '@kerasts/layers';
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
  backend?: string | null;
  theano_conv_kernels?: boolean;
}
const manifest = sharedDir === null ? [] : (JSON.parse(readFileSync(join(realRoot, 'manifest.json'), 'utf8')) as Entry[]);
// Functional files (class Model/Functional) whose layers are all supported must load and predict within 1e-5.
const FUNCTIONAL = new Set(['tf230_melody_functional_lstm', 'k200_hls4ml_3layer_dense_weights', 'k216_siamese_bilstm_functional', 'k224_seq2seq_katakana_timedistributed', 'k231_bilstm_timedistributed_functional']);
// Faithful references made here where the corpus has none (tools/oracle/gen_real_file_refs.py).
const ownRefs = join(fixturesDir, 'real-files');

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
  // Keras 1 files do not record their backend; the corpus knows which were written with Theano (whose
  // convolution kernels are flipped), and so must the loader.
  return loadModel(file, e.theano_conv_kernels === true && !e.backend ? { backend: 'theano' } : {});
}

describeShared('real Keras files of every era', () => {
  for (const e of manifest) {
    const unsupported = e.all_layer_classes.filter((c) => !isLayerRegistered(c));
    it(`${e.name} (Keras ${e.keras_version ?? '1.x'})`, async () => {
      const expectedPath = join(realRoot, 'expected', `${e.name}.json`);
      const orig = await origIo(join(realRoot, 'files', `${e.name}.orig_io.h5`));
      let model: Model;
      try {
        model = await loadEntry(e);
      } catch (err) {
        // Refused: it must be a typed error that names an unsupported layer class (or the unbuilt
        // model) and the file. Functional models with supported layers load.
        expect(FUNCTIONAL.has(e.name) && unsupported.length === 0).toBe(false);
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
      const ownPath = join(ownRefs, `${e.name}.json`);
      if (existsSync(ownPath)) {
        const ref = JSON.parse(readFileSync(ownPath, 'utf8')) as { input: { shape: number[]; values: number[] }; output: { shape: number[]; values: number[] } };
        const y = model.predict(tensor(Float32Array.from(ref.input.values), ref.input.shape));
        expect(y.shape).toEqual(ref.output.shape);
        let m = 0;
        y.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - ref.output.values[i]!))));
        console.log(`${e.name}: max|diff| vs the NumPy reference of its own Keras = ${m.toExponential(2)}`);
        expect(m).toBeLessThanOrEqual(1e-5);
      }
      if (!existsSync(expectedPath)) {
        // Saved before it was built: it loads, has no weights and cannot run (as in Keras).
        if (e.name === 'k3132_unbuilt_no_weights') {
          expect(model.built).toBe(false);
          expect(model.countParams()).toBe(0);
        }
        return;
      }
      const exp = JSON.parse(readFileSync(expectedPath, 'utf8')) as { input: Nested[]; output: Nested[] | null; output_keras2_hard_sigmoid?: Nested[] };
      // Single-input, single-output models store the arrays directly; others a list in model order.
      const nIn = model.inputShapes?.length ?? 1;
      const xs = nIn > 1 ? (exp.input as Nested[]) : [exp.input as Nested];
      const inputs = xs.map((x) => tensor(Float32Array.from(flat(x)), shapeOf(x)));
      const ys = model.predictOutputs(inputs);
      if (exp.output === null || flat(exp.output as Nested).every((v) => v === null)) {
        // k231: every stored weight is NaN upstream; the structure loads and the output is NaN throughout.
        expect(ys[0]!.shape).toEqual(shapeOf(exp.output as Nested));
        expect(ys[0]!.data.every((v) => Number.isNaN(v))).toBe(true);
        return;
      }
      const ref = (Number(String(e.keras_version ?? '1')[0]) <= 2 && exp.output_keras2_hard_sigmoid ? exp.output_keras2_hard_sigmoid : exp.output) as Nested;
      const refs = ys.length > 1 ? (ref as Nested[]) : [ref];
      let m = 0;
      ys.forEach((y, k) => {
        const r = flat(refs[k]!);
        expect(y.size).toBe(r.length);
        y.data.forEach((v, i) => (m = Math.max(m, Math.abs(v - r[i]!))));
      });
      expect(m).toBeLessThanOrEqual(FUNCTIONAL.has(e.name) ? 1e-5 : 1e-4);
      console.log(`${e.name}: ${model.layers.length} layers, max|diff| vs its reference = ${m.toExponential(2)}`);
      if (FUNCTIONAL.has(e.name)) expect(model.layers[0]!.className).toBe('InputLayer');
    });
  }
});
