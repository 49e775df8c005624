// Embedding → Conv1D models (tools/oracle/fixtures/token-conv, made by tools/oracle/gen_token_conv_fixtures.py
// with Keras 3.15.1): kerasts predicts them through the token-projection fold (the convolution from kept
// per-token projections of the embedding table) and through the ordinary layer-by-layer path, and both
// agree with Keras. Also: the fold is deterministic and independent of the batch a token first came in,
// follows weight changes, keeps the Embedding's typed error for out-of-range tokens, and respects its cap.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clearPackCache, ConfigError, getBackend, markWeightsChanged, setBackend, setTokenProjectionLimit, Tensor, tokenProjectionStats } from '@kerasts/tensor';
import { modelFromJSON } from '../src/index.js';
import { repoRoot, toTensor, type FixtureArray } from './helpers.js';

const dir = join(repoRoot, 'tools', 'oracle', 'fixtures', 'token-conv');
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.slice(0, -5))
  .sort();

interface TokenConvFixture {
  name: string;
  keras_version: string;
  model_json: Record<string, unknown>;
  weights: (FixtureArray & { name: string })[];
  input: FixtureArray;
  output?: FixtureArray;
  outputs?: FixtureArray[];
}
const load = (name: string): TokenConvFixture => JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as TokenConvFixture;
const expected = (fx: TokenConvFixture): FixtureArray[] => fx.outputs ?? [fx.output!];

function build(fx: TokenConvFixture) {
  const model = modelFromJSON(fx.model_json as never);
  model.setWeights(fx.weights.map(toTensor));
  return model;
}

/** max |a − b| / max(1, max |b|) */
function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i]!));
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m / scale;
}

/** The tables made and rows computed while `f` runs. */
function projections<T>(f: () => T): { result: T; rows: number; tables: number } {
  const before = tokenProjectionStats();
  const result = f();
  const after = tokenProjectionStats();
  return { result, rows: after.rowsComputed - before.rowsComputed, tables: after.tables - before.tables };
}

/** Convolutions the fold computes in each case (the Conv1Ds whose input is only the embedded sequence). */
const FOLDED: Record<string, number> = { functional_kim_cnn: 2, functional_embedding_also_output: 1 };

afterEach(() => {
  setTokenProjectionLimit(64 * 1024 * 1024);
  clearPackCache();
});

