import { FormatError, KerastsError, ShapeMismatchError, UnsupportedError } from '@kerasts/tensor';
import type { File as H5File, Group as H5Group } from 'h5wasm';
import { planChunks, utf8Length } from './chunking.js';
import { type Engine, getEngine, noteEngineError, summarizeHdf5Error, uniqueMemfsName, unlinkQuietly } from './engine.js';
import { baseName, joinPath, parentPath } from './paths.js';
import type { H5Data, H5DType, H5Weight, KerasH5Contents, WriteKerasH5Options } from './types.js';

const TOP_LEVEL = 'top_level_model_weights';

/**
 * Longest scalar string stored as a fixed-length attribute. An attribute message must fit in one
 * 64 KiB object-header message, so a longer value (a very large `model_config`) is stored as a
 * variable-length ASCII string instead, which is what every Keras itself writes for these scalars.
 */
export const MAX_FIXED_SCALAR_BYTES = 60000;

/** h5wasm dtype strings for the dtypes that can be written. */
const WRITE_DTYPE: Partial<Record<H5DType, string>> = {
  float32: '<f',
  float64: '<d',
  int8: '<b',
  int16: '<h',
  int32: '<i',
  int64: '<q',
  uint8: '<B',
  uint16: '<H',
  uint32: '<I',
  uint64: '<Q',
};

const ARRAY_TYPE: Record<H5DType, string> = {
  float16: 'Float32Array',
  float32: 'Float32Array',
  float64: 'Float64Array',
  int8: 'Int8Array',
  int16: 'Int16Array',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  uint8: 'Uint8Array',
  uint16: 'Uint16Array',
  uint32: 'Uint32Array',
  uint64: 'BigUint64Array',
};

/**
 * Write a {@link KerasH5Contents} as a Keras legacy HDF5 file and return its bytes.
 *
 * Layout (KERAS-FORMAT.md §2.1, §3.1): for `'model'`, root attrs `keras_version`, `backend`,
 * `model_config`, `training_config` (each only when non-null), `/model_weights` with `layer_names`,
 * `backend`, `keras_version`, one group per layer with `weight_names` and one dataset per weight at
 * `<layer>/<weight name>` (a `/` in a name makes nested groups), optional
 * `top_level_model_weights` and `/optimizer_weights`. For `'weights'` the weights group is the root.
 *
 * Strings: see {@link WriteKerasH5Options.stringEncoding}. Empty name lists are stored as an empty
 * float64 array of shape (0,), like Keras; name lists whose fixed-length array would exceed
 * 64512 bytes are split into `name0..N` with numpy.array_split sizes, like Keras ≥ 2.1.5.
 * Datasets are contiguous, unfiltered, little-endian, in the weight's own dtype (float32 weights,
 * int64/int32 optimizer counters). The file uses the oldest HDF5 object formats (superblock 0,
 * libver bounds earliest..v108), like h5py's default, so HDF5 1.8-based readers can open it.
 *
 * @throws FormatError / ShapeMismatchError when the contents are inconsistent (lists and arrays
 *   disagree, a shape does not match the data length, names collide, ...), before anything is written.
 * @throws UnsupportedError for dtypes h5wasm cannot write (float16).
 */
export async function writeKerasH5(contents: KerasH5Contents, options: WriteKerasH5Options = {}): Promise<Uint8Array> {
  const encoding = options.stringEncoding ?? 'fixed-ascii';
  if (encoding !== 'fixed-ascii' && encoding !== 'vlen' && encoding !== 'keras2-h5py2') {
    throw new KerastsError(`unknown stringEncoding '${String(encoding)}' (expected 'fixed-ascii', 'vlen' or 'keras2-h5py2')`, 'writeKerasH5');
  }
  validateContents(contents);

  const engine = await getEngine();
  const name = uniqueMemfsName(engine, 'w');
  let file: H5File | null = null;
  try {
    try {
      file = new engine.ns.File(name, 'w', { libver: ['earliest', 'v108'] });
    } catch (err) {
      noteEngineError(engine, err);
      throw new KerastsError(`could not create an in-memory HDF5 file (${summarizeHdf5Error(err)})`, 'writeKerasH5');
    }
    const w = new TreeWriter(engine, file, encoding);
    writeTree(w, contents);
    const f = file;
    file = null;
    w.call('closing the file', '/', () => f.close());
    return engine.FS.readFile(name);
  } finally {
    if (file !== null && !engine.poisoned) {
      try {
        file.close();
      } catch (err) {
        noteEngineError(engine, err);
      }
    }
    unlinkQuietly(engine, name);
  }
}

