import { describe, expect, it } from 'vitest';
import { GRU, LSTM, INFERENCE, SimpleRNN } from '@kerasts/layers';
import { Random, Tensor } from '@kerasts/tensor';
import { Sequential } from '@kerasts/model';
import { applyWeights, convertForLayer, freeze, rescaleHardSigmoidForKeras3 } from '../src/index.js';

const rng = new Random(3);
const rand = (shape: number[]) => new Tensor(rng.fill(new Float32Array(shape.reduce((a, b) => a * b, 1)), () => rng.uniformRange(-1, 1)), shape);

/**
 * Keras 2.1.5's LSTM -> CuDNNLSTM direction (keras/engine/saving.py `_convert_rnn_weights`), written
 * independently with NumPy's semantics: per gate block, input kernels become `k.T.reshape(k.shape,
 * order='C')`, recurrent kernels `k.T`, and the bias is tiled as [0.5 b, 0.5 b].
 */
function toCudnn(kernel: Tensor, recurrent: Tensor, bias: Tensor, units: number): Tensor[] {
  const gate = (k: Tensor, g: number) => {
    const [rows] = k.shape as [number];
    const block: number[][] = [];
    for (let r = 0; r < rows; r++) block.push(Array.from(k.data.subarray(r * 4 * units + g * units, r * 4 * units + (g + 1) * units)));
    return block;
  };
  const transposeReshapeC = (b: number[][]) => {
    const rows = b.length, cols = b[0]!.length;
    const t: number[] = [];
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) t.push(b[r]![c]!); // k.T flattened in C order
    const out: number[][] = [];
    for (let r = 0; r < rows; r++) out.push(t.slice(r * cols, (r + 1) * cols)); // reshape to (rows, cols)
    return out;
  };
  const transpose = (b: number[][]) => b[0]!.map((_, c) => b.map((row) => row[c]!));
  const hstack = (blocks: number[][][], rows: number) => {
    const out = new Float32Array(rows * 4 * units);
    blocks.forEach((b, g) => b.forEach((row, r) => row.forEach((v, c) => (out[r * 4 * units + g * units + c] = v))));
    return out;
  };
  const d = kernel.shape[0]!;
  const k = hstack([0, 1, 2, 3].map((g) => transposeReshapeC(gate(kernel, g))), d);
  const u = hstack([0, 1, 2, 3].map((g) => transpose(gate(recurrent, g))), units);
  const b = new Float32Array(8 * units);
  bias.data.forEach((v, i) => {
    b[i] = 0.5 * v;
    b[4 * units + i] = 0.5 * v;
  });
  return [new Tensor(k, [d, 4 * units]), new Tensor(u, [units, 4 * units]), new Tensor(b, [8 * units])];
}

describe('old layouts convert on load', () => {
  it('CuDNNLSTM weights become the LSTM weights they came from', () => {
    const units = 3;
    const layer = new LSTM({ units });
    layer.build([null, 2, 5]);
    const w = [rand([5, 12]), rand([3, 12]), rand([12])];
    const conv = convertForLayer(layer, toCudnn(w[0]!, w[1]!, w[2]!, units), '2.1.6');
    expect(conv.note).toMatch(/CuDNNLSTM/);
    conv.values.forEach((v, i) => v.data.forEach((x, j) => expect(x).toBeCloseTo(w[i]!.data[j]!, 6)));
  });
  it('Keras 1 LSTMs stored as 12 arrays (i, c, f, o) merge into i, f, c, o', () => {
    const layer = new LSTM({ units: 2 });
    layer.build([null, 1, 3]);
    const parts = Array.from({ length: 12 }, (_, i) => (i % 3 === 0 ? rand([3, 2]) : i % 3 === 1 ? rand([2, 2]) : rand([2])));
    const conv = convertForLayer(layer, parts, '1.2.2');
    // kernel columns: W_i | W_f | W_c | W_o where the file holds W_i, W_c, W_f, W_o at 0, 3, 6, 9
    const kernel = conv.values[0]!;
    const col = (t: Tensor, r: number, c: number) => t.data[r * 8 + c]!;
    expect(col(kernel, 1, 2)).toBe(parts[6]!.data[1 * 2 + 0]); // f block starts at column 2 = W_f (index 6)
    expect(col(kernel, 2, 5)).toBe(parts[3]!.data[2 * 2 + 1]); // c block = W_c (index 3)
    expect(conv.values[2]!.data[6]).toBe(parts[11]!.data[0]); // o bias
  });
});

/**
 * Keras 2.1.5's GRU(reset_after=True) -> CuDNNGRU direction (`_convert_rnn_weights`), written
 * independently with NumPy's semantics: per gate block (z, r, h) input kernels become
 * `k.T.reshape(k.shape, order='C')`, recurrent kernels `k.T`, and the (2, 3u) bias is flattened.
 */
function toCudnnGru(kernel: Tensor, recurrent: Tensor, bias: Tensor, units: number): Tensor[] {
  const perGate = (k: Tensor, f: (block: number[][]) => number[][]) => {
    const rows = k.shape[0]!;
    const out = new Float32Array(rows * 3 * units);
    for (let g = 0; g < 3; g++) {
      const block: number[][] = [];
      for (let r = 0; r < rows; r++) block.push(Array.from(k.data.subarray(r * 3 * units + g * units, r * 3 * units + (g + 1) * units)));
      f(block).forEach((row, r) => row.forEach((v, c) => (out[r * 3 * units + g * units + c] = v)));
    }
    return new Tensor(out, k.shape);
  };
  const transposeReshapeC = (b: number[][]) => {
    const rows = b.length, cols = b[0]!.length;
    const flat: number[] = [];
    for (let c = 0; c < cols; c++) for (let r = 0; r < rows; r++) flat.push(b[r]![c]!);
    return Array.from({ length: rows }, (_, r) => flat.slice(r * cols, (r + 1) * cols));
  };
  const transpose = (b: number[][]) => b[0]!.map((_, c) => b.map((row) => row[c]!));
  return [perGate(kernel, transposeReshapeC), perGate(recurrent, transpose), new Tensor(new Float32Array(bias.data), [6 * units])];
}

