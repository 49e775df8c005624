/**
 * Sequential inference runs a convolution and the max pooling after it in one pass (Layer.callFused):
 * predictions must be bit for bit those of the layers called one by one, in either data format, for
 * pairs that fuse and pairs that do not, on every call (the outputs come from the buffer pool) and in
 * every batching.
 */
import { describe, expect, it } from 'vitest';
import { AveragePooling2D, Conv2D, Dense, Flatten, MaxPooling2D, type Layer } from '@kerasts/layers';
import { Random, Tensor } from '@kerasts/tensor';
import { Sequential } from '../src/index.js';

function data(shape: number[], seed: number): Tensor {
  const r = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return new Tensor(r.fill(new Float32Array(n), () => r.uniformRange(-1, 1)), shape);
}

/** The layers called one after the other (no fusion). */
function chain(layers: readonly Layer[], x: Tensor): Tensor {
  const ctx = { training: false, hardSigmoid: 'keras3' as const };
  return layers.reduce((t, l) => l.call(t, ctx), x);
}

describe('convolution + max pooling fused in Sequential inference', () => {
  const cases: [string, () => Layer[], number[]][] = [
    [
      'channels_last, relu, two fused pairs (the second through im2col + GEMM)',
      () => [
        new Conv2D(8, 3, { activation: 'relu', inputShape: [13, 12, 1] }),
        new MaxPooling2D(2),
        new Conv2D(6, 3, { activation: 'relu' }),
        new MaxPooling2D(2, { padding: 'same' }),
        new Flatten(),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      [13, 12, 1],
    ],
    [
      'the W6 layout: the second pair through Winograd with the pooling in its output transform (odd size)',
      () => [
        new Conv2D(8, 3, { activation: 'relu', inputShape: [28, 27, 1] }),
        new MaxPooling2D(2),
        new Conv2D(16, 3, { activation: 'relu' }),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense({ units: 3, activation: 'softmax' }),
      ],
      [28, 27, 1],
    ],
    [
      'channels_first, Winograd, linear, 2×2 tiles (6×6 outputs)',
      () => [
        new Conv2D(4, 3, { dataFormat: 'channels_first', padding: 'same', inputShape: [8, 6, 6] }),
        new MaxPooling2D(2, { dataFormat: 'channels_first' }),
        new Flatten(),
        new Dense({ units: 2 }),
      ],
      [8, 6, 6],
    ],
    [
      'channels_first, linear, overlapping windows',
      () => [
        new Conv2D(5, [3, 2], { dataFormat: 'channels_first', inputShape: [2, 11, 10] }),
        new MaxPooling2D(3, { strides: 2, dataFormat: 'channels_first' }),
        new Flatten(),
        new Dense({ units: 2 }),
      ],
      [2, 11, 10],
    ],
    [
      'pairs that do not fuse (tanh, average pooling)',
      () => [
        new Conv2D(4, 3, { activation: 'tanh', inputShape: [9, 9, 1] }),
        new MaxPooling2D(2),
        new Conv2D(4, 2, { activation: 'relu' }),
        new AveragePooling2D(2),
        new Flatten(),
        new Dense({ units: 2 }),
      ],
      [9, 9, 1],
    ],
  ];
  for (const [name, make, inShape] of cases) {
    it(name, () => {
      const layers = make();
      const model = new Sequential({ layers });
      const x = data([12, ...inShape], 1);
      const first = model.predict(x, { batchSize: 12 });
      expect(Array.from(first.data)).toEqual(Array.from(chain(layers, x).data));
      for (let k = 0; k < 3; k++) {
        expect(Array.from(model.predict(x, { batchSize: 12 }).data)).toEqual(Array.from(first.data));
        expect(Array.from(model.predict(x, { batchSize: 4 }).data)).toEqual(Array.from(first.data));
        // another input in between: a reused buffer must not leak into the next prediction
        model.predict(data([12, ...inShape], k + 2), { batchSize: 12 });
      }
    });
  }

  it('fuses exactly the pairs it can: a max pooling after a relu or linear convolution in the same data format', () => {
    const ctx = { training: false, hardSigmoid: 'keras3' as const };
    const built = (layers: Layer[]): Layer[] => (new Sequential({ layers }), layers); // builds the weights
    const [c1, p1, c2, p2] = built(cases[0]![1]());
    const x = data([2, 13, 12, 1], 3);
    const fused = c1!.callFused!(p1!, x, ctx);
    expect(fused).not.toBeNull();
    expect(Array.from(fused!.data)).toEqual(Array.from(p1!.call(c1!.call(x, ctx), ctx).data));
    const [t1, tp1, t2, ap2] = built(cases[4]![1]());
    const y = data([2, 9, 9, 1], 4);
    expect(t1!.callFused!(tp1!, y, ctx)).toBeNull(); // tanh: the kernel applies relu or linear only
    expect(t2!.callFused!(ap2!, tp1!.call(t1!.call(y, ctx), ctx), ctx)).toBeNull(); // average pooling
    expect(c2!.callFused!(new Flatten(), p1!.call(c1!.call(x, ctx), ctx), ctx)).toBeNull();
    expect(p2).toBeDefined();
    const [mixed] = built([new Conv2D(3, 2, { dataFormat: 'channels_first', inputShape: [1, 6, 6] })]);
    expect(mixed!.callFused!(new MaxPooling2D(2), data([1, 1, 6, 6], 5), ctx)).toBeNull(); // formats differ
  });

  it('a model output is never a pooled buffer reused by a later call', () => {
    // the pooled activation is the model's output here: nothing may overwrite it afterwards
    const model = new Sequential({ layers: [new Conv2D(16, 3, { activation: 'relu', inputShape: [40, 40, 1] }), new MaxPooling2D(2)] });
    const a = model.predict(data([4, 40, 40, 1], 1));
    const copy = Array.from(a.data);
    model.predict(data([4, 40, 40, 1], 2));
    model.predict(data([4, 40, 40, 1], 3));
    expect(Array.from(a.data)).toEqual(copy);
  });
});

describe('pooled buffers in CNN training', () => {
  function cnn(seed: number): Sequential {
    const m = new Sequential({
      layers: [
        new Conv2D(8, 3, { activation: 'relu', inputShape: [14, 14, 1] }),
        new MaxPooling2D(2),
        new Conv2D(16, 3, { activation: 'relu' }),
        new MaxPooling2D(2),
        new Flatten(),
        new Dense({ units: 4, activation: 'softmax' }),
      ],
    });
    const r = new Random(seed);
    m.setWeights(m.getWeights().map((w) => new Tensor(Float32Array.from(w.data, () => r.uniformRange(-0.3, 0.3)), w.shape)));
    m.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
    return m;
  }
  const labels = (n: number): Tensor => new Tensor(Float32Array.from({ length: n * 4 }, (_, i) => (i % 4 === Math.floor(i / 4) % 4 ? 1 : 0)), [n, 4]);

  it('a model trains exactly as alone when other models train in between (no buffer is reused while in use)', () => {
    const x = data([16, 14, 14, 1], 7), y = labels(16);
    const alone = cnn(1);
    for (let s = 0; s < 3; s++) alone.trainOnBatch(x, y);
    const a = cnn(1), b = cnn(2);
    const xb = data([16, 14, 14, 1], 8);
    for (let s = 0; s < 3; s++) {
      a.trainOnBatch(x, y);
      b.trainOnBatch(xb, y); // takes the buffers a gave back
      b.predict(xb);
    }
    const wa = a.getWeights(), w0 = alone.getWeights();
    wa.forEach((w, i) => expect(Array.from(w.data)).toEqual(Array.from(w0[i]!.data)));
    // and predictions made before more training are not overwritten by it
    const p = a.predict(x);
    const copy = Array.from(p.data);
    a.trainOnBatch(x, y);
    b.trainOnBatch(xb, y);
    expect(Array.from(p.data)).toEqual(copy);
  });
});
