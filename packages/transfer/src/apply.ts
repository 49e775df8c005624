import type { Layer } from '@kerasts/layers';
import type { LayerWeights, Model, WeightTable } from '@kerasts/model';
import { ShapeMismatchError, Tensor } from '@kerasts/tensor';
import { convertForLayer } from './convert.js';

/** Options of {@link applyWeights}. */
export interface ApplyOptions {
  /** Match layers by name (Keras' `by_name=True`) instead of by position. */
  byName?: boolean;
  /** Skip weights whose shape (or layers whose weight count) does not fit, with a warning in the report, instead of failing. */
  skipMismatch?: boolean;
  /** Where the weights come from (a file name), for messages. */
  source?: string;
  /**
   * Let the model keep the table's arrays instead of copying them (only for a table nobody else
   * holds, such as one just read from a file).
   */
  adoptArrays?: boolean;
  /**
   * The backend that wrote the weights, for files that do not record it (Keras 1): `'theano'` makes
   * convolution kernels flipped back as Theano computed them. A backend recorded in the table wins.
   */
  backend?: string;
}

/** One weight that was loaded. */
export interface LoadedWeight {
  layer: string;
  weight: string;
  shape: readonly number[];
  /** The stored name it came from. */
  from: string;
}

/** One weight or layer that was skipped, with the reason. */
export interface SkippedWeight {
  layer: string;
  /** The weight's name, or null when the whole layer was skipped. */
  weight: string | null;
  reason: string;
  expectedShape?: readonly number[];
  foundShape?: readonly number[];
}

/** What {@link applyWeights} did: what matched, what was skipped, what was left alone. */
export interface TransferReport {
  mode: 'topological' | 'by-name';
  source: string;
  /** Layers that received weights: model layer name → stored layer name. */
  matchedLayers: { layer: string; from: string }[];
  loaded: LoadedWeight[];
  /** Skipped under `skipMismatch` (each also appears in `warnings`). */
  skipped: SkippedWeight[];
  /** Stored layers that no model layer matched (by name only). */
  unmatchedStored: string[];
  /** Model layers with weights that received none (by name only). */
  untouched: string[];
  /** Layout conversions applied (Keras 1 LSTM, CuDNNLSTM, Keras 1 and Theano convolution kernels). */
  conversions: string[];
  warnings: string[];
}

/** Human-readable report, one line per layer. */
export function formatTransferReport(r: TransferReport): string {
  const lines = [`weights from ${r.source || 'table'} (${r.mode}): ${r.loaded.length} weight(s) loaded into ${r.matchedLayers.length} layer(s)`];
  for (const m of r.matchedLayers) {
    const ws = r.loaded.filter((w) => w.layer === m.layer).map((w) => `${w.weight} [${w.shape.join(', ')}]`);
    lines.push(`  loaded   ${m.layer}${m.from !== m.layer ? ` <- ${m.from}` : ''}: ${ws.join(', ') || '(nothing)'}`);
  }
  for (const s of r.skipped) lines.push(`  skipped  ${s.layer}${s.weight ? `/${s.weight}` : ''}: ${s.reason}`);
  for (const u of r.untouched) lines.push(`  kept     ${u}: no stored layer of that name; weights unchanged`);
  for (const u of r.unmatchedStored) lines.push(`  ignored  ${u}: stored layer not in the model`);
  for (const c of r.conversions) lines.push(`  converted ${c}`);
  return lines.join('\n');
}

function storedHasWeights(l: LayerWeights): boolean {
  return l.weights.length > 0;
}

