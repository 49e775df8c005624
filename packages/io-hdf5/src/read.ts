import { FormatError, KerastsError, LimitError, type Limits, UnsupportedError, resolveLimits } from '@kerasts/tensor';
import { type CoreEngine, noteEngineError, summarizeHdf5Error, uniqueMemfsName, unlinkQuietly } from './engine.js';
import { beginRead, endRead, getReadEngine } from './read-engine.js';
import { checkGlobalHeaps, globalHeapReadGuard, superblockSizeOfLengths } from './guards.js';
import { type DirectReadSink, H5FileReader, type KerasH5Reader, engineLimitError } from './h5read.js';
import { LiteH5Reader, type LiteSource, NotLiteError } from './h5lite.js';
import { joinPath, where, whereAttr } from './paths.js';
import type {
  H5LayerGroup,
  H5OptimizerWeights,
  H5Weight,
  H5WeightGroup,
  KerasH5Contents,
  ReadKerasH5Options,
} from './types.js';

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const TOP_LEVEL = 'top_level_model_weights';

/**
 * Where the HDF5 superblock starts: offset 0, 512, 1024, 2048, ... (a user block may precede it),
 * or -1 when the bytes carry no HDF5 signature at all.
 */
export function findHdf5Signature(bytes: Uint8Array): number {
  // A ZIP (a .keras archive) whose stored model.weights.h5 happens to begin at 512·2ᵏ bytes carries an
  // HDF5 signature there too: a ZIP header at offset 0 decides first.
  if (startsWithZipHeader(bytes)) return -1;
  for (let off = 0; off + HDF5_SIGNATURE.length <= bytes.length; off = off === 0 ? 512 : off * 2) {
    if (HDF5_SIGNATURE.every((b, i) => bytes[off + i] === b)) return off;
  }
  return -1;
}

/** Whether the bytes begin with a ZIP local file header (`PK\x03\x04`). */
export function startsWithZipHeader(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

function describeNonHdf5(bytes: Uint8Array): string {
  if (bytes.length === 0) return 'the file is empty';
  if (startsWithZipHeader(bytes)) {
    return 'it is a ZIP archive (a Keras 3 .keras file?), not HDF5';
  }
  const head = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(0, 64)).trimStart();
  if (head.startsWith('{') || head.startsWith('[')) return 'it looks like JSON text, not HDF5';
  return `no HDF5 signature (\\x89HDF\\r\\n\\x1a\\n) at offset 0, 512, 1024, ... (first bytes: ${[...bytes.subarray(0, 8)]
    .map((b) => b.toString(16).padStart(2, '0'))
    .join(' ')})`;
}

/**
 * A file read piecewise instead of from bytes in memory (Node: a file descriptor), so HDF5 reads
 * each dataset straight from disk into WebAssembly memory and the whole file never sits in memory.
 * @internal
 */
export interface H5RandomAccessFile {
  /** Size in bytes. */
  readonly size: number;
  /** Read up to `length` bytes at file position `position` into `dest[offset..]`; returns the count read. */
  readInto(dest: Uint8Array | Int8Array, offset: number, length: number, position: number): number;
}

function readAtOf(file: H5RandomAccessFile, scratch?: Uint8Array): (pos: number, len: number) => Uint8Array {
  return (pos, len) => {
    const n = Math.max(0, Math.min(len, file.size - pos));
    const out = scratch && n <= scratch.length ? scratch.subarray(0, n) : new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = file.readInto(out, got, n - got, pos + got);
      if (r <= 0) break;
      got += r;
    }
    return got === n ? out : out.subarray(0, got);
  };
}

/** Where the superblock starts in a file read piecewise (see {@link findHdf5Signature}). */
function findHdf5SignatureAt(size: number, readAt: (pos: number, len: number) => Uint8Array): number {
  if (size >= 4 && startsWithZipHeader(readAt(0, 4))) return -1;
  for (let off = 0; off + HDF5_SIGNATURE.length <= size; off = off === 0 ? 512 : off * 2) {
    const b = readAt(off, HDF5_SIGNATURE.length);
    if (HDF5_SIGNATURE.every((x, i) => b[i] === x)) return off;
  }
  return -1;
}