describe('Embedding → Conv1D predicts what Keras 3.15.1 predicts, folded and not', () => {
  it('covers the paddings, strides, dilation, masks and graph shapes', () => {
    expect(names.length).toBeGreaterThanOrEqual(10);
    const configs = names.flatMap((n) => (load(n).model_json as { config: { layers: { class_name: string; config: Record<string, unknown> }[] } }).config.layers);
    const convs = configs.filter((l) => l.class_name === 'Conv1D').map((l) => l.config);
    for (const p of ['valid', 'same', 'causal']) expect(convs.some((c) => c.padding === p), p).toBe(true);
    expect(convs.some((c) => (c.strides as number[])[0]! > 1)).toBe(true);
    expect(convs.some((c) => (c.dilation_rate as number[])[0]! > 1)).toBe(true);
    expect(configs.some((l) => l.class_name === 'Embedding' && l.config.mask_zero === true)).toBe(true);
  });

  let worst = 0;
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const model = build(fx);
      const x = toTensor(fx.input);
      const want = expected(fx);
      const folded = projections(() => model.predictOutputs(x));
      // every token of the batch got a row in each folded convolution's table
      const distinct = new Set(fx.input.values).size;
      const convs = FOLDED[name] ?? 1;
      expect(folded.tables).toBe(convs);
      expect(folded.rows).toBe(distinct * convs);
      setTokenProjectionLimit(0);
      const plain = projections(() => model.predictOutputs(x));
      expect(plain.tables + plain.rows).toBe(0);
      want.forEach((w, k) => {
        expect([...folded.result[k]!.shape]).toEqual(w.shape);
        const d = maxRelDiff(folded.result[k]!.data, w.values);
        worst = Math.max(worst, d);
        expect(d, `fold vs Keras, output ${k}`).toBeLessThanOrEqual(1e-5);
        expect(maxRelDiff(plain.result[k]!.data, w.values), `layer by layer vs Keras, output ${k}`).toBeLessThanOrEqual(1e-5);
        expect(maxRelDiff(folded.result[k]!.data, plain.result[k]!.data), `fold vs layer by layer, output ${k}`).toBeLessThanOrEqual(1e-5);
      });
    });
  }
  it('worst |Δ| vs Keras through the fold', () => {
    console.log(`token-projection fold: worst |Δ| vs Keras 3.15.1 over ${names.length} models: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThanOrEqual(1e-5);
  });
});

describe('Embedding → Conv1D with the TypeScript kernels (setBackend("js")): the table in a JavaScript array', () => {
  for (const name of names) {
    it(name, () => {
      const fx = load(name);
      const backend = getBackend();
      setBackend('js');
      try {
        const model = build(fx);
        const folded = projections(() => model.predictOutputs(toTensor(fx.input)));
        expect(folded.tables).toBe(FOLDED[name] ?? 1);
        expected(fx).forEach((w, k) => expect(maxRelDiff(folded.result[k]!.data, w.values), `output ${k}`).toBeLessThanOrEqual(1e-5));
      } finally {
        setBackend(backend);
      }
    });
  }
});

describe('the token-projection fold', () => {
  const fx = load('seq_valid_relu_pool');
  const x = toTensor(fx.input);
  const want = fx.output!.values;
  const rows = (t: Tensor, r0: number, r1: number): Tensor => new Tensor(t.data.slice(r0 * t.shape[1]!, r1 * t.shape[1]!), [r1 - r0, t.shape[1]!]);

  it('repeated predictions compute no new rows and give the same numbers bit for bit', () => {
    const model = build(fx);
    const first = model.predict(x);
    const again = projections(() => model.predict(x));
    expect(again.rows).toBe(0);
    expect(Array.from(again.result.data)).toEqual(Array.from(first.data));
    expect(maxRelDiff(first.data, want)).toBeLessThanOrEqual(1e-5);
  });

  it("a sample's result does not depend on the batch its tokens were first seen in", () => {
    const whole = build(fx).predict(x);
    clearPackCache();
    const model = build(fx);
    // tokens seen one sample at a time, in reverse order, then the whole batch again
    const n = x.shape[0]!;
    const single = Array.from({ length: n }, (_, i) => n - 1 - i).map((i) => [i, model.predict(rows(x, i, i + 1)).data] as const);
    const later = model.predict(x);
    expect(Array.from(later.data)).toEqual(Array.from(whole.data));
    for (const [i, y] of single) expect(Array.from(y)).toEqual(Array.from(whole.data.subarray(i, i + 1)));
  });

  it('follows weight changes: new weights assigned, and values changed in place', () => {
    const model = build(fx);
    const zeros = model.getWeights().map((w) => new Tensor(new Float32Array(w.size), w.shape));
    model.setWeights(zeros);
    expect(Array.from(model.predict(x).data).every((v) => v === 0)).toBe(true);
    model.setWeights(fx.weights.map(toTensor));
    const loaded = model.predict(x);
    expect(maxRelDiff(loaded.data, want)).toBeLessThanOrEqual(1e-5);
    // in place, announced with markWeightsChanged (as optimizers do): the fold must not serve stale rows
    const embeddings = model.layers.find((l) => l.className === 'Embedding')!.weights[0]!.value.data;
    for (let i = 0; i < embeddings.length; i++) embeddings[i] = -embeddings[i]!;
    markWeightsChanged(embeddings);
    const flipped = model.predict(x);
    setTokenProjectionLimit(0);
    expect(maxRelDiff(flipped.data, loaded.data)).toBeGreaterThan(1e-3); // stale rows would give `loaded`
    expect(maxRelDiff(flipped.data, model.predict(x).data)).toBeLessThanOrEqual(1e-5);
  });

  it('keeps the Embedding error for an out-of-range token (ConfigError naming layer, value and position)', () => {
    const model = build(fx);
    const bad = new Tensor(x.data.slice(), x.shape);
    bad.data[5] = 23;
    const message = (): string => {
      try {
        model.predict(bad);
      } catch (e) {
        expect(e).toBeInstanceOf(ConfigError);
        return (e as Error).message;
      }
      throw new Error('no error');
    };
    const folded = message();
    expect(folded).toMatch(/Embedding.*index 23 at input\[0\]\[5\] is outside \[0, 23\)/);
    setTokenProjectionLimit(0);
    expect(message()).toBe(folded);
  });

  it('makes no table past its memory cap (and computes the same), and clearPackCache frees the tables', () => {
    const model = build(fx);
    setTokenProjectionLimit(100); // bytes: less than this model's table
    const capped = projections(() => model.predict(x));
    expect(capped.tables).toBe(0);
    expect(maxRelDiff(capped.result.data, want)).toBeLessThanOrEqual(1e-5);
    setTokenProjectionLimit(64 * 1024 * 1024);
    model.predict(x);
    expect(tokenProjectionStats().tables).toBe(1);
    expect(tokenProjectionStats().bytes).toBe(4 * (23 * 3 * 5 + 23 + 6 * 3 * 5));
    clearPackCache();
    expect(tokenProjectionStats()).toMatchObject({ tables: 0, bytes: 0 });
    expect(maxRelDiff(model.predict(x).data, want)).toBeLessThanOrEqual(1e-5);
  });

  it('is not used in training passes (fit still learns through the Embedding)', async () => {
    const model = build(fx);
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const y = new Tensor(new Float32Array(x.shape[0]!).fill(1), [x.shape[0]!, 1]);
    const before = projections(() => model.predict(x)).result;
    const rowsBefore = tokenProjectionStats().rowsComputed;
    await model.fit(x, y, { epochs: 1, batchSize: x.shape[0]!, verbose: 0, shuffle: false });
    expect(tokenProjectionStats().rowsComputed).toBe(rowsBefore);
    // the weights moved: the fold serves the new ones, as the layer-by-layer path computes them
    const after = model.predict(x);
    expect(Array.from(after.data)).not.toEqual(Array.from(before.data));
    setTokenProjectionLimit(0);
    expect(maxRelDiff(after.data, model.predict(x).data)).toBeLessThanOrEqual(1e-5);
  });
});
