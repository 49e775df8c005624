/**
 * NumPy's `.npy` format (numpy/lib/format.py), read and written on bytes.
 *
 * Read: format versions 1.0, 2.0 and 3.0; every numeric dtype (`bool`, `int8`…`int64`,
 * `uint8`…`uint64`, `float16/32/64`) in either byte order; C or Fortran order (Fortran data is
 * reordered to C order on reading, so `data` is always row-major). Everything else numpy can store
 * (complex, strings, datetimes, structured records, pickled objects) is an `UnsupportedError`;
 * nothing in a file is ever evaluated or unpickled.
 *
 * Written: exactly the bytes `numpy.save` writes for the same array (header text, the 21-digit
 * growth space, padding to 64 bytes, version 1.0 unless the header needs 2.0), in C or Fortran
 * order and either byte order.
 */
import { FormatError, UnsupportedError, ConfigError } from '@kerasts/tensor';
import { parsePyLiteral, PyLiteralError, type PyValue } from './pyliteral.js';
import { asNpyArray, type ArrayInput } from './tensors.js';

/** The numeric dtypes a `.npy` can hold that kerasts reads and writes (numpy's names). */
export type NpyDtype = 'bool' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float16' | 'float32' | 'float64';

/** Every {@link NpyDtype}, in numpy's order of kinds and sizes. */
export const NPY_DTYPES: readonly NpyDtype[] = ['bool', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'float16', 'float32', 'float64'];

/**
 * The values of an array, row-major, in the JavaScript type that holds the dtype exactly: `bool` and
 * `uint8` → `Uint8Array` (bool as 0/1), `int64`/`uint64` → `BigInt64Array`/`BigUint64Array`,
 * `float16` → `Float32Array` (widened exactly; written back rounded to the nearest half).
 */
export type NpyData = Uint8Array | Int8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array | Float32Array | Float64Array;

/** An n-dimensional array as a `.npy` stores it: dtype, shape, row-major values. */
export interface NpyArray {
  dtype: NpyDtype;
  /** The dimensions; `[]` for a scalar (0-d array). */
  shape: number[];
  data: NpyData;
}

/** How a `.npy` header described the stored data (returned by {@link readNpyHeader}). */
export interface NpyHeader {
  dtype: NpyDtype;
  shape: number[];
  fortranOrder: boolean;
  littleEndian: boolean;
  /** Format version, e.g. `[1, 0]`. */
  version: [number, number];
  /** Offset of the first data byte. */
  dataOffset: number;
}

/** Options of {@link readNpy}. */
export interface ReadNpyOptions {
  /** Name for error messages. */
  fileName?: string;
  /** Longest header accepted, in bytes (numpy's default `max_header_size` is 10 000). */
  maxHeaderSize?: number;
}

/** Options of {@link writeNpy}. */
export interface WriteNpyOptions {
  /** Store as this dtype (default: the array's own; `float32` for a Tensor). Values must fit: integers exactly, in range. */
  dtype?: NpyDtype;
  /** Store the values column-major with `fortran_order: True` (default false). */
  fortranOrder?: boolean;
  /** Byte order of multi-byte values (default `'little'`, as numpy on every common machine). */
  byteOrder?: 'little' | 'big';
}

interface DtypeInfo {
  kind: 'b' | 'i' | 'u' | 'f';
  size: number;
  make: (n: number) => NpyData;
  /** The raw array type a stored value is read as (before widening float16). */
  raw: (buf: ArrayBuffer) => NpyData;
}

