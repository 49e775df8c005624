/**
 * Non-trainable state updated by training-mode forward passes (LayerTape.stateUpdates, e.g.
 * BatchNormalization's moving statistics): assigned once per training step after the optimizer step,
 * never by predict, evaluate or validation.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession, Dense, identityTape, Layer, setNamingConvention, type LayerTape, type LayerWeight, type Shape, type TrainCallContext } from '@kerasts/layers';
import { Tensor } from '@kerasts/tensor';
import { Sequential, SGD } from '../src/index.js';

/** Identity that sums the batch means of its input into a non-trainable weight in training mode. */
class SumOfBatchMeans extends Layer {
  readonly className = 'SumOfBatchMeans';
  seen!: LayerWeight;
  /** Value of the Dense kernel the layer saw when its update was applied (order check). */
  constructor() {
    super({}, 'sum_of_batch_means');
  }
  protected override buildWeights(inputShape: Shape): void {
    this.seen = this.addWeight('seen', [inputShape[1] as number], new Float32Array(inputShape[1] as number), false);
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  call(x: Tensor): Tensor {
    return x;
  }
  override forwardTrain(x: Tensor, ctx: TrainCallContext): LayerTape {
    const tape = identityTape(x, ctx.needInputGrad);
    if (!ctx.training) return tape;
    const [n, f] = x.shape as [number, number];
    const next = this.seen.value.data.slice();
    for (let b = 0; b < n; b++) for (let j = 0; j < f; j++) next[j] += x.data[b * f + j]! / n;
    return { ...tape, stateUpdates: [{ weight: this.seen, value: new Tensor(next, [f]) }] };
  }
}

beforeEach(() => {
  clearSession();
  setNamingConvention('keras-3');
});

function setup() {
  const counter = new SumOfBatchMeans();
  const model = new Sequential({ layers: [counter, new Dense(1)] });
  model.build([null, 2]);
  model.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse' });
  const x = new Tensor(Float32Array.from({ length: 12 }, (_, i) => i), [6, 2]);
  const y = new Tensor(new Float32Array(6).fill(1), [6, 1]);
  return { counter, model, x, y };
}

describe('state updates of training forward passes', () => {
  it('are applied once per training step (fit: 2 epochs × 3 batches)', async () => {
    const { counter, model, x, y } = setup();
    await model.fit(x, y, { epochs: 2, batchSize: 2, shuffle: false, verbose: 0, validationData: [x, y] });
    // batch means per feature: (0+2)/2, (4+6)/2, (8+10)/2 → 1+5+9 = 15 per epoch; feature 1: 2+6+10 = 18.
    expect(Array.from(counter.seen.value.data)).toEqual([30, 36]);
  });
  it('are not applied by predict, evaluate or testOnBatch, and trainOnBatch applies one', () => {
    const { counter, model, x, y } = setup();
    model.predict(x);
    model.evaluate(x, y);
    model.testOnBatch(x, y);
    expect(Array.from(counter.seen.value.data)).toEqual([0, 0]);
    model.trainOnBatch(x, y);
    const [a, b] = counter.seen.value.data;
    expect(a).toBeCloseTo(5, 5);
    expect(b).toBeCloseTo(6, 5);
  });
  it('the weight is not trained and keeps its identity (a new value, never in place)', async () => {
    const { counter, model, x, y } = setup();
    const before = counter.seen.value;
    await model.fit(x, y, { epochs: 1, batchSize: 6, shuffle: false, verbose: 0 });
    expect(model.trainableWeights.includes(counter.seen)).toBe(false);
    expect(Array.from(before.data)).toEqual([0, 0]);
    expect(model.getWeights()[0]!.data[0]).toBeCloseTo(5, 5);
  });
});
