/**
 * The convolution and pooling kernels against `jax.vjp` of Keras 3.15.1's backend ops
 * (tools/oracle/fixtures/conv/grad, made by tools/oracle/gen_conv_fixtures.py): forward values and
 * both gradients of conv, conv_transpose and depthwise_conv; max and average pooling on integer-valued
 * inputs (tied maxima: the gradient goes to the first maximum in window order, as XLA's
 * select-and-scatter); the max over an axis (ties share the gradient, as `jnp.max`).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  avgPoolBackward,
  convBackwardInput,
  convBackwardKernel,
  convForward,
  depthwiseBackwardInput,
  depthwiseBackwardKernel,
  depthwiseForward,
  globalAvgPool,
  globalAvgPoolBackward,
  globalMaxPool,
  globalMaxPoolBackward,
  maxPoolBackward,
  poolForward,
  transposeGeometry,
  windowGeometry,
  type ConvSpec,
} from '../src/index.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'tools', 'oracle', 'fixtures', 'conv', 'grad');
interface Arr {
  shape: number[];
  values: number[];
}
interface GradCase {
  name: string;
  op: string;
  strides?: number[];
  padding?: 'valid' | 'same';
  dilation?: number[];
  groups?: number;
  output_padding?: number[] | null;
  pool_size?: number[];
  inputs: Arr[];
  output: Arr;
  dy: Arr;
  grads: Arr[];
}
const cases = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as GradCase);
const f32 = (a: Arr): Float32Array => Float32Array.from(a.values);

/** max |a − b| / max(1, max |b|). */
function diff(a: ArrayLike<number>, b: Arr): number {
  expect(a.length).toBe(b.values.length);
  let m = 0;
  let s = 1;
  for (let i = 0; i < b.values.length; i++) {
    m = Math.max(m, Math.abs(a[i]! - b.values[i]!));
    s = Math.max(s, Math.abs(b.values[i]!));
  }
  return m / s;
}