const INFO: Record<NpyDtype, DtypeInfo> = {
  bool: { kind: 'b', size: 1, make: (n) => new Uint8Array(n), raw: (b) => new Uint8Array(b) },
  int8: { kind: 'i', size: 1, make: (n) => new Int8Array(n), raw: (b) => new Int8Array(b) },
  uint8: { kind: 'u', size: 1, make: (n) => new Uint8Array(n), raw: (b) => new Uint8Array(b) },
  int16: { kind: 'i', size: 2, make: (n) => new Int16Array(n), raw: (b) => new Int16Array(b) },
  uint16: { kind: 'u', size: 2, make: (n) => new Uint16Array(n), raw: (b) => new Uint16Array(b) },
  int32: { kind: 'i', size: 4, make: (n) => new Int32Array(n), raw: (b) => new Int32Array(b) },
  uint32: { kind: 'u', size: 4, make: (n) => new Uint32Array(n), raw: (b) => new Uint32Array(b) },
  int64: { kind: 'i', size: 8, make: (n) => new BigInt64Array(n), raw: (b) => new BigInt64Array(b) },
  uint64: { kind: 'u', size: 8, make: (n) => new BigUint64Array(n), raw: (b) => new BigUint64Array(b) },
  float16: { kind: 'f', size: 2, make: (n) => new Float32Array(n), raw: (b) => new Uint16Array(b) },
  float32: { kind: 'f', size: 4, make: (n) => new Float32Array(n), raw: (b) => new Float32Array(b) },
  float64: { kind: 'f', size: 8, make: (n) => new Float64Array(n), raw: (b) => new Float64Array(b) },
};

const BY_CODE = new Map<string, NpyDtype>(NPY_DTYPES.map((d) => [`${INFO[d].kind}${INFO[d].size}`, d]));

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
/** numpy's `_MAX_HEADER_SIZE`: longer headers are refused unless the caller trusts the file. */
export const DEFAULT_MAX_HEADER_SIZE = 10_000;
/** numpy's `ARRAY_ALIGN` and `GROWTH_AXIS_MAX_DIGITS` (see `_write_array_header`). */
const ARRAY_ALIGN = 64;
const GROWTH_AXIS_MAX_DIGITS = 21;

const HOST_LITTLE = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Does this start like a `.npy` file (the `\x93NUMPY` magic)? */
export function isNpySignature(bytes: Uint8Array): boolean {
  return bytes.length >= 6 && MAGIC.every((b, i) => bytes[i] === b);
}

/** Why a numpy type string cannot be read, for the kinds numpy has that are not numbers. */
function unsupportedKind(descr: string): string {
  const kind = descr.replace(/^[<>|=]/, '')[0];
  const what: Record<string, string> = {
    c: 'complex numbers',
    U: 'unicode strings',
    S: 'byte strings',
    a: 'byte strings',
    O: 'Python objects (pickled; never loaded)',
    M: 'datetimes',
    m: 'timedeltas',
    V: 'raw or structured records',
    f: 'a float size other than 2, 4 or 8 bytes (long double)',
  };
  return what[kind ?? ''] ?? 'an unknown type';
}

/**
 * Read and check a `.npy` header (magic, version, header dict, dtype, shape, data size).
 *
 * @throws {FormatError} for anything that is not a sound `.npy` header, or data shorter than it declares.
 * @throws {UnsupportedError} for dtypes that are not numbers (complex, strings, objects, records, ...).
 */