function writeTree(w: TreeWriter, c: KerasH5Contents): void {
  const wg = c.weights;
  let groupPath: string;
  if (c.kind === 'model') {
    const ra = c.rootAttrs;
    if (ra.kerasVersion !== null) w.stringAttr('/', 'keras_version', ra.kerasVersion);
    if (ra.backend !== null) w.stringAttr('/', 'backend', ra.backend);
    if (ra.modelConfig !== null) w.stringAttr('/', 'model_config', ra.modelConfig);
    if (ra.trainingConfig !== null) w.stringAttr('/', 'training_config', ra.trainingConfig);
    groupPath = '/model_weights';
    w.ensureGroup(groupPath);
  } else {
    groupPath = '/';
  }
  // The weights group: layer_names, backend, keras_version (Keras 2's order).
  w.nameList(groupPath, 'layer_names', wg.layerNames);
  if (wg.backend !== null) w.stringAttr(groupPath, 'backend', wg.backend);
  if (wg.kerasVersion !== null) w.stringAttr(groupPath, 'keras_version', wg.kerasVersion);

  for (const layer of wg.layers) {
    const layerPath = joinPath(groupPath, layer.name);
    w.ensureGroup(layerPath);
    w.nameList(layerPath, 'weight_names', layer.weightNames);
    for (const weight of layer.weights) w.dataset(layerPath, weight);
  }
  if (wg.topLevelWeights !== undefined) {
    const topPath = joinPath(groupPath, TOP_LEVEL);
    w.ensureGroup(topPath);
    w.nameList(topPath, 'weight_names', wg.topLevelWeights.map((x) => x.name));
    for (const weight of wg.topLevelWeights) w.dataset(topPath, weight);
  }
  if (c.optimizerWeights) {
    const optPath = '/optimizer_weights';
    w.ensureGroup(optPath);
    w.nameList(optPath, 'weight_names', c.optimizerWeights.weightNames);
    for (const weight of c.optimizerWeights.weights) w.dataset(optPath, weight);
  }
}

/** Creates groups, attributes and datasets in one open h5wasm file, tracking what exists. */
/** @internal Shared with tree.ts. */
export class TreeWriter {
  private readonly groups = new Set<string>(['/']);
  private readonly datasets = new Set<string>();

  constructor(
    private readonly engine: Engine,
    private readonly file: H5File,
    private readonly encoding: 'fixed-ascii' | 'vlen' | 'keras2-h5py2',
  ) {}

