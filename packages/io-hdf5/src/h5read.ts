/**
 * Low-level, defensive reading of one open HDF5 file through h5wasm's Emscripten module.
 *
 * Attributes and datasets are read through the module's raw functions (not h5wasm's high-level
 * `Attribute.value`) so that strings are decoded the way Keras decodes them: the stored bytes as
 * UTF-8 whatever the declared character set, padding stripped according to the string's STRPAD.
 * Every call is wrapped so that an HDF5 failure becomes a {@link FormatError} naming the file,
 * the HDF5 path and what was being read.
 */
import { FormatError, KerastsError, LimitError, type Limits, UnsupportedError, resolveLimits } from '@kerasts/tensor';
import type { Metadata } from 'h5wasm';
import { type CoreEngine, noteEngineError, summarizeHdf5Error } from './engine.js';
import { allowArray, refusedGrowth } from './read-engine.js';
import { joinPath, where, whereAttr } from './paths.js';
import type { H5Data, H5DType } from './types.js';

// H5T_class_t values (HDF5 H5Tpublic.h).
const H5T_INTEGER = 0;
const H5T_FLOAT = 1;
const H5T_STRING = 3;
const H5T_ENUM = 8;
export const CLASS_NAMES: Record<number, string> = {
  0: 'integer',
  1: 'float',
  2: 'time',
  3: 'string',
  4: 'bitfield',
  5: 'opaque',
  6: 'compound',
  7: 'reference',
  8: 'enum',
  9: 'variable-length sequence',
  10: 'array',
};
// H5T_str_t values.
const STR_NULLTERM = 0;
const STR_SPACEPAD = 2;

const utf8 = new TextDecoder('utf-8');

/** A decoded attribute value. */
export type AttrValue =
  | { kind: 'strings'; values: string[]; shape: number[] }
  | { kind: 'other'; className: string; count: number; shape: number[] }
  | { kind: 'empty-dataspace' };

/** Kind of object found at a path. */
export type ObjectKind = 'group' | 'dataset' | 'missing' | 'other';

/** Decoded dataset. */
export interface DatasetValue {
  shape: number[];
  dtype: H5DType;
  data: H5Data;
}

/** A dataset's declared type and shape, without its values. */
export interface DatasetInfo {
  shape: number[];
  dtype: H5DType;
}

/**
 * Deflate, the only compression Keras files use (h5py's gzip), cannot expand data more than 1032
 * times: a compressed dataset declaring more than 1032 × the file's size is corrupt.
 */
export const MAX_DEFLATE_RATIO = 1032;

/** An empty typed array of a dtype (a weight read without its values). */
export function emptyOf(dtype: H5DType): H5Data {
  return toTypedArray(new Uint8Array(0), dtype, 0);
}

/** The LimitError for a read whose engine refused to grow (HDF5 then failed to allocate), or null. */
export function engineLimitError(engine: CoreEngine, what: string, whereText: string, limits: Limits): LimitError | null {
  const asked = refusedGrowth(engine);
  if (asked === null) return null;
  return new LimitError(
    `${what}: the HDF5 engine asked for more memory for the file's structure than allowed (beyond its declared arrays)`,
    whereText,
    'maxMetadataBytes',
    asked,
    limits.maxMetadataBytes,
    'bytes',
  );
}

/**
 * Where the file system of a file read piecewise may put the bytes HDF5 reads into one WebAssembly
 * range: while `target` is set, a read whose destination lies wholly inside `[ptr, ptr + length)` of
 * the WebAssembly heap goes straight into `out` instead (no copy through WebAssembly memory), and
 * the range it covered (relative to `ptr`) is appended to `ranges` as start, end pairs.
 * @internal
 */
export interface DirectReadSink {
  target: { ptr: number; length: number; out: Uint8Array; ranges: number[] } | null;
  /** Set by the file system when a read met a corrupt global heap (the read then failed). */
  heapProblem: string | null;
}

/**
 * What the Keras reader (read.ts) needs of an open HDF5 file: objects by path, attributes, datasets.
 * {@link H5FileReader} answers through h5wasm (all of HDF5); h5lite.ts answers for the plain files
 * Keras writes without starting h5wasm. The name-list and string rules live here, shared by both.
 */
