/**
 * Keras 3's native weights file (`model.weights.h5` inside a `.keras`, or a standalone
 * `.weights.h5`): a model's variables ⇄ the HDF5 tree `layers/<key>/.../vars/<i>` (see layout.ts),
 * plus `optimizer/vars/<i>` for a compiled model.
 */
import { readH5Tree, writeH5Tree, type H5TreeAttr, type H5TreeDataset, type H5TreeGroup, type H5TreeNode } from '@kerasts/io-hdf5';
import type { LayerWeight } from '@kerasts/layers';
import type { Model, WeightTable } from '@kerasts/model';
import { FormatError, KerastsError, ShapeMismatchError, Tensor, UnsupportedError, type Limits } from '@kerasts/tensor';
import type { TransferReport } from '@kerasts/transfer';
import { modelLayout, type LayerLayout } from './layout.js';

/** Options of {@link applyNativeWeights}. */
export interface ApplyNativeOptions {
  /**
   * Match top-level layers by the layer names the file records (each `vars` group's `name`
   * attribute) instead of by Keras 3's paths. Keras refuses `by_name` for this format; kerasts offers
   * it for transfer learning between models of different shapes.
   */
  byName?: boolean;
  /** Skip layers whose variables do not fit (count or shape), with a warning in the report, as Keras' `skip_mismatch`. */
  skipMismatch?: boolean;
  /** The file's name for messages. */
  source?: string;
}

function where(source: string | undefined, path: string): string {
  return source ? `${source}, HDF5 path /${path}` : `HDF5 path /${path}`;
}

/** The group at a slash-separated path, or null. */
export function groupAt(root: H5TreeGroup, path: string): H5TreeGroup | null {
  let g: H5TreeNode = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    if (g.kind !== 'group') return null;
    const next: H5TreeNode | undefined = g.members[part];
    if (!next) return null;
    g = next;
  }
  return g.kind === 'group' ? g : null;
}

function stringAttr(attrs: Record<string, H5TreeAttr>, name: string): string | null {
  const a = attrs[name];
  return a && a.kind === 'strings' && a.values.length === 1 ? a.values[0]! : null;
}

/** Is this HDF5 tree in Keras 3's native layout (a root `vars` or `layers` group, no legacy `layer_names`)? */
export function isNativeWeightsTree(root: H5TreeGroup): boolean {
  if (root.attrs.layer_names || root.attrs.layer_names0 || root.attrs.model_config) return false;
  const isGroup = (n: H5TreeNode | undefined) => n !== undefined && n.kind === 'group';
  return isGroup(root.members.vars) || isGroup(root.members.layers);
}

/** A dataset's values as float32 (bfloat16 as Keras marks it: uint16 data with a `dtype` attribute). */
export function datasetValues(d: H5TreeDataset, at: string): Float32Array {
  const data = d.data;
  if (stringAttr(d.attrs, 'dtype') === 'bfloat16' && data instanceof Uint16Array) {
    const out = new Float32Array(data.length);
    const u = new Uint32Array(out.buffer);
    for (let i = 0; i < data.length; i++) u[i] = data[i]! << 16;
    return out;
  }
  if (data instanceof Float32Array) return data;
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return Float32Array.from(data, (v) => Number(v));
  if (data instanceof Float64Array || data instanceof Int32Array || data instanceof Int16Array || data instanceof Int8Array || data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Uint32Array) {
    return Float32Array.from(data);
  }
  throw new UnsupportedError(`a ${d.dtype} dataset cannot hold weights`, at);
}

/**
 * The datasets of `<path>/vars` in index order (`0`, `1`, ...), or `[]` when the group is absent
 * (Keras' store is then empty). Anything else in `vars` is a FormatError.
 */
