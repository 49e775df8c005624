/**
 * Keras' preprocessing layers that saved models carry: Normalization, Rescaling, and the image layers.
 * Resizing (every interpolation kerasts computes), CenterCrop and tf.keras' RandomCrop are an
 * optional Slice (crop) or Pad (fill value), then per resized axis a MatMul with the resampling
 * matrix kerasts and JAX compute (one-hot for nearest); the random augmentations are the identity at
 * inference, as in Keras (and so is Keras 3's RandomCrop).
 */
import { nearestIndices, resizeWeights, KerastsError, UnsupportedError, type ResizeInterpolation } from '@kerasts/tensor';
import type { CenterCrop, Normalization, RandomCrop, Rescaling, Resizing, Shape, ResizeSpec } from '@kerasts/layers';
import { Is, S, type GraphBuilder } from '../graph.js';
import type { LayerMapping, MappingTable, RefusalTable } from '../mapping.js';

const f32 = Math.fround;

/** Dims that broadcast statistics over `kept` axes of an input of `shape` (1 elsewhere, batch excluded). */
function keptDims(shape: Shape, kept: readonly number[], statShape: readonly number[]): number[] {
  if (kept.length === 0) return [];
  const first = Math.min(...kept);
  return shape.slice(first).map((_, i) => (kept.includes(first + i) ? statShape[kept.indexOf(first + i)]! : 1));
}

/**
 * `(x − mean) / max(√variance, 1e-7)`, or `mean + x·max(√variance, 1e-7)` with `invert`; the divisor is
 * computed here in float32 as Keras computes it.
 */
const normalization: LayerMapping<Normalization> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const { mean, variance, keptAxes, shape } = layer.statistics();
  const dims = keptDims(x.shape, keptAxes, shape);
  const div = Float32Array.from(variance, (v) => {
    const sd = f32(Math.sqrt(v));
    return sd > 1e-7 ? sd : f32(1e-7);
  });
  const m = g.weight('mean', Float32Array.from(mean), dims);
  const d = g.weight('divisor', div, dims);
  if (layer.invert) return { outputs: [g.op('Add', [m, g.op('Mul', [x.name, d])])] };
  return { outputs: [g.op('Div', [g.op('Sub', [x.name, m]), d])] };
};

/** `x·scale + offset` (values broadcast against the trailing axes). */
const rescaling: LayerMapping<Rescaling> = ({ g }, { layer, inputs }) => {
  const s = layer.scaleValues;
  const o = layer.offsetValues;
  const scaled = g.op('Mul', [inputs[0]!.name, g.weight('scale', Float32Array.from(s.values), s.shape)]);
  return { outputs: [g.op('Add', [scaled, g.weight('offset', Float32Array.from(o.values), o.shape)])] };
};

/** The `[in, out]` matrix resampling one axis (the transpose of kerasts' `[out][in]` weights). */
function axisMatrix(inSize: number, outSize: number, method: ResizeInterpolation, antialias: boolean): Float32Array {
  const m = new Float32Array(inSize * outSize);
  if (method === 'nearest') {
    const idx = nearestIndices(inSize, outSize);
    for (let o = 0; o < outSize; o++) m[idx[o]! * outSize + o] = 1;
    return m;
  }
  const w = resizeWeights(inSize, outSize, method, antialias);
  for (let o = 0; o < outSize; o++) for (let j = 0; j < inSize; j++) m[j * outSize + o] = w[o * inSize + j]!;
  return m;
}

/** A batch of images resized as `resizeBatch` in @kerasts/layers does it (crop or pad first). */
function resizeGraph(g: GraphBuilder, x: string, shape: Shape, spec: ResizeSpec, who: { name: string; className: string }): string {
  const [ha, wa] = spec.dataFormat === 'channels_last' ? [1, 2] : [2, 3];
  const h = shape[ha];
  const w = shape[wa];
  if (typeof h !== 'number' || typeof w !== 'number') throw new KerastsError(`layer "${who.name}" (${who.className}): resizing needs known image sizes to export`, who.name);
  const th = spec.height;
  const tw = spec.width;
  let v = x;
  let sizes = [h, w];
  if (spec.cropToAspectRatio) {
    const ch = Math.max(Math.min(h, Math.trunc((w * th) / tw)), 1);
    const cw = Math.max(Math.min(w, Math.trunc((h * tw) / th)), 1);
    const hs = Math.trunc((h - ch) / 2);
    const ws = Math.trunc((w - cw) / 2);
    v = g.op('Slice', [v, g.ints([hs, ws]), g.ints([hs + ch, ws + cw]), g.ints([ha, wa])]);
    sizes = [ch, cw];
  } else if (spec.padToAspectRatio) {
    const hs = Math.trunc((Math.max(h, Math.trunc((w * th) / tw)) - h) / 2);
    const ws = Math.trunc((Math.max(w, Math.trunc((h * tw) / th)) - w) / 2);
    const pads = new Array<number>(8).fill(0);
    if (hs > 0) [pads[ha], pads[ha + 4], sizes] = [hs, hs, [h + 2 * hs, w]];
    else if (ws > 0) [pads[wa], pads[wa + 4], sizes] = [ws, ws, [h, w + 2 * ws]];
    if (hs > 0 || ws > 0) v = g.op('Pad', [v, g.ints(pads), g.weight('fill_value', Float32Array.of(spec.fillValue), [])], { mode: S('constant') });
  }
  [ha, wa].forEach((a, i) => {
    const from = sizes[i]!;
    const to = i === 0 ? th : tw;
    if (from === to) return; // JAX resamples only the axes that change
    const toLast = [0, 1, 2, 3].filter((k) => k !== a).concat(a);
    const back = toLast.map((_, k) => toLast.indexOf(k));
    const moved = g.op('Transpose', [v], { perm: Is(toLast) });
    const resized = g.op('MatMul', [moved, g.weight('resize', axisMatrix(from, to, spec.interpolation, spec.antialias), [from, to])]);
    v = g.op('Transpose', [resized], { perm: Is(back) });
  });
  return v;
}