export abstract class KerasH5Reader {
  /** Bytes of arrays this read has allowed so far (checked against `limits.maxBytes`). */
  private claimed = 0;

  constructor(
    readonly fileName: string | undefined,
    readonly limits: Limits = resolveLimits(),
  ) {}

  /**
   * Check an array the file declares before anything of its size is allocated: within the file
   * (stored as is: no larger than the file; compressed: no larger than {@link MAX_DEFLATE_RATIO} ×
   * the file) and, with every array read so far, within `limits.maxBytes`.
   */
  protected claimArray(path: string, shape: readonly number[], dtype: string, nbytes: number, storage: 'stored' | 'compressed', fileSize: number): void {
    const w = where(this.fileName, path);
    const desc = `dataset of shape [${shape.join(', ')}], ${dtype}`;
    if (!Number.isSafeInteger(nbytes) || nbytes < 0) throw new FormatError(`${desc} declares an impossible size: corrupt file`, w);
    if (storage === 'stored' && nbytes > fileSize) {
      throw new FormatError(`${desc} claims ${nbytes} bytes but the whole file has ${fileSize}: corrupt file`, w);
    }
    if (storage === 'compressed' && nbytes > fileSize * MAX_DEFLATE_RATIO) {
      throw new FormatError(
        `compressed ${desc} claims ${nbytes} bytes, more than ${MAX_DEFLATE_RATIO} × the file's ${fileSize} (deflate's largest expansion): corrupt file`,
        w,
      );
    }
    if (this.claimed + nbytes > this.limits.maxBytes) {
      throw new LimitError(
        `${desc}${this.claimed > 0 ? ` (after ${this.claimed} bytes of earlier arrays)` : ''} is too large to read`,
        w,
        'maxBytes',
        this.claimed + nbytes,
        this.limits.maxBytes,
        'bytes',
      );
    }
    this.claimed += nbytes;
  }

  /** What lives at an absolute path. */
  abstract kindOf(path: string): ObjectKind;
  /** Member names of a group, in HDF5 (alphabetical) order. */
  abstract children(path: string): string[];
  /** Attribute names of an object. */
  abstract attrNames(path: string): string[];
  /** Read and decode one attribute. */
  abstract readAttr(path: string, name: string): AttrValue;
  /** Read a whole dataset into a typed array. */
  abstract readDataset(path: string): DatasetValue;
  /** A dataset's type and shape, without reading its values. */
  abstract datasetInfo(path: string): DatasetInfo;

  /**
   * A single string attribute (`keras_version`, `backend`, `model_config`, ...): null when absent.
   * Accepts a scalar or a one-element array of any string encoding.
   */
  readStringAttr(path: string, name: string, names?: readonly string[]): string | null {
    const present = names ?? this.attrNames(path);
    if (!present.includes(name)) return null;
    const v = this.readAttr(path, name);
    const w = whereAttr(this.fileName, path, name);
    if (v.kind === 'strings' && v.values.length === 1) return v.values[0] ?? '';
    if (v.kind === 'strings') {
      throw new FormatError(`expected a single string, found an array of ${v.values.length} strings`, w);
    }
    if (v.kind === 'other') throw new FormatError(`expected a string, found ${v.className} data (shape [${v.shape.join(', ')}])`, w);
    throw new FormatError('expected a string, found an empty (null) dataspace', w);
  }

  /**
   * A name list (`layer_names`, `weight_names`) exactly as Keras' `load_attributes_from_hdf5_group`
   * reads it: `name` if present, otherwise the concatenation of `name0`, `name1`, ... up to the first
   * missing index. Returns null when neither form exists. An empty numeric array (Keras stores an
   * empty list as float64 shape (0,)) is an empty list; so is an empty dataspace.
   */
  readNameList(path: string, name: string, names?: readonly string[]): string[] | null {
    const present = names ?? this.attrNames(path);
    if (present.includes(name)) return this.nameListPart(path, name);
    if (!present.includes(`${name}0`)) return null;
    const out: string[] = [];
    for (let i = 0; present.includes(`${name}${i}`); i++) out.push(...this.nameListPart(path, `${name}${i}`));
    return out;
  }

