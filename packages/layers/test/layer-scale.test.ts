// ConvNeXt's LayerScale (keras.src.applications.convnext): its numbers against Keras are in io-keras'
// keras-files test (fixture seq_layer_scale_adam: predict, the .keras layout, resumed training); here
// its gradients, config and refusals.
import { describe, expect, it } from 'vitest';
import { ConfigError, ShapeMismatchError } from '@kerasts/tensor';
import { LayerScale, deserializeLayer } from '../src/index.js';
import { gradCheck, randomTensor } from './grad-check.js';

describe('LayerScale', () => {
  it('multiplies the last axis by gamma, starting from init_values', () => {
    const l = new LayerScale(0.5, 3);
    l.build([null, 2, 3]);
    expect(Array.from(l.weights[0]!.value.data)).toEqual([0.5, 0.5, 0.5]);
    expect(l.weights[0]!.name).toBe('variable');
    l.weights[0]!.value.data.set([1, -2, 4]);
    const x = randomTensor([2, 2, 3], 3, 1);
    const y = l.call(x, { training: false, hardSigmoid: 'keras3' });
    for (let i = 0; i < x.size; i++) expect(y.data[i]).toBe(Math.fround(x.data[i]! * [1, -2, 4][i % 3]!));
  });
  it('has gradients that match central differences', () => {
    const l = new LayerScale(0.7, 4);
    l.build([null, 3, 4]);
    const r = gradCheck(l, randomTensor([2, 3, 4], 9, 1));
    expect(r.input).toBeLessThan(1e-3);
    expect(r.weights.variable).toBeLessThan(1e-3);
  });
  it('round-trips its Keras config', () => {
    const l = new LayerScale({ initValues: 1e-6, projectionDim: 96, name: 'stage_0_block_0_layer_scale' });
    const again = deserializeLayer('LayerScale', l.getConfig()) as LayerScale;
    expect([again.initValues, again.projectionDim, again.name]).toEqual([1e-6, 96, 'stage_0_block_0_layer_scale']);
  });
  it('refuses an input whose last axis is not projection_dim, and bad configs, naming the layer', () => {
    const l = new LayerScale(0.1, 5, { name: 'ls' });
    expect(() => l.build([null, 4, 6])).toThrow(ShapeMismatchError);
    expect(() => l.build([null, 4, 6])).toThrow(/layer "ls" \(LayerScale\).*projection_dim = 5/);
    expect(() => new LayerScale(0.1, 0)).toThrow(ConfigError);
    expect(() => deserializeLayer('LayerScale', { name: 'x', projection_dim: 4 })).toThrow(/init_values/);
  });
});
