/**
 * Data the way Keras users have it: `.npy` arrays (NumPy's own format) and JSON nested arrays, read
 * as float32 tensors; results written as JSON or `.npy`.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { FormatError, tensor, Tensor, type NestedArray } from '@kerasts/tensor';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parse a `.npy` file into a float32 tensor (float16/32/64, signed/unsigned ints, bool; C order). */
export function parseNpy(bytes: Uint8Array, file = ''): Tensor {
  if (bytes.length < 10 || !MAGIC.every((b, i) => bytes[i] === b)) throw new FormatError('not a .npy file (missing the \\x93NUMPY magic)', file);
  const major = bytes[6]!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const headerStart = major === 1 ? 10 : 12;
  const header = new TextDecoder('latin1').decode(bytes.subarray(headerStart, headerStart + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1] === 'True';
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) throw new FormatError(`unreadable .npy header: ${header.trim()}`, file);
  if (fortran) throw new FormatError('Fortran-ordered .npy arrays are not supported; save with np.ascontiguousarray', file);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const n = shape.reduce((a, b) => a * b, 1);
  const dataStart = headerStart + headerLen;
  const little = !descr.startsWith('>');
  const kind = descr.replace(/^[<>|=]/, '');
  const out = new Float32Array(n);
  const size = Number(kind.slice(1));
  if (bytes.length < dataStart + n * size) throw new FormatError(`truncated .npy: expected ${n * size} data bytes for shape (${shape.join(', ')}) of ${descr}`, file);
  for (let i = 0; i < n; i++) {
    const off = dataStart + i * size;
    switch (kind) {
      case 'f4': out[i] = view.getFloat32(off, little); break;
      case 'f8': out[i] = view.getFloat64(off, little); break;
      case 'f2': out[i] = halfToFloat(view.getUint16(off, little)); break;
      case 'i1': out[i] = view.getInt8(off); break;
      case 'u1': case 'b1': out[i] = view.getUint8(off); break;
      case 'i2': out[i] = view.getInt16(off, little); break;
      case 'u2': out[i] = view.getUint16(off, little); break;
      case 'i4': out[i] = view.getInt32(off, little); break;
      case 'u4': out[i] = view.getUint32(off, little); break;
      case 'i8': out[i] = Number(view.getBigInt64(off, little)); break;
      case 'u8': out[i] = Number(view.getBigUint64(off, little)); break;
      default: throw new FormatError(`unsupported .npy dtype ${descr} (numbers only)`, file);
    }
  }
  return new Tensor(out, shape);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** A float32 tensor as `.npy` bytes (`<f4`, C order). */
export function toNpy(t: Tensor): Uint8Array {
  const shape = t.shape.length === 1 ? `(${t.shape[0]},)` : `(${t.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shape}, }`;
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = header + ' '.repeat(pad % 64) + '\n';
  const out = new Uint8Array(10 + header.length + t.size * 4);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  const dv = new DataView(out.buffer, 10 + header.length);
  t.data.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return out;
}

/** Read one model input from `.npy` or `.json` (nested arrays, or `{"shape", "values"}`). */
export function readInput(file: string): Tensor {
  const ext = extname(file).toLowerCase();
  const bytes = readFileSync(file);
  if (ext === '.npy') return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  if (ext === '.json') {
    let v: unknown;
    try {
      v = JSON.parse(bytes.toString('utf8'));
    } catch (e) {
      throw new FormatError(`not valid JSON: ${(e as Error).message}`, file);
    }
    if (v && typeof v === 'object' && !Array.isArray(v) && 'values' in v && 'shape' in v) {
      const o = v as { shape: number[]; values: number[] };
      return tensor(Float32Array.from(o.values), o.shape);
    }
    return tensor(v as NestedArray);
  }
  throw new FormatError(`unsupported input format "${ext}": give a .npy or a .json file`, file);
}