  private nameListPart(path: string, name: string): string[] {
    const v = this.readAttr(path, name);
    if (v.kind === 'strings') return v.values;
    if (v.kind === 'empty-dataspace') return [];
    if (v.count === 0) return [];
    throw new FormatError(
      `expected a list of names (strings), found ${v.count} ${v.className} value(s) (shape [${v.shape.join(', ')}])`,
      whereAttr(this.fileName, path, name),
    );
  }

  /** A dataset that must exist at `group/name`; the error says which list named it. */
  requireDataset(groupPath: string, name: string, listedIn: string, values = true): { path: string } & DatasetValue {
    const path = joinPath(groupPath, name);
    const kind = this.kindOf(path);
    if (kind !== 'dataset') {
      const found = kind === 'missing' ? 'it is missing' : kind === 'group' ? 'a group is there instead' : 'an unsupported link/object is there';
      throw new FormatError(
        `weight '${name}' is listed in ${listedIn} but its dataset is not there (expected a dataset at ${path}; ${found})`,
        where(this.fileName, path),
      );
    }
    if (!values) {
      const info = this.datasetInfo(path);
      return { path, ...info, data: emptyOf(info.dtype) };
    }
    return { path, ...this.readDataset(path) };
  }
}

/** Readers for one open file, through h5wasm. */
export class H5FileReader extends KerasH5Reader {
  constructor(
    private readonly engine: CoreEngine,
    private readonly fileId: bigint,
    fileName: string | undefined,
    private readonly fileSize: number,
    private readonly sink: DirectReadSink | null = null,
    limits: Limits = resolveLimits(),
  ) {
    super(fileName, limits);
  }