describe('convolution and pooling kernels match jax.vjp of the Keras 3 ops', () => {
  it('has every op', () => {
    expect(new Set(cases.map((c) => c.op))).toEqual(new Set(['conv', 'conv_transpose', 'depthwise_conv', 'max_pool', 'avg_pool', 'global_max', 'global_avg']));
  });
  for (const c of cases) {
    it(c.name, () => {
      const x = c.inputs[0]!;
      const batch = x.shape[0]!;
      const spatial = x.shape.slice(1, -1);
      const channels = x.shape[x.shape.length - 1]!;
      const dy = f32(c.dy);
      if (c.op === 'conv' || c.op === 'conv_transpose' || c.op === 'depthwise_conv') {
        const w = c.inputs[1]!;
        const k = w.shape.slice(0, -2);
        let y: Float32Array, dx: Float32Array, dw: Float32Array;
        if (c.op === 'conv') {
          const spec: ConvSpec = { batch, geometry: windowGeometry(spatial, k, c.strides!, c.dilation!, c.padding!), inChannels: channels, outChannels: w.shape.at(-1)!, groups: c.groups! };
          y = convForward(f32(x), f32(w), null, spec);
          dx = convBackwardInput(dy, f32(w), spec);
          dw = convBackwardKernel(f32(x), dy, spec);
        } else if (c.op === 'conv_transpose') {
          const spec: ConvSpec = { batch, geometry: transposeGeometry(spatial, k, c.strides!, c.dilation!, c.padding!, c.output_padding ?? null), inChannels: w.shape.at(-2)!, outChannels: channels };
          y = convBackwardInput(f32(x), f32(w), spec);
          dx = convForward(dy, f32(w), null, spec);
          dw = convBackwardKernel(dy, f32(x), spec);
        } else {
          const spec = { batch, geometry: windowGeometry(spatial, k, c.strides!, c.dilation!, c.padding!), channels, depthMultiplier: w.shape.at(-1)! };
          y = depthwiseForward(f32(x), f32(w), null, spec);
          dx = depthwiseBackwardInput(dy, f32(w), spec);
          dw = depthwiseBackwardKernel(f32(x), dy, spec);
        }
        expect(diff(y, c.output)).toBeLessThanOrEqual(1e-6);
        expect(diff(dx, c.grads[0]!)).toBeLessThanOrEqual(1e-6);
        expect(diff(dw, c.grads[1]!)).toBeLessThanOrEqual(1e-6);
      } else if (c.op === 'max_pool' || c.op === 'avg_pool') {
        const spec = { batch, geometry: windowGeometry(spatial, c.pool_size!, c.strides!, c.pool_size!.map(() => 1), c.padding!), channels };
        const r = poolForward(f32(x), spec, c.op === 'max_pool' ? 'max' : 'avg');
        expect(diff(r.output, c.output)).toBeLessThanOrEqual(1e-6);
        const dx = c.op === 'max_pool' ? maxPoolBackward(dy, r.argmax!, x.values.length) : avgPoolBackward(dy, r.counts!, spec);
        // tied maxima: exactly JAX's choice, not just close
        if (c.op === 'max_pool') expect(Array.from(dx)).toEqual(c.grads[0]!.values.map((v) => Math.fround(v)));
        else expect(diff(dx, c.grads[0]!)).toBeLessThanOrEqual(1e-6);
      } else {
        const positions = spatial.reduce((a, b) => a * b, 1);
        if (c.op === 'global_max') {
          const y = globalMaxPool(f32(x), batch, positions, channels);
          expect(diff(y, c.output)).toBe(0);
          expect(diff(globalMaxPoolBackward(f32(x), y, dy, batch, positions, channels), c.grads[0]!)).toBeLessThanOrEqual(1e-7);
        } else {
          expect(diff(globalAvgPool(f32(x), batch, positions, channels), c.output)).toBeLessThanOrEqual(1e-6);
          expect(diff(globalAvgPoolBackward(dy, batch, positions, channels), c.grads[0]!)).toBeLessThanOrEqual(1e-7);
        }
      }
    });
  }
  it('the max-pool fixtures really hold ties (the test can tell JAX’s choice from another)', () => {
    const c = cases.find((k) => k.name === 'max_pool_1')!;
    const spec = { batch: c.inputs[0]!.shape[0]!, geometry: windowGeometry(c.inputs[0]!.shape.slice(1, -1), c.pool_size!, c.strides!, [1, 1], c.padding!), channels: c.inputs[0]!.shape.at(-1)! };
    const x = f32(c.inputs[0]!);
    const r = poolForward(x, spec, 'max');
    // the last maximum instead of the first
    const last = new Int32Array(r.argmax!.length);
    const { outSize, strides, window, padBefore } = spec.geometry;
    const [, W] = spec.geometry.inSize as [number, number];
    let o = 0;
    for (let n = 0; n < spec.batch; n++) {
      for (let oh = 0; oh < outSize[0]!; oh++) {
        for (let ow = 0; ow < outSize[1]!; ow++, o++) {
          for (let ch = 0; ch < spec.channels; ch++) {
            let best = -Infinity;
            let at = -1;
            for (let kh = 0; kh < window[0]!; kh++) {
              for (let kw = 0; kw < window[1]!; kw++) {
                const ih = oh * strides[0]! + kh - padBefore[0]!, iw = ow * strides[1]! + kw - padBefore[1]!;
                if (ih < 0 || iw < 0 || ih >= spec.geometry.inSize[0]! || iw >= W) continue;
                const i = ((n * spec.geometry.inSize[0]! + ih) * W + iw) * spec.channels + ch;
                if (x[i]! >= best) {
                  best = x[i]!;
                  at = i;
                }
              }
            }
            last[o * spec.channels + ch] = at;
          }
        }
      }
    }
    const dx = maxPoolBackward(f32(c.dy), last, x.length);
    expect(Array.from(dx)).not.toEqual(c.grads[0]!.values.map((v) => Math.fround(v)));
  });
});