export function readNpyHeader(bytes: Uint8Array, options: ReadNpyOptions = {}): NpyHeader {
  const file = options.fileName ?? '';
  const maxHeader = options.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
  if (!isNpySignature(bytes)) throw new FormatError(bytes.length === 0 ? 'not a .npy file: it is empty' : 'not a .npy file (it does not start with the \\x93NUMPY magic)', file);
  if (bytes.length < 10) throw new FormatError(`truncated .npy: ${bytes.length} bytes is shorter than its preamble`, file);
  const major = bytes[6]!;
  const minor = bytes[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) throw new UnsupportedError(`.npy format version ${major}.${minor} (kerasts reads 1.0, 2.0 and 3.0)`, file);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (major > 1 && bytes.length < 12) throw new FormatError(`truncated .npy: ${bytes.length} bytes is shorter than its preamble`, file);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  if (headerLen > maxHeader) {
    throw new FormatError(`the .npy header is ${headerLen} bytes, longer than maxHeaderSize ${maxHeader} (numpy refuses it too unless told to trust the file)`, file);
  }
  if (headerStart + headerLen > bytes.length) throw new FormatError(`truncated .npy: the header declares ${headerLen} bytes, the file ends before`, file);
  const rawHeader = bytes.subarray(headerStart, headerStart + headerLen);
  let text: string;
  try {
    text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1', { fatal: true }).decode(rawHeader);
  } catch {
    throw new FormatError('the .npy header (format 3.0) is not valid UTF-8', file);
  }
  let header: PyValue;
  try {
    header = parsePyLiteral(text);
  } catch (e) {
    throw new FormatError(`cannot parse the .npy header ${JSON.stringify(text.trim().slice(0, 200))}: ${e instanceof PyLiteralError ? e.message : String(e)}`, file);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) throw new FormatError(`the .npy header is not a dict: ${text.trim().slice(0, 200)}`, file);
  const keys = Object.keys(header).sort();
  if (keys.join() !== 'descr,fortran_order,shape') {
    throw new FormatError(`the .npy header must have exactly the keys descr, fortran_order, shape; it has ${keys.join(', ') || 'none'}`, file);
  }
  const descr = header.descr;
  if (typeof descr !== 'string') throw new UnsupportedError(`structured .npy arrays (records with fields) are not supported: descr ${JSON.stringify(descr)}`, file);
  const m = /^([<>|=])?([biuf])(\d+)$/.exec(descr);
  const dtype = m ? BY_CODE.get(`${m[2]}${m[3]}`) : undefined;
  if (!m || !dtype) throw new UnsupportedError(`the .npy holds ${unsupportedKind(descr)} (dtype '${descr}'); kerasts reads numbers: ${NPY_DTYPES.join(', ')}`, file);
  // numpy writes '<', '>' or '|' (one-byte types); '=' (native) does not occur in files written on
  // any machine numpy supports, and is read as little-endian like almost every such machine.
  const littleEndian = m[1] !== '>';
  const fortran = header.fortran_order;
  if (typeof fortran !== 'boolean') throw new FormatError(`fortran_order must be True or False, found ${JSON.stringify(fortran)}`, file);
  const shapeV = header.shape;
  if (!Array.isArray(shapeV) || shapeV.some((d) => typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0)) {
    throw new FormatError(`shape must be a tuple of non-negative integers, found ${JSON.stringify(shapeV)}`, file);
  }
  const shape = shapeV as number[];
  const count = shape.reduce((a, b) => a * b, 1);
  const need = count * INFO[dtype].size;
  if (!Number.isSafeInteger(need)) throw new FormatError(`shape (${shape.join(', ')}) is too large`, file);
  const dataOffset = headerStart + headerLen;
  if (bytes.length - dataOffset < need) {
    throw new FormatError(`truncated .npy: shape (${shape.join(', ')}) of ${descr} needs ${need} data bytes, the file has ${bytes.length - dataOffset}`, file);
  }
  return { dtype, shape: [...shape], fortranOrder: fortran, littleEndian, version: [major, minor], dataOffset };
}

/**
 * Read a `.npy` file's array (data in row-major order, whatever order the file stores).
 *
 * @throws {FormatError} / {UnsupportedError} as {@link readNpyHeader}.
 */
export function readNpy(bytes: Uint8Array, options: ReadNpyOptions = {}): NpyArray {
  const h = readNpyHeader(bytes, options);
  const info = INFO[h.dtype];
  const count = h.shape.reduce((a, b) => a * b, 1);
  // Copy into a fresh (aligned) buffer, swap bytes if the file's order is not the host's.
  const buf = new ArrayBuffer(count * info.size);
  const raw = new Uint8Array(buf);
  raw.set(bytes.subarray(h.dataOffset, h.dataOffset + count * info.size));
  if (info.size > 1 && h.littleEndian !== HOST_LITTLE) swapBytes(raw, info.size);
  let data: NpyData = info.raw(buf);
  if (h.dtype === 'float16') data = Float32Array.from(data as Uint16Array, halfToFloat);
  else if (h.dtype === 'bool') {
    const b = data as Uint8Array;
    for (let i = 0; i < b.length; i++) b[i] = b[i] ? 1 : 0;
  }
  if (h.fortranOrder && h.shape.length > 1) data = reorder(data, h.shape, 'F-to-C', info.make(count));
  return { dtype: h.dtype, shape: h.shape, data };
}