  /** Run one h5wasm call; turn any failure into a FormatError that says what, where and why. */
  call<T>(what: string, whereText: string, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof KerastsError) throw err;
      noteEngineError(this.engine, err);
      const limit = engineLimitError(this.engine, what, whereText, this.limits);
      if (limit) throw limit;
      if (this.sink?.heapProblem) throw new FormatError(`corrupt or truncated HDF5 file: ${this.sink.heapProblem}`, this.fileName ?? '');
      throw new FormatError(`${what} failed: corrupt or unreadable HDF5 data (${summarizeHdf5Error(err)})`, whereText);
    }
  }

  /** What lives at an absolute path (soft links followed; external links count as 'other'). */
  kindOf(path: string): ObjectKind {
    const M = this.engine.M;
    const t = this.call('looking up the object', where(this.fileName, path), () => M.get_type(this.fileId, path));
    if (t === M.H5G_GROUP) return 'group';
    if (t === M.H5G_DATASET) return 'dataset';
    if (t < 0) return 'missing';
    return 'other';
  }

  /** Member names of a group, in HDF5 (alphabetical) order. */
  children(path: string): string[] {
    return this.call('listing the group', where(this.fileName, path), () =>
      this.engine.M.get_names(this.fileId, path, false),
    );
  }

  /** Attribute names of an object. */
  attrNames(path: string): string[] {
    return this.call('listing attributes', where(this.fileName, path), () =>
      this.engine.M.get_attribute_names(this.fileId, path),
    );
  }

  /** Read and decode one attribute. */
  readAttr(path: string, name: string): AttrValue {
    const M = this.engine.M;
    const w = whereAttr(this.fileName, path, name);
    const md: Metadata = this.call('reading the attribute type', w, () => M.get_attribute_metadata(this.fileId, path, name));
    if (md.shape === null) return { kind: 'empty-dataspace' };
    const shape = [...md.shape];
    const count = md.total_size;
    if (md.type !== H5T_STRING) {
      return { kind: 'other', className: CLASS_NAMES[md.type] ?? `class ${md.type}`, count, shape };
    }
    if (count === 0) return { kind: 'strings', values: [], shape };
    const elemSize = md.vlen ? 4 : md.size;
    const nbytes = elemSize * count;
    if (!md.vlen && nbytes > this.fileSize) {
      throw new FormatError(`string attribute claims ${nbytes} bytes, more than the whole file (${this.fileSize})`, w);
    }
    const ptr = this.malloc(nbytes, w);
    try {
      this.call('reading the attribute', w, () => M.get_attribute_data(this.fileId, path, name, BigInt(ptr)));
      const values: string[] = [];
      if (md.vlen) {
        const ptrs = new Uint32Array(M.HEAPU8.slice(ptr, ptr + nbytes).buffer);
        try {
          for (const p of ptrs) values.push(readCString(M.HEAPU8, p));
        } finally {
          this.call('releasing attribute memory', w, () => M.reclaim_vlen_memory(this.fileId, path, name, BigInt(ptr)));
        }
      } else {
        const bytes = M.HEAPU8.slice(ptr, ptr + nbytes);
        for (let i = 0; i < count; i++) {
          values.push(decodeFixed(bytes.subarray(i * elemSize, (i + 1) * elemSize), md.strpad ?? STR_NULLTERM));
        }
      }
      return { kind: 'strings', values, shape };
    } finally {
      M._free(ptr);
    }
  }

  private metadata(path: string): { md: Metadata; shape: number[]; type: number; dtype: H5DType } {
    const M = this.engine.M;
    const w = where(this.fileName, path);
    const md: Metadata = this.call('reading the dataset type', w, () => M.get_dataset_metadata(this.fileId, path));
    if (md.shape === null) throw new FormatError('expected a weight array, found a dataset with an empty (null) dataspace', w);
    const shape = [...md.shape];
    let type = md.type;
    if (type === H5T_ENUM && md.enum_type) type = md.enum_type.type;
    const dtype = dtypeOf(type, md.size, md.signed);
    if (dtype === null) {
      const cls = CLASS_NAMES[md.type] ?? `class ${md.type}`;
      throw new UnsupportedError(`expected a numeric weight array, found ${cls} data of ${md.size} byte(s) per element`, w);
    }
    return { md, shape, type, dtype };
  }

  /** A dataset's type and shape, without reading its values. */
  datasetInfo(path: string): DatasetInfo {
    const { shape, dtype } = this.metadata(path);
    return { shape, dtype };
  }

  /** Read a whole dataset into a typed array. */
  readDataset(path: string): DatasetValue {
    const M = this.engine.M;
    const w = where(this.fileName, path);
    const { md, shape, type, dtype } = this.metadata(path);
    const count = md.total_size;
    const nbytes = md.size * count;
    // declared sizes against the file and the limits before anything is allocated; a chunked
    // dataset may be compressed (Keras files never are, but h5py can write them)
    this.claimArray(path, shape, dtype, nbytes, md.chunks === null ? 'stored' : 'compressed', this.fileSize);
    if (nbytes > 0x7fff0000) throw new UnsupportedError(`dataset of ${nbytes} bytes is too large to read`, w);
    allowArray(this.engine, nbytes, this.limits.maxMetadataBytes);
    const ptr = this.malloc(nbytes, w);
    let bytes: Uint8Array;
    // A contiguous little-endian numeric dataset is read by HDF5 without conversion, straight from
    // the file into the destination: with a sink, those reads land in `bytes` directly.
    const direct = this.sink !== null && md.chunks === null && md.littleEndian && (type === H5T_FLOAT || type === H5T_INTEGER) && nbytes > 0;
    try {
      if (direct) {
        const target = { ptr, length: nbytes, out: new Uint8Array(nbytes), ranges: [] as number[] };
        this.sink!.target = target;
        try {
          this.call('reading the dataset', w, () => M.get_dataset_data(this.fileId, path, null, null, null, BigInt(ptr)));
        } finally {
          this.sink!.target = null;
        }
        bytes = target.out;
        // Whatever did not come straight from the file (fill values, compact storage, small reads
        // through HDF5's sieve buffer) is in WebAssembly memory.
        const r = target.ranges.length <= 2 ? target.ranges : sortedPairs(target.ranges);
        let at = 0;
        for (let i = 0; i < r.length; i += 2) {
          const a = r[i]!;
          if (a > at) bytes.set(M.HEAPU8.subarray(ptr + at, ptr + a), at);
          at = Math.max(at, r[i + 1]!);
        }
        if (at < nbytes) bytes.set(M.HEAPU8.subarray(ptr + at, ptr + nbytes), at);
      } else {
        this.call('reading the dataset', w, () => M.get_dataset_data(this.fileId, path, null, null, null, BigInt(ptr)));
        bytes = M.HEAPU8.slice(ptr, ptr + nbytes);
      }
    } finally {
      M._free(ptr);
    }
    return { shape, dtype, data: toTypedArray(bytes, dtype, count) };
  }

  private malloc(nbytes: number, w: string): number {
    const M = this.engine.M;
    let ptr = 0;
    try {
      ptr = M._malloc(Math.max(nbytes, 8));
    } catch (err) {
      noteEngineError(this.engine, err);
    }
    if (!ptr) throw engineLimitError(this.engine, `allocating ${nbytes} bytes`, w, this.limits) ?? new KerastsError(`out of WebAssembly memory allocating ${nbytes} bytes`, w);
    return ptr;
  }
}