/**
 * Open HDF5 bytes in a fresh in-memory file of the current h5wasm instance, run `fn` on it and
 * always close and delete the file afterwards. HDF5 failures become {@link FormatError}s.
 */
export async function withH5File<T>(
  bytes: Uint8Array,
  fileName: string | undefined,
  fn: (reader: H5FileReader) => T,
  limits: Limits = resolveLimits(),
): Promise<T> {
  if (!(bytes instanceof Uint8Array)) {
    throw new KerastsError(`expected the file contents as a Uint8Array, got ${describeValue(bytes)}`, fileName ?? '');
  }
  const sb = findHdf5Signature(bytes);
  if (sb < 0) {
    throw new FormatError(`not an HDF5 file: ${describeNonHdf5(bytes)}`, fileName ?? '');
  }
  const heapProblem = checkGlobalHeaps(bytes, superblockSizeOfLengths(bytes, sb));
  if (heapProblem) throw new FormatError(`corrupt or truncated HDF5 file: ${heapProblem}`, fileName ?? '');
  // The in-memory file system takes the bytes as they are (no copy): the file is opened read-only,
  // so neither HDF5 nor the file system writes to them, and the file is unlinked in `finally`.
  return openAndRun(bytes.length, fileName, fn, limits, null, (engine, name) =>
    (engine.FS.writeFile as (path: string, data: Uint8Array, opts: { canOwn: boolean }) => void)(name, bytes, { canOwn: true }),
  );
}

/**
 * {@link withH5File} for a file read piecewise: the same checks, then an in-memory file whose reads
 * go to `file.readInto` (straight into WebAssembly memory). @internal
 */
export async function withH5RandomAccessFile<T>(
  file: H5RandomAccessFile,
  fileName: string | undefined,
  fn: (reader: H5FileReader) => T,
  limits: Limits = resolveLimits(),
): Promise<T> {
  const readAt = readAtOf(file);
  const size = file.size;
  const sb = findHdf5SignatureAt(size, readAt);
  if (sb < 0) {
    throw new FormatError(`not an HDF5 file: ${describeNonHdf5(readAt(0, 64))}`, fileName ?? '');
  }
  // Global heaps are checked as HDF5 reads them (see globalHeapReadGuard), not by a scan of the file.
  const guardHeaps = globalHeapReadGuard(size, readAt, superblockSizeOfLengths(readAt(sb, 16), 0));
  const sink: DirectReadSink = { target: null, heapProblem: null };
  return openAndRun(size, fileName, fn, limits, sink, (engine, name) => {
    const FS = engine.FS as unknown as {
      writeFile(path: string, data: Uint8Array): void;
      lookupPath(path: string): { node: MemfsNode };
      ErrnoError: new (errno: number) => Error;
    };
    FS.writeFile(name, new Uint8Array(0));
    const node = FS.lookupPath(name).node;
    node.usedBytes = size; // what stat() and SEEK_END report
    node.stream_ops = {
      ...node.stream_ops,
      read(_stream: unknown, buffer: Uint8Array | Int8Array, offset: number, length: number, position: number): number {
        if (position >= size) return 0;
        const n = Math.min(length, size - position);
        try {
          const t = sink.target;
          if (t && offset >= t.ptr && offset + n <= t.ptr + t.length) {
            const at = offset - t.ptr;
            const got = file.readInto(t.out, at, n, position);
            if (got > 0) t.ranges.push(at, at + got);
            return got;
          }
          const got = file.readInto(buffer, offset, n, position);
          const problem = got > 0 ? guardHeaps(buffer.subarray(offset, offset + got) as Uint8Array, position) : null;
          if (problem !== null) {
            sink.heapProblem = problem;
            throw new Error(problem);
          }
          return got;
        } catch {
          throw new FS.ErrnoError(29); // EIO: HDF5 reports a read error
        }
      },
      write(): number {
        throw new FS.ErrnoError(63); // EROFS
      },
    };
  });
}

interface MemfsNode {
  usedBytes: number;
  stream_ops: Record<string, unknown>;
}

