// Old convolution files compute what the Keras that wrote them computed (tools/oracle/fixtures/conv/legacy,
// made by tools/oracle/gen_conv_fixtures.py): Keras 1 configs (nb_filter, nb_row, border_mode, subsample,
// dim_ordering 'th', pool_length, AtrousConvolution1D, ...) and kernel layouts, and Theano-flipped kernels.
// Each .h5 is the file those Keras versions wrote; the reference output is Keras 3.15.1's on the same
// weights in today's layout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '@kerasts/io-json';
import { applyWeights } from '@kerasts/transfer';
import { tensor, type Tensor } from '@kerasts/tensor';
import { loadModel } from '../src/index.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'conv', 'legacy');
interface Arr {
  shape: number[];
  values: number[];
}
interface Legacy {
  name: string;
  keras_version: string;
  backend: string | null;
  model_json: unknown;
  stored_weights: Arr[];
  weights: Arr[];
  input: Arr;
  output: Arr;
}
const load = (n: string): Legacy => JSON.parse(readFileSync(join(dir, `${n}.json`), 'utf8')) as Legacy;
const t = (a: Arr): Tensor => tensor(Float32Array.from(a.values), a.shape);
const maxDiff = (a: ArrayLike<number>, b: readonly number[]): number => b.reduce((m, v, i) => Math.max(m, Math.abs(a[i]! - v)), 0);

describe('old convolution files predict what their Keras computed', () => {
  for (const name of ['k1_conv2d_th_tf', 'k1_conv1d', 'k2_theano_flip_208', 'k2_theano_flip_224']) {
    it(`${name}: loadModel`, async () => {
      const fx = load(name);
      const model = await loadModel(join(dir, `${name}.h5`));
      const y = model.predict(t(fx.input));
      expect([...y.shape]).toEqual(fx.output.shape);
      const d = maxDiff(y.data, fx.output.values);
      console.log(`${name}: max|Δ| ${d.toExponential(2)}`);
      expect(d).toBeLessThanOrEqual(1e-5);
    });
  }

  it('k2_theano_flip: without the flip the numbers are different (the conversion matters)', () => {
    const fx = load('k2_theano_flip_208');
    const model = modelFromJSON(fx.model_json as never);
    model.setWeights(fx.stored_weights.map(t));
    expect(maxDiff(model.predict(t(fx.input)).data, fx.output.values)).toBeGreaterThan(1e-2);
  });

  it('the report names the conversions', () => {
    const fx = load('k2_theano_flip_208');
    const model = modelFromJSON(fx.model_json as never);
    let k = 0;
    const layers = model.layers.filter((l) => l.weights.length > 0).map((l) => ({ layerName: l.name, weights: l.weights.map((w) => ({ name: w.name, value: t(fx.stored_weights[k++]!) })) }));
    const report = applyWeights(model, { kerasVersion: '2.0.8', backend: 'theano', layers });
    expect(report.conversions.filter((c) => /Theano/.test(c))).toHaveLength(2); // Conv2D, Conv2DTranspose; not SeparableConv2D
    expect(maxDiff(model.predict(t(fx.input)).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
  });

  it('k1_theano_conv: a Keras 1 file does not record its backend; told it was Theano, the kernels are flipped back', async () => {
    const fx = load('k1_theano_conv');
    const file = join(dir, 'k1_theano_conv.h5');
    const asTheano = await loadModel(file, { backend: 'theano' });
    expect(maxDiff(asTheano.predict(t(fx.input)).data, fx.output.values)).toBeLessThanOrEqual(1e-5);
    // not told: read as TensorFlow's kernels (Keras 2's choice too), which Theano did not compute
    const asIs = await loadModel(file);
    expect(maxDiff(asIs.predict(t(fx.input)).data, fx.output.values)).toBeGreaterThan(1e-3);
  });

  it('Keras 1 configs normalize to Keras 2 names', () => {
    const model = modelFromJSON(load('k1_conv2d_th_tf').model_json as never);
    const conv = model.layers[0]!.getConfig();
    expect(conv).toMatchObject({ filters: 3, kernel_size: [3, 2], strides: [1, 1], padding: 'same', data_format: 'channels_first', activation: 'relu', use_bias: true });
    expect(model.layers[0]!.className).toBe('Conv2D');
    expect(model.layers[1]!.getConfig()).toMatchObject({ pool_size: [2, 2], strides: [2, 2], padding: 'valid', data_format: 'channels_first' });
    const m1 = modelFromJSON(load('k1_conv1d').model_json as never);
    expect(m1.layers[0]!.getConfig()).toMatchObject({ filters: 4, kernel_size: [3], padding: 'same', batch_input_shape: [null, 12, 3] });
    expect(m1.layers[1]!.getConfig()).toMatchObject({ pool_size: [2], strides: [1] });
    expect(m1.layers[2]!.getConfig()).toMatchObject({ dilation_rate: [2], kernel_size: [2] });
  });
});