  call<T>(what: string, path: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof KerastsError) throw err;
      noteEngineError(this.engine, err);
      throw new KerastsError(`${what} failed (${summarizeHdf5Error(err)})`, `writeKerasH5, HDF5 path ${path}`);
    }
  }

  private handle(path: string): H5Group {
    return path === '/' ? this.file : new this.engine.ns.Group(this.file.file_id, path);
  }

  /** Create a group and any missing parents. */
  ensureGroup(path: string): void {
    if (this.groups.has(path)) return;
    if (this.datasets.has(path)) {
      throw new FormatError(`cannot create group ${path}: a dataset already has that path`, `writeKerasH5, HDF5 path ${path}`);
    }
    const parent = parentPath(path);
    this.ensureGroup(parent);
    this.call('creating the group', path, () => this.handle(parent).create_group(baseName(path)));
    this.groups.add(path);
  }

  /**
   * A scalar string attribute: fixed-length ASCII, or variable-length ASCII in 'vlen' mode and for
   * values too long for one object-header message. (h5wasm's UTF-8 strings are space-padded Fortran
   * strings, unlike anything Keras writes, so UTF-8 is never used; Keras loaders ignore the cset.)
   */
  stringAttr(objPath: string, attr: string, value: string): void {
    const bytes = utf8Length(value);
    const obj = this.handle(objPath);
    this.call(`writing attribute ${attr}`, objPath, () => {
      if (this.encoding !== 'fixed-ascii' || bytes > MAX_FIXED_SCALAR_BYTES) {
        obj.create_attribute(attr, value, [], 'A');
      } else {
        obj.create_attribute(attr, value, [], `A${Math.max(1, bytes)}`);
      }
    });
  }

  /** A name list: 1-D strings, an empty float64 (0,) array, or chunked `name0..N`. */
  nameList(objPath: string, attr: string, names: readonly string[]): void {
    const obj = this.handle(objPath);
    if (names.length === 0) {
      this.call(`writing attribute ${attr}`, objPath, () => obj.create_attribute(attr, new Float64Array(0), [0], '<d'));
      return;
    }
    let plan;
    try {
      plan = planChunks(names);
    } catch (err) {
      throw new FormatError((err as Error).message, `writeKerasH5, HDF5 path ${objPath} attribute ${attr}`);
    }
    const dtype = `A${plan.itemSize}`;
    if (plan.pieces.length === 1) {
      this.call(`writing attribute ${attr}`, objPath, () =>
        obj.create_attribute(attr, [...names], null, this.encoding === 'vlen' ? 'A' : dtype),
      );
      return;
    }
    let start = 0;
    plan.pieces.forEach((size, i) => {
      const piece = names.slice(start, start + size);
      start += size;
      this.call(`writing attribute ${attr}${i}`, objPath, () => obj.create_attribute(`${attr}${i}`, piece, null, dtype));
    });
  }

  /** One weight dataset at `<group>/<weight.name>`, parents created. */
  dataset(groupPath: string, weight: H5Weight): void {
    const path = joinPath(groupPath, weight.name);
    if (this.datasets.has(path) || this.groups.has(path)) {
      throw new FormatError(
        `two objects would have the same HDF5 path ${path} (duplicate weight name '${weight.name}'?)`,
        `writeKerasH5, HDF5 path ${path}`,
      );
    }
    const parent = parentPath(path);
    this.ensureGroup(parent);
    const dtype = WRITE_DTYPE[weight.dtype];
    if (dtype === undefined) {
      throw new UnsupportedError(`cannot write ${weight.dtype} datasets (h5wasm has no 2-byte float type)`, `writeKerasH5, HDF5 path ${path}`);
    }
    this.call('writing the dataset', path, () =>
      this.handle(parent).create_dataset({ name: baseName(path), data: weight.data, shape: [...weight.shape], dtype }),
    );
    this.datasets.add(path);
  }
}

// ----------------------------------------------------------------------------------------------
// Validation (before anything is written)

