import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeEach, describe, expect, it } from 'vitest';
import { Dense, Dropout, InputLayer, LSTM, clearSession, setRandomSeed } from '@kerasts/layers';
import { KerastsError, ShapeMismatchError, Tensor, tensor } from '@kerasts/tensor';
import { Sequential } from '../src/index.js';

const fixtureDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'predict');
interface Arr { shape: number[]; values: number[] }
const load = (n: string) => JSON.parse(readFileSync(join(fixtureDir, `${n}.json`), 'utf8')) as { weights: Arr[]; input: Arr; output: Arr };
const t = (a: Arr) => tensor(Float32Array.from(a.values), a.shape);

beforeEach(() => {
  clearSession();
  setRandomSeed(1);
});

describe('Sequential', () => {
  it('builds the seed model with Keras 3 names, summary and parameter counts', () => {
    const model = new Sequential();
    model.add(new LSTM({ units: 4, inputShape: [1, 8] }));
    model.add(new Dense({ units: 1 }));
    expect(model.name).toBe('sequential');
    expect(model.layers.map((l) => l.name)).toEqual(['lstm', 'dense']);
    expect(model.outputShapes).toEqual([[null, 1]]);
    // Keras 3.15.1's table for this model into a pipe (76 columns; apps/cli/test/summary.test.ts
    // holds every table to Keras' own output).
    expect(model.summary({ print: null, lineLength: 76 }).split('\n')).toEqual([
      'Model: "sequential"',
      '┏━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━┓',
      '┃ Layer (type)                    ┃ Output Shape           ┃       Param # ┃',
      '┡━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━┩',
      '│ lstm (LSTM)                     │ (None, 4)              │           208 │',
      '├─────────────────────────────────┼────────────────────────┼───────────────┤',
      '│ dense (Dense)                   │ (None, 1)              │             5 │',
      '└─────────────────────────────────┴────────────────────────┴───────────────┘',
      ' Total params: 213 (852.00 B)',
      ' Trainable params: 213 (852.00 B)',
      ' Non-trainable params: 0 (0.00 B)',
    ]);
    // Keras 2's layout (what Keras 2.x printed; the default for models from Keras <= 2 files).
    expect(model.summary({ print: null, style: 'keras-2' }).split('\n')).toEqual([
      'Model: "sequential"',
      '_'.repeat(65),
      'Layer (type)                 Output Shape              Param #',
      '='.repeat(65),
      'lstm (LSTM)                  (None, 4)                 208',
      '_'.repeat(65),
      'dense (Dense)                (None, 1)                 5',
      '='.repeat(65),
      'Total params: 213',
      'Trainable params: 213',
      'Non-trainable params: 0',
      '_'.repeat(65),
    ]);
    model.kerasVersion = '2.2.4';
    expect(model.summary(null)).toContain('_'.repeat(65));
  });

  it('predicts what Keras 3.15.1 predicted for the seed model (oracle fixture)', () => {
    const fx = load('seed_keras3');
    const model = new Sequential({ layers: [new LSTM({ units: 4, inputShape: [1, 8] }), new Dense({ units: 1 })] });
    model.setWeights(fx.weights.map(t));
    const y = model.predict(t(fx.input));
    expect(y.shape).toEqual(fx.output.shape);
    y.data.forEach((v, i) => expect(Math.abs(v - fx.output.values[i]!)).toBeLessThanOrEqual(1e-5));
  });

  it('gives the same numbers whatever the batch size', () => {
    const model = new Sequential({ layers: [new LSTM({ units: 5, inputShape: [4, 3], returnSequences: true }), new Dropout({ rate: 0.5 }), new Dense({ units: 2 })] });
    const x = tensor(Float32Array.from({ length: 37 * 4 * 3 }, (_, i) => Math.sin(i)), [37, 4, 3]);
    const a = model.predict(x, { batchSize: 37 });
    const b = model.predict(x, { batchSize: 5 });
    expect(b.shape).toEqual([37, 4, 2]);
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
  });

  it('add / pop / getLayer / getWeights / setWeights', () => {
    const model = new Sequential({ layers: [new InputLayer({ batchInputShape: [null, 3] }), new Dense({ units: 4, name: 'a' }), new Dense({ units: 2, name: 'b' })] });
    expect(model.getLayer('b').name).toBe('b');
    expect(() => model.getLayer('c')).toThrow(/no layer named "c".*a, b/);
    const ws = model.getWeights();
    expect(ws.map((w) => w.shape)).toEqual([[3, 4], [4], [4, 2], [2]]);
    expect(() => model.setWeights(ws.slice(1))).toThrow(/has 4 weight arrays.*got 3/);
    expect(() => model.setWeights([ws[0]!, ws[1]!, new Tensor(new Float32Array(8), [2, 4]), ws[3]!])).toThrow(ShapeMismatchError);
    expect(model.pop().name).toBe('b');
    expect(model.outputShapes).toEqual([[null, 4]]);
    expect(() => model.add(new Dense({ units: 1, name: 'a' }))).toThrow(/unique names/);
  });

  it('builds lazily from the first predict when no input shape is declared', () => {
    const model = new Sequential({ layers: [new Dense({ units: 2 })] });
    expect(model.built).toBe(false);
    // Keras 3 summarises an unbuilt model ('?', '0 (unbuilt)'); Keras 2's layout needs the shapes.
    expect(model.summary({ print: null, lineLength: 76 })).toContain('│ dense (Dense)                   │ ?                      │   0 (unbuilt) │');
    expect(() => model.summary({ print: null, style: 'keras-2' })).toThrow(KerastsError);
    const y = model.predict(tensor([[1, 2, 3]]));
    expect(y.shape).toEqual([1, 2]);
    expect(model.buildInputShape).toEqual([null, 3]);
  });

  it('rejects inputs of the wrong shape, naming model and shapes', () => {
    const model = new Sequential({ layers: [new LSTM({ units: 2, inputShape: [1, 8] })] });
    expect(() => model.predict(tensor([[[1, 2, 3]]]))).toThrow(/expects \(None, 1, 8\), found \(1, 1, 3\)/);
  });

  it('stateful LSTMs carry state across calls until resetStates()', () => {
    const model = new Sequential({ layers: [new LSTM({ units: 3, batchInputShape: [2, 1, 2], stateful: true })] });
    const x = tensor(Float32Array.from([0.5, -1, 1, 0.25]), [2, 1, 2]);
    const first = model.predict(x);
    const second = model.predict(x);
    expect(Array.from(second.data)).not.toEqual(Array.from(first.data));
    model.resetStates();
    expect(Array.from(model.predict(x).data)).toEqual(Array.from(first.data));
  });

  it('returnState on the last LSTM gives output, h and c', () => {
    const model = new Sequential({ layers: [new LSTM({ units: 3, inputShape: [4, 2], returnState: true })] });
    const outs = model.predictOutputs(tensor(Float32Array.from({ length: 8 }, (_, i) => i / 8), [1, 4, 2]));
    expect(outs.length).toBe(3);
    expect(Array.from(outs[0]!.data)).toEqual(Array.from(outs[1]!.data));
    expect(() => model.add(new Dense({ units: 1 }))).toThrow(/returnState/);
  });
});