async function openAndRun<T>(
  size: number,
  fileName: string | undefined,
  fn: (reader: H5FileReader) => T,
  limits: Limits,
  sink: DirectReadSink | null,
  install: (engine: CoreEngine, name: string) => void,
): Promise<T> {
  const engine = await getReadEngine();
  const name = uniqueMemfsName(engine, 'r');
  let fileId: bigint | null = null;
  // The engine's memory may grow by maxMetadataBytes for the file's structure, plus each array the
  // reader allows after checking its declared size (H5FileReader.readDataset).
  beginRead(engine, limits.maxMetadataBytes);
  try {
    install(engine, name);
    try {
      fileId = engine.M.open(name, engine.M.H5F_ACC_RDONLY, false, -1, -1);
    } catch (err) {
      noteEngineError(engine, err);
      const limit = memoryLimitError(engine, 'opening the file', fileName ?? '', limits);
      if (limit) throw limit;
      if (sink?.heapProblem) throw new FormatError(`corrupt or truncated HDF5 file: ${sink.heapProblem}`, fileName ?? '');
      throw new FormatError(`not a readable HDF5 file: corrupt or truncated (${summarizeHdf5Error(err)})`, fileName ?? '');
    }
    if (fileId < 0n) throw new FormatError('not a readable HDF5 file: H5Fopen failed', fileName ?? '');
    return fn(new H5FileReader(engine, fileId, fileName, size, sink, limits));
  } catch (err) {
    if (err instanceof KerastsError) throw err;
    noteEngineError(engine, err);
    const limit = memoryLimitError(engine, 'reading the file', fileName ?? '', limits);
    if (limit) throw limit;
    if (sink?.heapProblem) throw new FormatError(`corrupt or truncated HDF5 file: ${sink.heapProblem}`, fileName ?? '');
    throw new FormatError(`reading the HDF5 file failed: ${summarizeHdf5Error(err)}`, fileName ?? '');
  } finally {
    if (fileId !== null && fileId >= 0n && !engine.poisoned) {
      try {
        engine.M.close_file(fileId);
      } catch (err) {
        noteEngineError(engine, err);
      }
    }
    unlinkQuietly(engine, name);
    endRead(engine);
  }
}

/** A LimitError when the engine refused to grow during this read (HDF5 then failed to allocate), else null. */
function memoryLimitError(engine: CoreEngine, what: string, where: string, limits: Limits): LimitError | null {
  return engineLimitError(engine, what, where, limits);
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (v as object).constructor?.name ?? 'object';
  return typeof v;
}

/**
 * Read a Keras legacy HDF5 file (full model from `model.save('x.h5')` or weights from
 * `save_weights('x.h5')`, any era: Keras 1.x, 2.x, tf.keras 2.x, Keras 3 legacy h5) into a plain
 * {@link KerasH5Contents}.
 *
 * Order always comes from the name lists (`layer_names` → layer group → `weight_names` → dataset),
 * never from HDF5 member order. Every string encoding Keras/h5py ever produced is accepted.
 *
 * @throws FormatError when the bytes are not HDF5, are corrupt/truncated, are HDF5 but not a Keras
 *   file, or when a layer group or weight dataset named by a list is missing. The message names the
 *   file (`options.fileName`), the HDF5 path and what was expected.
 * @throws UnsupportedError for a Keras 3 native `.weights.h5` layout (`/layers/<key>/vars/<i>`) and
 *   for datasets of non-numeric types.
 */
export async function readKerasH5(bytes: Uint8Array, options: ReadKerasH5Options = {}): Promise<KerasH5Contents> {
  const fileName = options.fileName;
  const source: LiteSource = {
    size: bytes.length,
    read: (pos, len) => bytes.subarray(pos, pos + len),
    readInto: (dest, pos) => dest.set(bytes.subarray(pos, pos + dest.length)),
  };
  const limits = resolveLimits(options.limits);
  const lite = readWithBuiltin(source, options, limits);
  if (lite !== null) return lite;
  return withH5File(bytes, fileName, (r) => readContents(r, fileName, options), limits);
}