const resizing: LayerMapping<Resizing> = ({ g }, { layer, inputs }) => {
  const spec: ResizeSpec = {
    height: layer.height,
    width: layer.width,
    interpolation: layer.interpolation as ResizeInterpolation,
    cropToAspectRatio: layer.cropToAspectRatio,
    padToAspectRatio: layer.padToAspectRatio,
    fillValue: layer.fillValue,
    antialias: layer.antialias,
    dataFormat: layer.dataFormat,
  };
  return { outputs: [resizeGraph(g, inputs[0]!.name, inputs[0]!.shape, spec, layer)] };
};

/** Keras' smart_resize: the centred window of the target aspect ratio, resized bilinearly. */
const smartResize = (g: GraphBuilder, x: string, shape: Shape, layer: CenterCrop | RandomCrop): string =>
  resizeGraph(g, x, shape, { height: layer.height, width: layer.width, interpolation: 'bilinear', cropToAspectRatio: true, padToAspectRatio: false, fillValue: 0, antialias: false, dataFormat: layer.dataFormat }, layer);

const centerCrop: LayerMapping<CenterCrop> = ({ g }, { layer, inputs }) => {
  const x = inputs[0]!;
  const [ha, wa] = layer.dataFormat === 'channels_last' ? [1, 2] : [2, 3];
  const h = x.shape[ha];
  const w = x.shape[wa];
  if (typeof h !== 'number' || typeof w !== 'number') throw new KerastsError(`layer "${layer.name}" (CenterCrop): cropping needs known image sizes to export`, layer.name);
  if (h < layer.height || w < layer.width) return { outputs: [smartResize(g, x.name, x.shape, layer)] };
  const hs = Math.floor((h - layer.height) / 2);
  const ws = Math.floor((w - layer.width) / 2);
  return { outputs: [g.op('Slice', [x.name, g.ints([hs, ws]), g.ints([hs + layer.height, ws + layer.width]), g.ints([ha, wa])])] };
};

/**
 * Keras 3: the identity at inference — exported only when the image already has the target size,
 * because Keras 3 declares a `height × width` output that the identity does not have and the layers
 * after it are exported for the declared shape. tf.keras 2: smart_resize.
 */
const randomCrop: LayerMapping<RandomCrop> = ({ g, era }, { layer, inputs }) => {
  const x = inputs[0]!;
  if (era !== 'keras3') return { outputs: [smartResize(g, x.name, x.shape, layer)] };
  const [ha, wa] = layer.dataFormat === 'channels_last' ? [1, 2] : [2, 3];
  if (x.shape[ha] !== layer.height || x.shape[wa] !== layer.width) {
    throw new UnsupportedError(
      `layer "${layer.name}" (RandomCrop): Keras 3 passes images through unchanged at inference (here ${String(x.shape[ha])}×${String(x.shape[wa])}) while declaring a ${layer.height}×${layer.width} output; the ONNX graph is built for the declared shapes, so it cannot compute the same`,
      layer.name,
    );
  }
  return { outputs: [g.op('Identity', [x.name])] };
};

/** The random augmentations: the identity at inference, as Keras computes them in predict. */
const identity: LayerMapping = ({ g }, { inputs }) => ({ outputs: [g.op('Identity', [inputs[0]!.name])] });

const AUGMENTATIONS = [
  'RandomFlip', 'RandomRotation', 'RandomZoom', 'RandomTranslation', 'RandomContrast', 'RandomBrightness', 'RandomShear', 'RandomGrayscale',
  'RandomHue', 'RandomSaturation', 'RandomSharpness', 'RandomColorDegeneration', 'RandomInvert', 'RandomPosterization', 'RandomColorJitter',
  'RandomErasing', 'RandomGaussianBlur', 'RandomPerspective', 'RandomElasticTransform', 'RandomHeight', 'RandomWidth',
] as const;

export const preprocessingMappings: MappingTable = [
  ['Normalization', normalization as LayerMapping],
  ['Rescaling', rescaling as LayerMapping],
  ['Resizing', resizing as LayerMapping],
  ['CenterCrop', centerCrop as LayerMapping],
  ['RandomCrop', randomCrop as LayerMapping],
  ...AUGMENTATIONS.map((c) => [c, identity] as const),
];

export const preprocessingRefusals: RefusalTable = [];