export function varsAt(root: H5TreeGroup, path: string, source?: string): { path: string; dataset: H5TreeDataset }[] {
  const vp = path ? `${path}/vars` : 'vars';
  const g = groupAt(root, vp);
  if (!g) return [];
  const names = Object.keys(g.members);
  const out: { path: string; dataset: H5TreeDataset }[] = [];
  for (let i = 0; i < names.length; i++) {
    const d = g.members[String(i)];
    if (!d) throw new FormatError(`expected datasets named 0..${names.length - 1}, found ${names.sort().join(', ')}`, where(source, vp));
    if (d.kind !== 'dataset') throw new FormatError(`expected a dataset, found a group`, where(source, `${vp}/${i}`));
    out.push({ path: `${vp}/${i}`, dataset: d });
  }
  return out;
}

function emptyReport(mode: TransferReport['mode'], source: string): TransferReport {
  return { mode, source, matchedLayers: [], loaded: [], skipped: [], unmatchedStored: [], untouched: [], conversions: [], warnings: [] };
}

/**
 * Put a native weights tree into a model, the way Keras 3's `load_weights` / `load_model` do: each
 * layer's objects are looked up by path (class key and position, `layers/lstm/cell`, ...), the
 * number of variables must match, then each shape; a layer is assigned only when all its checks
 * pass. With `skipMismatch`, a layer that does not fit is left as it is and reported; with `byName`,
 * layers are matched by the names the file records. Returns a {@link TransferReport} (mode
 * `topological` for Keras' path matching).
 *
 * @throws {ShapeMismatchError} for a count or shape mismatch (without `skipMismatch`).
 */
export function applyNativeWeights(model: Model, root: H5TreeGroup, options: ApplyNativeOptions = {}): TransferReport {
  if (!model.built) model.build();
  const source = options.source ?? '';
  const report = emptyReport(options.byName ? 'by-name' : 'topological', source);
  const layouts = modelLayout(model);
  const storedLayers = groupAt(root, 'layers');
  const storedKeys = storedLayers ? Object.keys(storedLayers.members) : [];
  const used = new Set<string>();
  // byName: stored top-level layers by the name their `vars` group records.
  const byStoredName = new Map<string, string>();
  if (options.byName) {
    for (const k of storedKeys) {
      const v = groupAt(root, `layers/${k}/vars`);
      const n = v ? stringAttr(v.attrs, 'name') : null;
      if (n !== null && !byStoredName.has(n)) byStoredName.set(n, `layers/${k}`);
    }
  }
  for (const L of layouts) {
    const hasVars = L.nodes.some((n) => n.variables.length > 0);
    let storedPath = L.path;
    if (options.byName) {
      const p = byStoredName.get(L.layer.name);
      if (!p) {
        if (hasVars) report.untouched.push(L.layer.name);
        continue;
      }
      storedPath = p;
    }
    used.add(storedPath);
    assignLayer(root, L, storedPath, options, report);
  }
  for (const k of storedKeys) {
    const p = `layers/${k}`;
    if (used.has(p)) continue;
    const g = groupAt(root, p)!;
    const v = groupAt(g, 'vars');
    if (countVariables(g) > 0) report.unmatchedStored.push(v ? (stringAttr(v.attrs, 'name') ?? p) : p);
  }
  return report;
}

function countVariables(g: H5TreeGroup): number {
  let n = 0;
  for (const [k, m] of Object.entries(g.members)) {
    if (m.kind !== 'group') continue;
    if (k === 'vars') n += Object.keys(m.members).length;
    else n += countVariables(m);
  }
  return n;
}

