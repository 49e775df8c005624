/**
 * Data the way Keras users have it: `.npy` arrays (NumPy's own format) and JSON nested arrays, read
 * as float32 tensors; results written as JSON or `.npy`.
 */
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
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

/** The arrays of an `.npz` (NumPy's zip of `.npy` files, stored or deflated), by name. */
export function parseNpz(bytes: Uint8Array, file = ''): Map<string, Tensor> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // End of central directory record: signature 0x06054b50 within the last 64 KiB.
  let eocd = -1;
  for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - 65557); i--) {
    if (view.getUint32(i, true) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new FormatError('not an .npz file (no zip directory)', file);
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const out = new Map<string, Tensor>();
  for (let k = 0; k < count; k++) {
    if (view.getUint32(p, true) !== 0x02014b50) throw new FormatError('corrupt .npz directory', file);
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const extraLen = view.getUint16(p + 30, true);
    const commentLen = view.getUint16(p + 32, true);
    const local = view.getUint32(p + 42, true);
    const name = new TextDecoder().decode(bytes.subarray(p + 46, p + 46 + nameLen));
    const dataStart = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const raw = bytes.subarray(dataStart, dataStart + size);
    let data: Uint8Array;
    if (method === 0) data = raw;
    else if (method === 8) data = new Uint8Array(inflateRawSync(raw));
    else throw new FormatError(`unsupported zip compression ${method} for ${name}`, file);
    out.set(name.replace(/\.npy$/, ''), parseNpy(data, `${file}:${name}`));
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

/** A numeric CSV (comma, semicolon or tab separated; a non-numeric first line is a header) as (rows, cols). */
export function parseCsv(text: string, file = ''): Tensor {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const sep = lines[0]?.includes(',') ? ',' : lines[0]?.includes(';') ? ';' : '\t';
  const rows = lines.map((l) => l.split(sep).map((c) => c.trim()));
  if (rows.length && rows[0]!.some((c) => c !== '' && Number.isNaN(Number(c)))) rows.shift();
  const cols = rows[0]?.length ?? 0;
  const values = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new FormatError(`line ${i + 1} has ${r.length} values, expected ${cols}`, file);
    r.forEach((c, j) => {
      const v = Number(c);
      if (c === '' || Number.isNaN(v)) throw new FormatError(`line ${i + 1}, column ${j + 1}: "${c}" is not a number`, file);
      values[i * cols + j] = v;
    });
  });
  return new Tensor(values, [rows.length, cols]);
}

/** Read one model input from `.npy`, `.npz` (`file.npz:name`, or its only array), `.csv` or `.json`. */
export function readInput(spec: string): Tensor {
  const m = /^(.*\.npz):(.+)$/i.exec(spec);
  const file = m ? m[1]! : spec;
  const ext = extname(file).toLowerCase();
  const bytes = readFileSync(file);
  if (ext === '.npy') return parseNpy(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
  if (ext === '.npz') {
    const arrays = parseNpz(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), file);
    if (m) {
      const t = arrays.get(m[2]!);
      if (!t) throw new FormatError(`no array "${m[2]}" in the .npz (it has: ${[...arrays.keys()].join(', ')})`, file);
      return t;
    }
    if (arrays.size !== 1) throw new FormatError(`the .npz holds ${arrays.size} arrays (${[...arrays.keys()].join(', ')}); name one as ${file}:NAME`, file);
    return [...arrays.values()][0]!;
  }
  if (ext === '.csv' || ext === '.tsv') return parseCsv(bytes.toString('utf8'), file);
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
  throw new FormatError(`unsupported input format "${ext}": give a .npy, .npz, .csv or .json file`, file);
}

/**
 * Fit data to a model input shape: a (samples, features) table becomes (samples, ...dims) when the
 * model wants e.g. (None, 1, 8) and the row has 8 values, as a Keras user would reshape it.
 */
export function fitToInputShape(t: Tensor, shape: readonly (number | null)[] | undefined): Tensor {
  if (!shape || t.rank === shape.length) return t;
  const dims = shape.slice(1);
  if (dims.some((d) => d === null)) return t;
  const per = (dims as number[]).reduce((a, b) => a * b, 1);
  const rowSize = t.size / t.shape[0]!;
  return per === rowSize ? t.reshape([t.shape[0]!, ...(dims as number[])]) : t;
}