/**
 * The bytes of a `.npy` file holding the array (a Tensor is `float32`), exactly as `numpy.save` writes them.
 *
 * @throws {ConfigError} when the shape does not match the data, or a value does not fit the dtype
 *   (integers must be exact and in range; floats are rounded to the nearest float16/float32).
 */
export function writeNpy(input: ArrayInput, options: WriteNpyOptions = {}): Uint8Array {
  const array = asNpyArray(input);
  const dtype = options.dtype ?? array.dtype;
  const info = INFO[dtype];
  if (!info) throw new ConfigError(`unknown dtype "${String(dtype)}" (dtypes: ${NPY_DTYPES.join(', ')})`, 'writeNpy');
  const shape = [...array.shape];
  if (shape.some((d) => !Number.isSafeInteger(d) || d < 0)) throw new ConfigError(`shape [${shape.join(', ')}] must hold non-negative integers`, 'writeNpy');
  const count = shape.reduce((a, b) => a * b, 1);
  if (array.data.length !== count) throw new ConfigError(`shape [${shape.join(', ')}] needs ${count} values, the data has ${array.data.length}`, 'writeNpy');
  const fortran = options.fortranOrder ?? false;
  const little = (options.byteOrder ?? 'little') === 'little';
  if (options.byteOrder !== undefined && options.byteOrder !== 'little' && options.byteOrder !== 'big') {
    throw new ConfigError(`byteOrder must be 'little' or 'big', found ${JSON.stringify(options.byteOrder)}`, 'writeNpy');
  }
  let stored: NpyData;
  if (dtype === 'float16') {
    // Straight from the source values to half (one rounding, as numpy's astype(float16)).
    const src = array.data as unknown as Indexable;
    let values = new Float64Array(count);
    for (let i = 0; i < count; i++) values[i] = Number(src[i]);
    if (fortran && shape.length > 1) values = reorder(values, shape, 'C-to-F', new Float64Array(count));
    stored = Uint16Array.from(values, floatToHalf);
  } else {
    stored = convert(array.data, array.dtype, dtype);
    if (fortran && shape.length > 1) stored = reorder(stored, shape, 'C-to-F', info.make(count));
  }
  const orderChar = info.size === 1 ? '|' : little ? '<' : '>';
  const descr = `${orderChar}${info.kind}${info.size}`;
  const shapeRepr = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': ${fortran ? 'True' : 'False'}, 'shape': ${shapeRepr}, }`;
  if (shape.length > 0) header += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[fortran ? shape.length - 1 : 0]).length);
  // Version 1.0 stores the header length in 2 bytes; longer headers need 2.0 (4 bytes).
  let major = 1;
  let prefix = 10;
  let hlen = header.length + 1;
  let pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  if (hlen + pad > 0xffff) {
    major = 2;
    prefix = 12;
    pad = ARRAY_ALIGN - ((prefix + hlen) % ARRAY_ALIGN);
  }
  hlen += pad;
  const dataBytes = new Uint8Array(stored.buffer, stored.byteOffset, stored.byteLength);
  const out = new Uint8Array(prefix + hlen + dataBytes.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, hlen, true);
  else dv.setUint32(8, hlen, true);
  for (let i = 0; i < header.length; i++) out[prefix + i] = header.charCodeAt(i);
  out.fill(0x20, prefix + header.length, prefix + hlen - 1);
  out[prefix + hlen - 1] = 0x0a;
  out.set(dataBytes, prefix + hlen);
  if (info.size > 1 && little !== HOST_LITTLE) swapBytes(out.subarray(prefix + hlen), info.size);
  return out;
}

function swapBytes(b: Uint8Array, size: number): void {
  for (let o = 0; o + size <= b.length; o += size) {
    for (let i = 0, j = size - 1; i < j; i++, j--) {
      const t = b[o + i]!;
      b[o + i] = b[o + j]!;
      b[o + j] = t;
    }
  }
}

type Indexable = { [i: number]: number | bigint; readonly length: number };

/**
 * Between row-major (C) and column-major (Fortran) layouts of the same shape: walk the C index in
 * order, keeping the matching Fortran offset.
 */