function assignLayer(layer: Layer, stored: LayerWeights, table: WeightTable, opts: ApplyOptions, report: TransferReport, index: number): void {
  const conv = convertForLayer(layer, stored.weights.map((w) => w.value), table.kerasVersion, table.backend ?? opts.backend ?? null);
  if (conv.note) report.conversions.push(`${layer.name}: ${conv.note}`);
  // a file's order (a nested model's trainable weights first, as Keras' `_legacy_weights`)
  const targets = layer.legacyWeights();
  const src = opts.source ? `${opts.source}: ` : '';
  if (conv.values.length !== targets.length) {
    const msg = `layer #${index} "${layer.name}" (${layer.className}) expects ${targets.length} weight(s) [${targets.map((w) => w.name).join(', ')}], but the stored layer "${stored.layerName}" has ${conv.values.length} [${stored.weights.map((w) => w.name).join(', ')}]`;
    if (opts.skipMismatch && opts.byName) {
      report.skipped.push({ layer: layer.name, weight: null, reason: `weight count mismatch (${targets.length} vs ${conv.values.length})` });
      report.warnings.push(`skipping layer "${layer.name}": ${msg}`);
      return;
    }
    throw new ShapeMismatchError(`${src}${msg}`, [targets.length], [conv.values.length], layer.name);
  }
  const values: (Tensor | null)[] = conv.values.map((v, i) => {
    const t = targets[i]!;
    const same = v.shape.length === t.shape.length && v.shape.every((d, k) => d === t.shape[k]);
    if (same) return v;
    const storedName = stored.weights[i]?.name ?? `#${i}`;
    if (opts.skipMismatch) {
      report.skipped.push({ layer: layer.name, weight: t.name, reason: `shape mismatch: model ${JSON.stringify(t.shape)}, stored ${JSON.stringify(v.shape)}`, expectedShape: t.shape, foundShape: v.shape });
      report.warnings.push(`skipping weight "${t.name}" of layer "${layer.name}": shape ${JSON.stringify(v.shape)} stored, ${JSON.stringify(t.shape)} expected`);
      return null;
    }
    throw new ShapeMismatchError(`${src}weight "${storedName}" of stored layer "${stored.layerName}" does not fit weight "${t.name}" of layer "${layer.name}" (${layer.className})`, t.shape, v.shape, `${layer.name}/${t.name}`);
  });
  // Assign only after every check passed, so a failure leaves the layer unchanged.
  values.forEach((v, i) => {
    if (!v) return;
    const t = targets[i]!;
    // Shapes were checked above. A table read fresh from a file is adopted without copying (a 100 MB
    // model must not be copied twice); otherwise copy, so two models never share weight arrays.
    t.value = opts.adoptArrays && !conv.note ? v : new Tensor(new Float32Array(v.data), t.shape);
    report.loaded.push({ layer: layer.name, weight: t.name, shape: t.shape, from: stored.weights[i]?.name ?? t.name });
  });
  report.matchedLayers.push({ layer: layer.name, from: stored.layerName });
}

/**
 * Put a weight table into a model, as Keras' `load_weights` does (KERAS-FORMAT §4.2–§4.3):
 * - topological (default): the k-th stored layer with weights goes into the k-th model layer with
 *   weights; names are ignored; a different count of such layers is an error naming both sides;
 * - `byName`: each stored layer goes into the top-level model layer of the same name; stored layers
 *   with no match are ignored, model layers with no match keep their weights;
 * - `skipMismatch`: a weight whose shape does not fit is skipped (and, by name, a layer whose weight
 *   count differs), with a warning in the report, instead of failing.
 * Old layouts are converted on the way (Keras 1 LSTM, CuDNNLSTM). Nothing is assigned to a layer
 * unless all its checks pass.
 */
export function applyWeights(model: Model, table: WeightTable, options: ApplyOptions = {}): TransferReport {
  if (!model.built) model.build();
  const report: TransferReport = {
    mode: options.byName ? 'by-name' : 'topological',
    source: options.source ?? '',
    matchedLayers: [],
    loaded: [],
    skipped: [],
    unmatchedStored: [],
    untouched: [],
    conversions: [],
    warnings: [],
  };
  if (options.byName) {
    const byName = new Map<string, Layer[]>();
    for (const l of model.layers) byName.set(l.name, [...(byName.get(l.name) ?? []), l]);
    const touched = new Set<string>();
    table.layers.forEach((stored, k) => {
      const targets = byName.get(stored.layerName);
      if (!targets) {
        if (storedHasWeights(stored)) report.unmatchedStored.push(stored.layerName);
        return;
      }
      for (const layer of targets) {
        if (layer.weights.length === 0 && stored.weights.length === 0) continue;
        assignLayer(layer, stored, table, options, report, k);
        touched.add(layer.name);
      }
    });
    report.untouched = model.layers.filter((l) => l.weights.length > 0 && !touched.has(l.name)).map((l) => l.name);
    return report;
  }
  const modelLayers = model.layers.filter((l) => l.weights.length > 0);
  const storedLayers = table.layers.filter(storedHasWeights);
  if (modelLayers.length !== storedLayers.length) {
    // a typed mismatch (as a weight count is), not the base class: the file does not fit the model
    throw new ShapeMismatchError(
      `layer count mismatch: the stored weights have ${storedLayers.length} layer(s) with weights [${storedLayers.map((l) => l.layerName).join(', ')}], ` +
        `the model has ${modelLayers.length} [${modelLayers.map((l) => l.name).join(', ')}]; use byName to load matching names only`,
      [modelLayers.length],
      [storedLayers.length],
      options.source ?? model.name,
    );
  }
  modelLayers.forEach((layer, k) => assignLayer(layer, storedLayers[k]!, table, options, report, k));
  return report;
}

/** Freeze layers by name (`trainable = false`), so fitting leaves them alone; returns the frozen layers. */
export function freeze(model: Model, names: readonly string[]): Layer[] {
  return names.map((n) => {
    const l = model.getLayer(n);
    l.trainable = false;
    return l;
  });
}

/** Unfreeze layers by name (`trainable = true`). */
export function unfreeze(model: Model, names: readonly string[]): Layer[] {
  return names.map((n) => {
    const l = model.getLayer(n);
    l.trainable = true;
    return l;
  });
}
