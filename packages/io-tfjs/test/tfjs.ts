/**
 * The real reference: TensorFlow.js 4.22.0 (pure JS CPU backend) in Node. Files come from tfjs'
 * own writer (`model.save(tf.io.http(...))`, which builds model.json with tfjs-core's
 * `getModelJSONForModelArtifacts`) and go back through tfjs' own loader (`tf.loadLayersModel(tf.io.http(...))`,
 * which fetches model.json, resolves and concatenates the shards and decodes them), each served from
 * memory by a fetch function.
 */
import * as tf from '@tensorflow/tfjs';
import { Tensor } from '@kerasts/tensor';

export { tf };

// tfjs prints a banner about tfjs-node once; keep test output clean
const log = console.warn;
console.warn = (...a: unknown[]) => {
  if (typeof a[0] === 'string' && a[0].includes('tfjs-node')) return;
  log(...a);
};
await tf.setBackend('cpu');

/** Deterministic values in [-scale, scale) (a 32-bit LCG), so every run builds the same models. */
export function seeded(n: number, seed: number, scale = 0.5): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32 - 0.5) * 2 * scale;
  }
  return out;
}

/** Give every weight of a tfjs model seeded values (moving variances positive). */
export function seedWeights(model: tf.LayersModel, seed = 1): void {
  model.setWeights(
    model.weights.map((w, i) => {
      const v = seeded(w.shape.reduce((a: number, b) => a * (b ?? 1), 1), seed * 1000 + i);
      if (w.name.includes('moving_variance')) for (let k = 0; k < v.length; k++) v[k] = Math.abs(v[k]!) + 0.5;
      return tf.tensor(v, w.shape as number[]);
    }),
  );
}

/** The files tfjs' `model.save` writes (model.json and model.weights.bin), captured from its HTTP handler. */
export async function saveWithTfjs(model: tf.LayersModel, includeOptimizer = false): Promise<Map<string, Uint8Array>> {
  let body: FormData | null = null;
  await model.save(
    tf.io.http('http://tfjs.test/upload', {
      fetchFunc: async (_url: string, init: RequestInit) => {
        body = init.body as FormData;
        return new Response('{}', { status: 200 });
      },
    }),
    { includeOptimizer },
  );
  const files = new Map<string, Uint8Array>();
  for (const [name, v] of (body as unknown as FormData).entries()) files.set(name, new Uint8Array(await (v as Blob).arrayBuffer()));
  return files;
}

/** tfjs' `loadLayersModel` over files served from memory at http://tfjs.test/m/<name>. */
export async function loadWithTfjs(files: ReadonlyMap<string, Uint8Array>, jsonName = 'model.json'): Promise<tf.LayersModel> {
  const fetchFunc = async (url: string | URL | Request): Promise<Response> => {
    const u = new URL(typeof url === 'string' ? url : url instanceof URL ? url.href : url.url);
    const name = decodeURIComponent(u.pathname.replace(/^\/m\//, ''));
    const b = files.get(name);
    return b ? new Response(b, { status: 200 }) : new Response('not found', { status: 404 });
  };
  return tf.loadLayersModel(tf.io.http(`http://tfjs.test/m/${jsonName}`, { fetchFunc }));
}

/** A tfjs tensor as a kerasts Tensor. */
export function fromTf(t: tf.Tensor): Tensor {
  return new Tensor(new Float32Array(t.dataSync()), [...t.shape]);
}

/** Largest |a - b| over two equally shaped arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}
