/**
 * Numbers in and out of the page: CSV text and `.npy` arrays as float32 tensors, reshaped to a model's
 * input. A thin placeholder until `@kerasts/io-npy` lands (then this module only adapts its API).
 */
import { FormatError, ShapeMismatchError, Tensor } from '@kerasts/tensor';
import type { Shape } from '@kerasts/layers';

/** A parsed array: float32 values in C order and their shape. */
export interface ArrayData {
  data: Float32Array;
  shape: number[];
}

/**
 * CSV (or whitespace/semicolon separated) numbers, one sample per line. A first line that is not
 * numeric is taken as a header and skipped; empty lines and `#` comments are ignored.
 */
export function parseCsv(text: string, fileName = 'CSV'): ArrayData {
  const rows: number[][] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(/[,;\t ]+/).filter((c) => c !== '');
    const nums = cells.map(Number);
    if (nums.some((v) => Number.isNaN(v))) {
      if (rows.length === 0 && i === lines.findIndex((l) => l.trim() !== '')) return; // header
      const bad = cells[nums.findIndex((v) => Number.isNaN(v))];
      throw new FormatError(`line ${i + 1}: "${bad}" is not a number`, fileName);
    }
    rows.push(nums);
  });
  if (rows.length === 0) throw new FormatError('no numbers found', fileName);
  const cols = rows[0]!.length;
  const bad = rows.findIndex((r) => r.length !== cols);
  if (bad >= 0) throw new FormatError(`every row needs ${cols} values; row ${bad + 1} has ${rows[bad]!.length}`, fileName);
  return { data: Float32Array.from(rows.flat()), shape: [rows.length, cols] };
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** A `.npy` array (numeric dtypes, either byte order, C or Fortran order) as float32. */
export function parseNpy(bytes: Uint8Array, fileName = '.npy'): ArrayData {
  if (bytes.length < 10 || NPY_MAGIC.some((b, i) => bytes[i] !== b)) throw new FormatError('not a .npy file (no \\x93NUMPY signature)', fileName);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new FormatError(`unreadable .npy header: ${header.trim()}`, fileName);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const little = descr[0] !== '>';
  const kind = descr.slice(1);
  const size: Record<string, number> = { f4: 4, f8: 8, i1: 1, i2: 2, i4: 4, i8: 8, u1: 1, u2: 2, u4: 4, u8: 8, b1: 1 };
  const width = size[kind];
  if (width === undefined) throw new FormatError(`dtype ${descr} is not numeric`, fileName);
  const off = start + headerLen;
  if (bytes.length < off + count * width) throw new FormatError(`truncated: ${count} values of ${descr} need ${count * width} bytes, found ${bytes.length - off}`, fileName);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const p = off + i * width;
    switch (kind) {
      case 'f4': out[i] = view.getFloat32(p, little); break;
      case 'f8': out[i] = view.getFloat64(p, little); break;
      case 'i1': out[i] = view.getInt8(p); break;
      case 'u1': case 'b1': out[i] = view.getUint8(p); break;
      case 'i2': out[i] = view.getInt16(p, little); break;
      case 'u2': out[i] = view.getUint16(p, little); break;
      case 'i4': out[i] = view.getInt32(p, little); break;
      case 'u4': out[i] = view.getUint32(p, little); break;
      case 'i8': out[i] = Number(view.getBigInt64(p, little)); break;
      default: out[i] = Number(view.getBigUint64(p, little));
    }
  }
  return { data: fortran ? fromFortran(out, shape) : out, shape };
}

function fromFortran(a: Float32Array, shape: number[]): Float32Array {
  if (shape.length < 2) return a;
  const out = new Float32Array(a.length);
  const n = shape.length;
  const idx = new Array<number>(n).fill(0);
  for (let c = 0; c < a.length; c++) {
    let f = 0;
    let stride = 1;
    for (let d = 0; d < n; d++) {
      f += idx[d]! * stride;
      stride *= shape[d]!;
    }
    out[c] = a[f]!;
    for (let d = n - 1; d >= 0; d--) {
      idx[d]! += 1;
      if (idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** A float32 `.npy` (version 1.0, little-endian, C order). */
export function toNpy(data: Float32Array, shape: readonly number[]): Uint8Array {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set(NPY_MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  const body = new DataView(out.buffer, 10 + header.length);
  for (let i = 0; i < data.length; i++) body.setFloat32(i * 4, data[i]!, true);
  return out;
}

/** CSV of a tensor's rows (first dimension), the other dimensions flattened; full float32 precision. */
export function toCsv(data: Float32Array, shape: readonly number[]): string {
  const n = shape[0] ?? 1;
  const w = n === 0 ? 0 : data.length / n;
  const lines: string[] = [];
  for (let r = 0; r < n; r++) lines.push(Array.from(data.subarray(r * w, (r + 1) * w), (v) => String(v)).join(','));
  return lines.join('\n') + '\n';
}

/** Parse a file or pasted text by content: `.npy` signature, otherwise CSV text. */
export function parseArray(bytes: Uint8Array, fileName: string): ArrayData {
  if (NPY_MAGIC.every((b, i) => bytes[i] === b)) return parseNpy(bytes, fileName);
  return parseCsv(new TextDecoder().decode(bytes), fileName);
}

/**
 * Reshape samples to a model input `[batch, ...dims]`: the array's first dimension is the samples,
 * the rest must hold as many values as one sample of the input.
 */
export function toModelInput(a: ArrayData, inputShape: Shape, what: string): Tensor {
  const dims = inputShape.slice(1);
  if (dims.some((d) => d === null)) {
    // Variable dimensions (e.g. timesteps): take the array's own shape.
    if (a.shape.length !== inputShape.length) {
      throw new ShapeMismatchError(`${what}: the input has variable dimensions; give an array of rank ${inputShape.length}`, inputShape, a.shape, what);
    }
    return new Tensor(a.data, a.shape);
  }
  const per = (dims as number[]).reduce((x, y) => x * y, 1);
  const n = a.shape[0] ?? 0;
  const have = n === 0 ? 0 : a.data.length / n;
  if (have !== per) {
    throw new ShapeMismatchError(`${what}: each sample needs ${per} values (shape ${JSON.stringify(dims)}), each row has ${have}`, inputShape, a.shape, what);
  }
  return new Tensor(a.data, [n, ...(dims as number[])]);
}