/** {@link readKerasH5} for a file read piecewise (Node: from disk). @internal */
export async function readKerasH5RandomAccess(file: H5RandomAccessFile, options: ReadKerasH5Options = {}): Promise<KerasH5Contents> {
  const fileName = options.fileName;
  const fill = (dest: Uint8Array, pos: number): void => {
    let got = 0;
    while (got < dest.length) {
      const r = file.readInto(dest, got, dest.length - got, pos + got);
      if (r <= 0) throw new NotLiteError('a short read');
      got += r;
    }
  };
  const source: LiteSource = {
    size: file.size,
    read: (pos, len) => {
      const out = new Uint8Array(len);
      fill(out, pos);
      return out;
    },
    readInto: fill,
  };
  const limits = resolveLimits(options.limits);
  const lite = readWithBuiltin(source, options, limits);
  if (lite !== null) return lite;
  return withH5RandomAccessFile(file, fileName, (r) => readContents(r, fileName, options), limits);
}

/**
 * The contents through the built-in reader (h5lite.ts), or null when h5wasm must read the file: the
 * file is outside the built-in reader's subset, or anything at all went wrong (h5wasm then reads it
 * again and gives the canonical answer or error).
 */
function readWithBuiltin(source: LiteSource, options: ReadKerasH5Options, limits: Limits): KerasH5Contents | null {
  const mode = options.reader ?? 'auto';
  if (mode === 'h5wasm') return null;
  try {
    return readContents(new LiteH5Reader(source, options.fileName, limits), options.fileName, options);
  } catch (err) {
    // a declared size over a limit is refused whichever reader finds it (h5wasm reads the same header)
    if (err instanceof LimitError) throw err;
    if (mode === 'builtin') {
      const why = err instanceof Error ? err.message : String(err);
      throw new UnsupportedError(`the built-in HDF5 reader does not read this file (${why}); use reader: 'auto' or 'h5wasm'`, options.fileName ?? '');
    }
    return null;
  }
}

/**
 * Read one name-list attribute (`layer_names`, `weight_names`, ...) the way Keras'
 * `load_attributes_from_hdf5_group` does (plain or chunked `name0..N`; an empty numeric array is an
 * empty list). Returns null when the attribute is absent. Mainly for diagnostics and tests.
 */
export async function readH5NameList(
  bytes: Uint8Array,
  groupPath: string,
  attrName: string,
  options: ReadKerasH5Options = {},
): Promise<string[] | null> {
  return withH5File(
    bytes,
    options.fileName,
    (r) => {
      const kind = r.kindOf(groupPath);
      if (kind === 'missing') throw new FormatError(`expected a group or dataset, found nothing`, where(options.fileName, groupPath));
      return r.readNameList(groupPath, attrName);
    },
    resolveLimits(options.limits),
  );
}

function readContents(r: KerasH5Reader, fileName: string | undefined, options: ReadKerasH5Options): KerasH5Contents {
  const rootAttrNames = r.attrNames('/');
  const rootMembers = r.children('/');
  const hasModelConfig = rootAttrNames.includes('model_config');
  const hasLayerNames = rootAttrNames.includes('layer_names') || rootAttrNames.includes('layer_names0');

  let kind: KerasH5Contents['kind'];
  let weightsPath: string;
  if (hasModelConfig || (!hasLayerNames && rootMembers.includes('model_weights'))) {
    kind = 'model';
    weightsPath = '/model_weights';
    const k = r.kindOf(weightsPath);
    if (k !== 'group') {
      throw new FormatError(
        `the root has a model_config attribute, so a /model_weights group was expected, but ${k === 'missing' ? 'it is missing' : 'it is not a group'}`,
        where(fileName, weightsPath),
      );
    }
  } else if (hasLayerNames) {
    kind = 'weights';
    weightsPath = '/';
  } else {
    throw notKerasError(r, fileName, rootAttrNames, rootMembers);
  }

  const rootAttrs = {
    kerasVersion: r.readStringAttr('/', 'keras_version', rootAttrNames),
    backend: r.readStringAttr('/', 'backend', rootAttrNames),
    modelConfig: r.readStringAttr('/', 'model_config', rootAttrNames),
    trainingConfig: r.readStringAttr('/', 'training_config', rootAttrNames),
  };

  const values = options.weightValues !== false;
  const weights = readWeightGroup(r, fileName, weightsPath, weightsPath === '/' ? rootAttrNames : undefined, values);

  let optimizerWeights: H5OptimizerWeights | null = null;
  if (kind === 'model' && rootMembers.includes('optimizer_weights')) {
    const path = '/optimizer_weights';
    if (r.kindOf(path) !== 'group') {
      throw new FormatError('expected /optimizer_weights to be a group', where(fileName, path));
    }
    const weightNames = requireNameList(r, fileName, path, 'weight_names', 'the optimizer state group');
    optimizerWeights = { weightNames, weights: readWeights(r, path, weightNames, values) };
  }

  const known =
    kind === 'model' ? new Set(['model_weights', 'optimizer_weights']) : new Set([...weights.layerNames, TOP_LEVEL]);
  const extraRootGroups = rootMembers.filter((m) => !known.has(m));

  return { kind, rootAttrs, weights, optimizerWeights, extraRootGroups };
}