function assignLayer(root: H5TreeGroup, L: LayerLayout, storedPath: string, options: ApplyNativeOptions, report: TransferReport): void {
  const source = options.source ?? '';
  const layer = L.layer;
  const plan: { w: LayerWeight; value: Float32Array; from: string }[] = [];
  for (const node of L.nodes) {
    const path = storedPath + node.path.slice(L.path.length);
    const stored = varsAt(root, path, source);
    const want = node.variables;
    if (stored.length !== want.length) {
      const msg = `layer "${layer.name}" (${layer.className}) expects ${want.length} variable(s) at /${path}/vars [${want.map((w) => w.name).join(', ')}], but the file has ${stored.length}`;
      if (options.skipMismatch) {
        report.skipped.push({ layer: layer.name, weight: null, reason: `variable count mismatch at /${path}/vars (${want.length} vs ${stored.length})` });
        report.warnings.push(`skipping layer "${layer.name}": ${msg}`);
        return;
      }
      throw new ShapeMismatchError(msg, [want.length], [stored.length], where(source, `${path}/vars`));
    }
    for (let i = 0; i < want.length; i++) {
      const w = want[i]!;
      const d = stored[i]!.dataset;
      const same = d.shape.length === w.shape.length && d.shape.every((x, k) => x === w.shape[k]);
      if (!same) {
        if (options.skipMismatch) {
          report.skipped.push({ layer: layer.name, weight: w.name, reason: `shape mismatch: model ${JSON.stringify(w.shape)}, stored ${JSON.stringify(d.shape)}`, expectedShape: w.shape, foundShape: d.shape });
          report.warnings.push(`skipping layer "${layer.name}": variable ${stored[i]!.path} has shape ${JSON.stringify(d.shape)}, weight "${w.name}" needs ${JSON.stringify(w.shape)}`);
          return;
        }
        throw new ShapeMismatchError(`variable /${stored[i]!.path} does not fit weight "${w.name}" of layer "${layer.name}" (${layer.className})`, w.shape, d.shape, where(source, stored[i]!.path));
      }
      plan.push({ w, value: datasetValues(d, where(source, stored[i]!.path)), from: stored[i]!.path });
    }
  }
  if (plan.length === 0) return;
  for (const p of plan) {
    p.w.value = new Tensor(p.value, p.w.shape);
    report.loaded.push({ layer: layer.name, weight: p.w.name, shape: p.w.shape, from: p.from });
  }
  const v = groupAt(root, `${storedPath}/vars`);
  report.matchedLayers.push({ layer: layer.name, from: (v && stringAttr(v.attrs, 'name')) ?? storedPath });
}

/** The optimizer variables stored at `optimizer/vars`, in index order (empty when absent). */
export function storedOptimizerValues(root: H5TreeGroup, source?: string): Tensor[] {
  return varsAt(root, 'optimizer', source).map(({ path, dataset }) => new Tensor(datasetValues(dataset, where(source, path)), dataset.shape));
}

/** Options of {@link nativeWeightsTree}. */
export interface NativeTreeOptions {
  /** Store a compiled model's optimizer variables at `optimizer/vars` (default true, as in a `.keras`). */
  includeOptimizer?: boolean;
}

function nameAttr(name: string): Record<string, H5TreeAttr> {
  return { name: { kind: 'strings', values: [name], scalar: true } };
}

function ensureGroup(root: H5TreeGroup, path: string): H5TreeGroup {
  let g = root;
  for (const part of path.split('/').filter((p) => p !== '')) {
    let next = g.members[part];
    if (!next) {
      next = { kind: 'group', attrs: {}, members: {} };
      g.members[part] = next;
    }
    if (next.kind !== 'group') throw new KerastsError(`two objects would share the HDF5 path /${path}`, 'writing weights');
    g = next;
  }
  return g;
}

function putVars(root: H5TreeGroup, path: string, name: string, values: readonly { shape: readonly number[]; data: Float32Array | Int32Array; dtype: 'float32' | 'int32' }[]): void {
  const g = ensureGroup(root, path ? `${path}/vars` : 'vars');
  g.attrs = nameAttr(name);
  values.forEach((v, i) => {
    g.members[String(i)] = { kind: 'dataset', shape: [...v.shape], dtype: v.dtype, data: v.data, attrs: {} };
  });
}

/**
 * A model's variables as the HDF5 tree Keras 3 writes: `vars` (the model), `layers/...` and, for a
 * compiled model, `optimizer/vars` (iteration as int32, as Keras on JAX writes it, then the
 * learning rate and the slots).
 */