function reorder<T extends NpyData>(src: NpyData, shape: readonly number[], dir: 'F-to-C' | 'C-to-F', out: T): T {
  const rank = shape.length;
  const n = src.length;
  if (n === 0) return out;
  const strideF: number[] = [];
  let s = 1;
  for (let k = 0; k < rank; k++) {
    strideF.push(s);
    s *= shape[k]!;
  }
  const idx = new Array<number>(rank).fill(0);
  const from = src as unknown as Indexable;
  const to = out as unknown as Indexable;
  let off = 0;
  for (let c = 0; c < n; c++) {
    if (dir === 'F-to-C') to[c] = from[off]!;
    else to[off] = from[c]!;
    for (let k = rank - 1; k >= 0; k--) {
      idx[k]!++;
      off += strideF[k]!;
      if (idx[k]! < shape[k]!) break;
      off -= strideF[k]! * shape[k]!;
      idx[k] = 0;
    }
  }
  return out;
}

const RANGES: Partial<Record<NpyDtype, [number, number]>> = {
  int8: [-128, 127],
  uint8: [0, 255],
  int16: [-32768, 32767],
  uint16: [0, 65535],
  int32: [-2147483648, 2147483647],
  uint32: [0, 4294967295],
};

/** Values of one dtype as another, refusing integers that would not be exact (numpy would wrap or truncate silently). */
function convert(data: NpyData, from: NpyDtype, to: NpyDtype): NpyData {
  if (from === to || (from === 'bool' && to === 'uint8') || (from === 'float16' && to === 'float32')) {
    if (from === to && to === 'bool') return Uint8Array.from(data as Uint8Array, (v) => (v ? 1 : 0));
    return data;
  }
  const n = data.length;
  const out = INFO[to].make(n);
  const src = data as unknown as Indexable;
  const dst = out as unknown as Indexable;
  const where = (i: number) => `writeNpy: value ${i} (${String(src[i])})`;
  if (to === 'bool') {
    for (let i = 0; i < n; i++) dst[i] = src[i] ? 1 : 0;
  } else if (INFO[to].kind === 'f') {
    for (let i = 0; i < n; i++) dst[i] = Number(src[i]);
  } else if (to === 'int64' || to === 'uint64') {
    const lo = to === 'int64' ? -(2n ** 63n) : 0n;
    const hi = to === 'int64' ? 2n ** 63n - 1n : 2n ** 64n - 1n;
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      if (typeof v === 'number' && !Number.isInteger(v)) throw new ConfigError(`${where(i)} is not an integer; cannot store it as ${to}`, 'writeNpy');
      const b = BigInt(v);
      if (b < lo || b > hi) throw new ConfigError(`${where(i)} is out of the range of ${to}`, 'writeNpy');
      dst[i] = b;
    }
  } else {
    const [lo, hi] = RANGES[to]!;
    for (let i = 0; i < n; i++) {
      const v = Number(src[i]);
      if (!Number.isInteger(v)) throw new ConfigError(`${where(i)} is not an integer; cannot store it as ${to}`, 'writeNpy');
      if (v < lo || v > hi) throw new ConfigError(`${where(i)} is out of the range of ${to} [${lo}, ${hi}]`, 'writeNpy');
      dst[i] = v;
    }
  }
  return out;
}

/** IEEE half-precision bits → number (exact). */
export function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -24 * f;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** number → IEEE half-precision bits, rounded once to nearest-even (as numpy's `astype(float16)`). */
export function floatToHalf(x: number): number {
  if (Number.isNaN(x)) return 0x7e00;
  const sign = x < 0 || Object.is(x, -0) ? 0x8000 : 0;
  const a = Math.abs(x);
  if (a === Infinity) return sign | 0x7c00;
  if (a < 2 ** -14) {
    // Subnormal (or zero): units of 2^-24; scaling by a power of two is exact.
    const m = roundHalfEven(a * 2 ** 24);
    return sign | m; // m = 1024 is exactly the smallest normal's bits
  }
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  let m = roundHalfEven((a / 2 ** e - 1) * 1024);
  if (m === 1024) {
    m = 0;
    e++;
  }
  if (e > 15) return sign | 0x7c00;
  return sign | ((e + 15) << 10) | m;
}