describe('old GRU layouts convert on load', () => {
  it('CuDNNGRU weights become the GRU(reset_after=True) weights they came from', () => {
    const units = 3;
    const layer = new GRU(units);
    layer.build([null, 2, 5]);
    const w = [rand([5, 9]), rand([3, 9]), rand([2, 9])];
    const conv = convertForLayer(layer, toCudnnGru(w[0]!, w[1]!, w[2]!, units), '2.2.4');
    expect(conv.note).toMatch(/CuDNNGRU/);
    conv.values.forEach((v, i) => {
      expect(v.shape).toEqual(w[i]!.shape);
      v.data.forEach((x, j) => expect(x).toBe(w[i]!.data[j]!));
    });
    const old = new GRU(units, { resetAfter: false });
    old.build([null, 2, 5]);
    expect(() => convertForLayer(old, toCudnnGru(w[0]!, w[1]!, w[2]!, units), '2.2.4')).toThrow(/reset_after=True/);
  });
  it('Keras 1 GRUs stored as 9 arrays (W, U, b per gate z, r, h) merge into kernel, recurrent_kernel, bias', () => {
    const layer = new GRU(2, { resetAfter: false });
    layer.build([null, 1, 3]);
    const parts = Array.from({ length: 9 }, (_, i) => (i % 3 === 0 ? rand([3, 2]) : i % 3 === 1 ? rand([2, 2]) : rand([2])));
    const conv = convertForLayer(layer, parts, '1.2.2');
    expect(conv.values.map((v) => v.shape)).toEqual([[3, 6], [2, 6], [6]]);
    expect(conv.values[0]!.data[1 * 6 + 2]).toBe(parts[3]!.data[1 * 2 + 0]); // r block of the kernel = W_r
    expect(conv.values[1]!.data[0 * 6 + 5]).toBe(parts[7]!.data[0 * 2 + 1]); // h block of the recurrent kernel = U_h
    expect(conv.values[2]!.data[4]).toBe(parts[8]!.data[0]); // h bias
  });
});

describe('hard_sigmoid of Keras 2 carried into Keras 3 by rescaling', () => {
  for (const [name, make] of [
    ['GRU (reset_after=false), both activations hard_sigmoid', () => new GRU(4, { inputShape: [3, 2], recurrentActivation: 'hard_sigmoid', activation: 'hard_sigmoid', resetAfter: false })],
    ['GRU (reset_after=true), recurrent hard_sigmoid', () => new GRU(4, { inputShape: [3, 2], recurrentActivation: 'hard_sigmoid' })],
    ['SimpleRNN hard_sigmoid', () => new SimpleRNN(4, { inputShape: [3, 2], activation: 'hard_sigmoid' })],
  ] as const) {
    it(`${name}: predictions unchanged, the model now follows Keras 3`, () => {
      const model = new Sequential({ layers: [make()] });
      model.kerasVersion = '2.1.6';
      model.setWeights(model.getWeights().map((w) => rand([...w.shape])));
      const x = rand([5, 3, 2]);
      const before = model.predict(x);
      const up = rescaleHardSigmoidForKeras3(model);
      expect(up.impossible).toEqual([]);
      expect(up.rescaled.length).toBe(1);
      expect(model.kerasVersion.startsWith('3')).toBe(true);
      model.predict(x).data.forEach((v, i) => expect(Math.abs(v - before.data[i]!)).toBeLessThanOrEqual(2e-6));
    });
  }

  it('predictions are unchanged and the model now follows Keras 3', () => {
    const model = new Sequential({ layers: [new LSTM({ units: 4, inputShape: [3, 2], recurrentActivation: 'hard_sigmoid' })] });
    model.kerasVersion = '2.0.8';
    model.setWeights(model.getWeights().map((w) => rand([...w.shape])));
    const x = rand([5, 3, 2]);
    const before = model.predict(x);
    const up = rescaleHardSigmoidForKeras3(model);
    expect(up.impossible).toEqual([]);
    expect(model.kerasVersion.startsWith('3')).toBe(true);
    const after = model.predict(x);
    after.data.forEach((v, i) => expect(Math.abs(v - before.data[i]!)).toBeLessThanOrEqual(1e-6));
    void INFERENCE;
  });
  it('refuses where it cannot (cell activation hard_sigmoid)', () => {
    const model = new Sequential({ layers: [new LSTM({ units: 2, inputShape: [1, 1], activation: 'hard_sigmoid' })] });
    model.kerasVersion = '2.2.4';
    expect(rescaleHardSigmoidForKeras3(model).impossible.length).toBe(1);
    expect(model.kerasVersion).toBe('2.2.4');
  });
});

describe('applyWeights and freeze', () => {
  it('freeze marks layers untrainable; topological count mismatch names both sides', () => {
    const model = new Sequential({ layers: [new LSTM({ units: 2, inputShape: [1, 1], name: 'enc' })] });
    expect(freeze(model, ['enc'])[0]!.trainable).toBe(false);
    expect(model.layers[0]!.trainableWeights.length).toBe(0);
    expect(() => applyWeights(model, { layers: [], kerasVersion: '3', backend: null })).toThrow(/0 layer\(s\).*the model has 1 \[enc\]/);
  });
});