export function nativeWeightsTree(model: Model, options: NativeTreeOptions = {}): H5TreeGroup {
  if (!model.built) model.build();
  const root: H5TreeGroup = { kind: 'group', attrs: {}, members: {} };
  for (const L of modelLayout(model)) {
    ensureGroup(root, L.path);
    for (const n of L.nodes) putVars(root, n.path, n.name, n.variables.map((w) => ({ shape: w.shape, data: new Float32Array(w.value.data), dtype: 'float32' as const })));
  }
  const opt = model.optimizer;
  if (opt && options.includeOptimizer !== false) {
    const vars = model.getOptimizerVariables('keras3');
    putVars(
      root,
      'optimizer',
      String(opt.getConfig().config.name ?? opt.getConfig().class_name.toLowerCase()),
      vars.map((v) => (v.dtype === 'int32' ? { shape: [...v.value.shape], data: Int32Array.from(v.value.data, (x) => Math.round(x)), dtype: 'int32' as const } : { shape: [...v.value.shape], data: new Float32Array(v.value.data), dtype: 'float32' as const })),
    );
  }
  putVars(root, '', model.name, []);
  return root;
}

/** Keras' `model.save_weights('x.weights.h5')` as bytes (layers only, as Keras writes it for an uncompiled model; `includeOptimizer` adds the optimizer). */
export async function nativeWeightsToBytes(model: Model, options: NativeTreeOptions = {}): Promise<Uint8Array> {
  return writeH5Tree(nativeWeightsTree(model, { includeOptimizer: options.includeOptimizer ?? true }));
}

/**
 * Read a native weights file's tree.
 * @throws {FormatError} for bytes that are not HDF5, or HDF5 in another layout (a legacy `.h5` says so).
 */
export async function readNativeWeights(bytes: Uint8Array, fileName?: string, limits?: Partial<Limits>): Promise<H5TreeGroup> {
  const root = await readH5Tree(bytes, { ...(fileName ? { fileName } : {}), ...(limits ? { limits } : {}) });
  if (!isNativeWeightsTree(root)) {
    const legacy = root.attrs.layer_names || root.attrs.layer_names0 || root.attrs.model_config;
    throw new FormatError(
      legacy
        ? 'this is a legacy Keras .h5 file (layer_names/model_config at the root), not a Keras 3 .weights.h5; read it with @kerasts/io-hdf5'
        : `not a Keras 3 weights file: expected a /vars or /layers group at the root (found ${Object.keys(root.members).join(', ') || 'nothing'})`,
      fileName ?? '',
    );
  }
  return root;
}

/**
 * A native weights tree as a format-neutral table, for listing and comparing: one entry per
 * top-level layer group (`layers/<key>`), named by the layer name its `vars` group records, with its
 * variables in Keras' order (own `vars` first, then child objects in name order), each named by its
 * path inside the layer (`cell/vars/0`). The optimizer's variables are not included.
 */
export function nativeWeightTable(root: H5TreeGroup, source?: string): WeightTable {
  const layers = groupAt(root, 'layers');
  const out: WeightTable = { layers: [], kerasVersion: null, backend: null };
  if (!layers) return out;
  for (const key of Object.keys(layers.members)) {
    const g = layers.members[key]!;
    if (g.kind !== 'group') continue;
    const vars = groupAt(g, 'vars');
    const weights: WeightTable['layers'][number]['weights'] = [];
    const walk = (node: H5TreeGroup, rel: string) => {
      for (const { path, dataset } of varsAt(node, '', source)) weights.push({ name: rel ? `${rel}/${path}` : path, value: new Tensor(datasetValues(dataset, where(source, `layers/${key}/${path}`)), dataset.shape) });
      for (const [k, m] of Object.entries(node.members).sort(([a], [b]) => (a < b ? -1 : 1))) if (k !== 'vars' && m.kind === 'group') walk(m, rel ? `${rel}/${k}` : k);
    };
    walk(g, '');
    out.layers.push({ layerName: (vars && stringAttr(vars.attrs, 'name')) ?? key, weights });
  }
  return out;
}