function notKerasError(r: KerasH5Reader, fileName: string | undefined, attrs: string[], members: string[]): KerastsError {
  if (members.includes('layers') || members.includes('vars') || members.includes('optimizer')) {
    const looksNative =
      (members.includes('layers') && r.kindOf('/layers') === 'group') || (members.includes('vars') && r.kindOf('/vars') === 'group');
    if (looksNative) {
      return new UnsupportedError(
        'Keras 3 .weights.h5 layout: not a legacy .h5 (this file stores weights as /layers/<key>/vars/<i> ' +
          'without layer_names); read it with @kerasts/io-keras (loadKerasWeights) or the kerasts package (loadWeights), which detect it by content',
        where(fileName, '/'),
      );
    }
  }
  if (attrs.includes('nb_layers')) {
    return new UnsupportedError(
      'Keras 0.x weights layout (nb_layers, layer_<k>/param_<p>) is not supported',
      where(fileName, '/'),
    );
  }
  const list = (xs: string[]) => (xs.length ? xs.map((x) => `'${x}'`).join(', ') : 'none');
  return new FormatError(
    'not a Keras file: expected a model_config attribute (full model) or a layer_names attribute (weights file) ' +
      `at the root; root attributes: ${list(attrs)}; root members: ${list(members)}`,
    where(fileName, '/'),
  );
}

function requireNameList(r: KerasH5Reader, fileName: string | undefined, path: string, attr: string, what: string): string[] {
  const list = r.readNameList(path, attr);
  if (list === null) {
    throw new FormatError(`expected a ${attr} attribute (or chunked ${attr}0, ${attr}1, ...) on ${what}`, whereAttr(fileName, path, attr));
  }
  return list;
}

function readWeightGroup(
  r: KerasH5Reader,
  fileName: string | undefined,
  path: string,
  attrNames: string[] | undefined,
  values: boolean,
): H5WeightGroup {
  const names = attrNames ?? r.attrNames(path);
  const layerNames = requireNameList(r, fileName, path, 'layer_names', 'the weights group');
  const kerasVersion = r.readStringAttr(path, 'keras_version', names);
  const backend = r.readStringAttr(path, 'backend', names);

  const layers: H5LayerGroup[] = layerNames.map((layerName) => {
    const layerPath = joinPath(path, layerName);
    const k = r.kindOf(layerPath);
    if (k !== 'group') {
      throw new FormatError(
        `layer '${layerName}' is listed in layer_names but its group is ${k === 'missing' ? 'missing' : 'not a group'} ` +
          `(expected a group at ${layerPath} with a weight_names attribute)`,
        where(fileName, layerPath),
      );
    }
    const weightNames = requireNameList(r, fileName, layerPath, 'weight_names', `the group of layer '${layerName}'`);
    return { name: layerName, weightNames, weights: readWeights(r, layerPath, weightNames, values) };
  });

  const group: H5WeightGroup = { layerNames, kerasVersion, backend, layers };
  if (!layerNames.includes(TOP_LEVEL)) {
    const topPath = joinPath(path, TOP_LEVEL);
    if (r.kindOf(topPath) === 'group') {
      const weightNames = r.readNameList(topPath, 'weight_names') ?? [];
      group.topLevelWeights = readWeights(r, topPath, weightNames, values);
    }
  }
  return group;
}

function readWeights(r: KerasH5Reader, groupPath: string, weightNames: string[], values: boolean): H5Weight[] {
  const listedIn = `weight_names of ${groupPath}`;
  return weightNames.map((name) => {
    const d = r.requireDataset(groupPath, name, listedIn, values);
    return { name, shape: d.shape, dtype: d.dtype, data: d.data, hdf5Path: d.path };
  });
}