function validateContents(c: KerasH5Contents): void {
  const at = (p: string) => `writeKerasH5, HDF5 path ${p}`;
  if (c === null || typeof c !== 'object') throw new FormatError('expected a KerasH5Contents object', 'writeKerasH5');
  if (c.kind !== 'model' && c.kind !== 'weights') {
    throw new FormatError(`kind must be 'model' or 'weights', got ${JSON.stringify(c.kind)}`, 'writeKerasH5');
  }
  const groupPath = c.kind === 'model' ? '/model_weights' : '/';
  if (c.kind === 'weights') {
    if (c.rootAttrs.modelConfig !== null || c.rootAttrs.trainingConfig !== null) {
      throw new FormatError(
        "a 'weights' file has no model_config/training_config; set rootAttrs.modelConfig and trainingConfig to null or use kind 'model'",
        at('/'),
      );
    }
    for (const [key, groupValue] of [
      ['kerasVersion', c.weights.kerasVersion],
      ['backend', c.weights.backend],
    ] as const) {
      const rootValue = c.rootAttrs[key];
      if (rootValue !== null && rootValue !== groupValue) {
        throw new FormatError(
          `in a 'weights' file the root is the weights group, so rootAttrs.${key} (${JSON.stringify(rootValue)}) must be null or equal weights.${key} (${JSON.stringify(groupValue)})`,
          at('/'),
        );
      }
    }
    if (c.optimizerWeights) throw new FormatError("a 'weights' file cannot hold optimizer_weights; use kind 'model'", at('/'));
  }
  const wg = c.weights;
  checkNames(wg.layerNames, 'layer name', groupPath);
  if (wg.layers.length !== wg.layerNames.length || wg.layers.some((l, i) => l.name !== wg.layerNames[i])) {
    throw new FormatError(
      `weights.layers (${wg.layers.map((l) => l.name).join(', ')}) must match weights.layerNames (${wg.layerNames.join(', ')}) one to one, in order`,
      at(groupPath),
    );
  }
  if (new Set(wg.layerNames).size !== wg.layerNames.length) {
    throw new FormatError('layer names must be unique (each one names an HDF5 group)', at(groupPath));
  }
  for (const layer of wg.layers) {
    const layerPath = joinPath(groupPath, layer.name);
    checkWeightList(layer.weightNames, layer.weights, layerPath);
  }
  if (wg.topLevelWeights !== undefined) {
    if (wg.layerNames.includes(TOP_LEVEL)) {
      throw new FormatError(`a layer is named '${TOP_LEVEL}', which collides with topLevelWeights`, at(groupPath));
    }
    const p = joinPath(groupPath, TOP_LEVEL);
    checkWeightList(
      wg.topLevelWeights.map((w) => w.name),
      wg.topLevelWeights,
      p,
    );
  }
  if (c.optimizerWeights) checkWeightList(c.optimizerWeights.weightNames, c.optimizerWeights.weights, '/optimizer_weights');
}

function checkNames(names: readonly string[], what: string, path: string): void {
  for (const n of names) {
    if (typeof n !== 'string') throw new FormatError(`${what} must be a string, got ${typeof n}`, `writeKerasH5, HDF5 path ${path}`);
    const problem =
      n.length === 0
        ? 'is empty'
        : n.startsWith('/')
          ? "starts with '/'"
          : n.endsWith('/')
            ? "ends with '/'"
            : n.includes('//')
              ? "contains '//'"
              : n.split('/').some((p) => p === '.' || p === '..')
                ? "has a '.' or '..' path component"
                : null;
    if (problem) {
      throw new FormatError(`${what} ${JSON.stringify(n)} ${problem}; it cannot be used as an HDF5 path`, `writeKerasH5, HDF5 path ${path}`);
    }
  }
}

function checkWeightList(weightNames: readonly string[], weights: readonly H5Weight[], groupPath: string): void {
  const at = `writeKerasH5, HDF5 path ${groupPath}`;
  checkNames(weightNames, 'weight name', groupPath);
  if (weights.length !== weightNames.length || weights.some((w, i) => w.name !== weightNames[i])) {
    throw new FormatError(
      `weights (${weights.map((w) => w.name).join(', ')}) must match weight_names (${weightNames.join(', ')}) one to one, in order`,
      at,
    );
  }
  for (const w of weights) {
    const p = joinPath(groupPath, w.name);
    const wat = `writeKerasH5, HDF5 path ${p}`;
    if (!Array.isArray(w.shape) || w.shape.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new FormatError(`shape must be an array of non-negative integers, got ${JSON.stringify(w.shape)}`, wat);
    }
    const expectedArray = ARRAY_TYPE[w.dtype];
    if (expectedArray === undefined) throw new UnsupportedError(`unknown dtype ${JSON.stringify(w.dtype)}`, wat);
    const actual = arrayTypeName(w.data);
    if (actual !== expectedArray) {
      throw new FormatError(`dtype ${w.dtype} needs a ${expectedArray} but data is ${actual}`, wat);
    }
    const count = w.shape.reduce((a, b) => a * b, 1);
    if (w.data.length !== count) {
      throw new ShapeMismatchError(`weight '${w.name}' has ${w.data.length} values, which does not fit its shape`, w.shape, [w.data.length], wat);
    }
  }
}

function arrayTypeName(data: H5Data | unknown): string {
  if (data === null || typeof data !== 'object') return typeof data;
  return (data as object).constructor?.name ?? 'object';
}
