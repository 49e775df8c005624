// Layer-level prediction fixtures (tools/oracle/fixtures/**: one layer's Keras config, weights, input,
// optional mask and initial states, and Keras' outputs; e.g. the recurrent layers with masks of every
// pattern, both hard_sigmoid eras and tf.keras' masked outputs) exported with exportLayerOnnx and run
// in ONNX Runtime: within 1e-5 of kerasts and of Keras. Found by shape; none are listed here.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { clearSession, deserializeLayer, isRecurrent, type CallContext, type JsonObject } from '@kerasts/layers';
import { exportLayerOnnx } from '../src/index.js';
import { fixturesDir, runOrt, toTensor, worstDiff, type FixtureArray } from './helpers.js';

interface LayerFixture {
  class_name: string;
  config: JsonObject;
  weights: FixtureArray[];
  x: FixtureArray;
  mask?: FixtureArray | null;
  initial_state?: FixtureArray[] | null;
  outputs: FixtureArray[];
  era?: 'keras3' | 'keras2';
  masked_output?: 'state' | 'previous';
  dropout?: unknown;
}

function layerFixtures(dir: string): { id: string; fx: LayerFixture }[] {
  const out: { id: string; fx: LayerFixture }[] = [];
  for (const e of readdirSync(dir)) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...layerFixtures(p));
    else if (e.endsWith('.json') && e !== 'index.json') {
      let fx: LayerFixture;
      try {
        fx = JSON.parse(readFileSync(p, 'utf8')) as LayerFixture;
      } catch {
        continue;
      }
      // A forward pass with fixed dropout masks is a training fixture, not a prediction.
      if (typeof fx?.class_name === 'string' && fx.config && Array.isArray(fx.weights) && fx.x && Array.isArray(fx.outputs) && !fx.dropout) {
        out.push({ id: relative(fixturesDir, p).replace(/\.json$/, ''), fx });
      }
    }
  }
  return out.sort((a, b) => a.id.localeCompare(b.id));
}

const cases = layerFixtures(fixturesDir);
const worst = new Map<string, { vsKerasts: number; vsKeras: number; n: number }>();

describe('layer-level fixtures run in ONNX Runtime as in kerasts and Keras', () => {
  for (const { id, fx } of cases) {
    it(id, async () => {
      clearSession();
      const layer = deserializeLayer(fx.class_name, fx.config);
      const inputShape = [null, ...fx.x.shape.slice(1)];
      layer.build(inputShape);
      layer.setWeights(fx.weights.map(toTensor));
      const keras2 = fx.era === 'keras2';
      const ctx: CallContext = { training: false, hardSigmoid: keras2 ? 'keras2' : 'keras3', era: keras2 ? 'keras2' : 'keras3', ...(fx.masked_output ? { maskedOutput: fx.masked_output } : {}) };
      const states = fx.initial_state ?? [];
      let ours: { data: Float32Array }[];
      if (isRecurrent(layer)) {
        const r = layer.callRecurrent(toTensor(fx.x), ctx, { mask: fx.mask ? toTensor(fx.mask) : null, ...(states.length ? { initialState: states.map(toTensor) } : {}) });
        ours = layer.returnState ? r : [r[0]!];
      } else ours = [layer.call(toTensor(fx.x), ctx, fx.mask ? toTensor(fx.mask) : null)];
      const ex = exportLayerOnnx(layer, {
        inputShape,
        mask: !!fx.mask,
        initialStates: states.length,
        kerasVersion: keras2 ? '2.2.4' : '3.15.1',
        ...(fx.masked_output ? { maskedOutput: fx.masked_output } : {}),
      });
      const feeds = [{ shape: fx.x.shape, data: fx.x.values }, ...(fx.mask ? [{ shape: fx.mask.shape, data: fx.mask.values }] : []), ...states.map((s) => ({ shape: s.shape, data: s.values }))];
      const types = ['float32' as const, ...(fx.mask ? ['bool' as const] : []), ...states.map(() => 'float32' as const)];
      const outs = await runOrt(ex.bytes, ex.inputNames, feeds, ex.outputNames, types);
      expect(outs.length).toBe(fx.outputs.length);
      let vsKerasts = 0;
      let vsKeras = 0;
      outs.forEach((o, k) => {
        expect([...o.dims]).toEqual(fx.outputs[k]!.shape);
        vsKerasts = Math.max(vsKerasts, worstDiff(o.data, ours[k]!.data));
        vsKeras = Math.max(vsKeras, worstDiff(o.data, fx.outputs[k]!.values));
      });
      const family = id.split('/').slice(0, -1).join('/');
      const w = worst.get(family) ?? { vsKerasts: 0, vsKeras: 0, n: 0 };
      worst.set(family, { vsKerasts: Math.max(w.vsKerasts, vsKerasts), vsKeras: Math.max(w.vsKeras, vsKeras), n: w.n + 1 });
      expect(vsKerasts, 'ORT vs kerasts').toBeLessThanOrEqual(1e-5);
      expect(vsKeras, 'ORT vs Keras').toBeLessThanOrEqual(1e-5);
    });
  }
  it('found layer-level fixtures, or there are none yet', () => {
    console.log(`layer-level fixtures: ${cases.length}`);
    expect(cases.every((c) => c.fx.outputs.length > 0)).toBe(true);
  });
  afterAll(() => {
    for (const [f, w] of [...worst].sort()) console.log(`ONNX Runtime round trip, ${f} (${w.n} layer cases): worst |Δ| vs kerasts ${w.vsKerasts.toExponential(2)}, vs Keras ${w.vsKeras.toExponential(2)}`);
  });
});