/** [a0, b0, a1, b1, ...] sorted by start. */
function sortedPairs(flat: number[]): number[] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < flat.length; i += 2) pairs.push([flat[i]!, flat[i + 1]!]);
  pairs.sort((x, y) => x[0] - y[0]);
  return pairs.flat();
}

export function readCString(heap: Uint8Array, ptr: number): string {
  if (ptr === 0) return '';
  let end = ptr;
  while (end < heap.length && heap[end] !== 0) end++;
  return utf8.decode(heap.subarray(ptr, end));
}

/** Decode one fixed-length string element: NULLTERM stops at the first NUL, NULLPAD/SPACEPAD strip the padding. */
export function decodeFixed(bytes: Uint8Array, strpad: number): string {
  let end = bytes.length;
  if (strpad === STR_NULLTERM) {
    const z = bytes.indexOf(0);
    if (z >= 0) end = z;
  } else {
    const pad = strpad === STR_SPACEPAD ? 0x20 : 0;
    while (end > 0 && (bytes[end - 1] === pad || bytes[end - 1] === 0)) end--;
  }
  return utf8.decode(bytes.subarray(0, end));
}

/** The numpy-style dtype of an HDF5 integer (class 0) or float (class 1) of `size` bytes, or null. */
export function dtypeOf(type: number, size: number, signed: boolean): H5DType | null {
  if (type === H5T_FLOAT) {
    if (size === 2) return 'float16';
    if (size === 4) return 'float32';
    if (size === 8) return 'float64';
    return null;
  }
  if (type === H5T_INTEGER) {
    switch (size) {
      case 1:
        return signed ? 'int8' : 'uint8';
      case 2:
        return signed ? 'int16' : 'uint16';
      case 4:
        return signed ? 'int32' : 'uint32';
      case 8:
        return signed ? 'int64' : 'uint64';
      default:
        return null;
    }
  }
  return null;
}

/** Wrap freshly copied little-endian bytes (offset 0, so always aligned) as the dtype's typed array. */
export function toTypedArray(bytes: Uint8Array, dtype: H5DType, count: number): H5Data {
  const buf = bytes.buffer as ArrayBuffer;
  switch (dtype) {
    case 'float16': {
      const half = new Uint16Array(buf, 0, count);
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = halfToFloat(half[i] ?? 0);
      return out;
    }
    case 'float32':
      return new Float32Array(buf, 0, count);
    case 'float64':
      return new Float64Array(buf, 0, count);
    case 'int8':
      return new Int8Array(buf, 0, count);
    case 'uint8':
      return new Uint8Array(buf, 0, count);
    case 'int16':
      return new Int16Array(buf, 0, count);
    case 'uint16':
      return new Uint16Array(buf, 0, count);
    case 'int32':
      return new Int32Array(buf, 0, count);
    case 'uint32':
      return new Uint32Array(buf, 0, count);
    case 'int64':
      return new BigInt64Array(buf, 0, count);
    case 'uint64':
      return new BigUint64Array(buf, 0, count);
  }
}

/** IEEE 754 binary16 → number (exact). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}
