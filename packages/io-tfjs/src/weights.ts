/**
 * Weight shards: decoding the bytes a manifest describes (as tfjs-core's `decodeWeights` does,
 * dequantization included) and encoding a model's weights into shards.
 */
import { checkDeclaredShape, FormatError, UnsupportedError } from '@kerasts/tensor';
import type { TfjsDtype, TfjsWeightEntry, TfjsWeightsGroup } from './types.js';

/** tensorflowjs_converter's default shard size: 4 MiB (`--weight_shard_size_bytes 4194304`). */
export const DEFAULT_SHARD_BYTES = 4 * 1024 * 1024;

/** One decoded weight: float32 values (int32 and bool weights widened), its shape and manifest group. */
export interface DecodedWeight {
  name: string;
  shape: number[];
  /** The dtype the manifest declares (before widening to float32). */
  dtype: TfjsDtype;
  /** `optimizer` for optimizer state; null for model weights. */
  group: string | null;
  values: Float32Array;
}

const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1, uint16: 2, float16: 2 };

/** IEEE 754 half to float (exact: every half is a float32). */
export function float16ToFloat32(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24; // zero and subnormals
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Bytes one entry takes in a shard (its quantized type when quantized). */
export function entryBytes(entry: TfjsWeightEntry, count: number, where: string): number {
  const stored = entry.quantization?.dtype ?? entry.dtype;
  const size = BYTES[stored];
  if (size === undefined) {
    throw new UnsupportedError(`weight "${entry.name}" has dtype ${stored}, which kerasts does not read (float32, int32, bool; quantized uint8, uint16, float16)`, where);
  }
  return count * size;
}

function decodeEntry(entry: TfjsWeightEntry, view: DataView, offset: number, count: number, where: string): Float32Array {
  const out = new Float32Array(count);
  const q = entry.quantization;
  if (q) {
    if (q.dtype === 'uint8' || q.dtype === 'uint16') {
      if (typeof q.scale !== 'number' || typeof q.min !== 'number') {
        throw new FormatError(`weight "${entry.name}" is quantized as ${q.dtype} but its quantization has no numeric scale and min`, where);
      }
      if (entry.dtype !== 'float32' && entry.dtype !== 'int32') throw new UnsupportedError(`weight "${entry.name}": ${q.dtype} quantization of a ${entry.dtype} weight`, where);
      const { scale, min } = q;
      const round = entry.dtype === 'int32';
      for (let i = 0; i < count; i++) {
        const v = q.dtype === 'uint8' ? view.getUint8(offset + i) : view.getUint16(offset + 2 * i, true);
        // as tfjs: computed in double, stored as float32 (int32 weights rounded)
        out[i] = round ? Math.round(v * scale + min) : v * scale + min;
      }
      return out;
    }
    if (q.dtype === 'float16') {
      if (entry.dtype !== 'float32') throw new UnsupportedError(`weight "${entry.name}": float16 quantization of a ${entry.dtype} weight (tfjs allows it for float32 only)`, where);
      for (let i = 0; i < count; i++) out[i] = float16ToFloat32(view.getUint16(offset + 2 * i, true));
      return out;
    }
    throw new FormatError(`weight "${entry.name}" has unknown quantization dtype ${String((q as { dtype: unknown }).dtype)} (tfjs knows uint8, uint16, float16)`, where);
  }
  if (entry.dtype === 'float32') for (let i = 0; i < count; i++) out[i] = view.getFloat32(offset + 4 * i, true);
  else if (entry.dtype === 'int32') for (let i = 0; i < count; i++) out[i] = view.getInt32(offset + 4 * i, true);
  else if (entry.dtype === 'bool') for (let i = 0; i < count; i++) out[i] = view.getUint8(offset + i) ? 1 : 0;
  return out;
}

/**
 * Decode one weights group from its shards (in `paths` order). Every size is checked against the
 * manifest before anything is allocated: a shard set too short for its weights is a FormatError
 * naming the shard and the weight that does not fit.
 *
 * @param shards the bytes of `group.paths[i]`, in order.
 * @param where the model.json's name, for messages.
 * @returns the weights, and the number of bytes the shards hold beyond the manifest (tfjs ignores them).
 */
export function decodeGroup(group: TfjsWeightsGroup, groupIndex: number, shards: readonly Uint8Array[], where: string): { weights: DecodedWeight[]; extraBytes: number } {
  const starts: number[] = [];
  let total = 0;
  for (const s of shards) {
    starts.push(total);
    total += s.length;
  }
  const shardAt = (byte: number): string => {
    let i = 0;
    while (i + 1 < starts.length && starts[i + 1]! <= byte) i++;
    return group.paths[i] ?? '?';
  };
  // one contiguous buffer, as tfjs concatenates the shards of a group
  let all: Uint8Array;
  if (shards.length === 1) all = shards[0]!;
  else {
    all = new Uint8Array(total);
    shards.forEach((s, i) => all.set(s, starts[i]!));
  }
  const view = new DataView(all.buffer, all.byteOffset, all.byteLength);
  const weights: DecodedWeight[] = [];
  let offset = 0;
  group.weights.forEach((entry, j) => {
    const at = `${where}: weightsManifest[${groupIndex}].weights[${j}] ("${entry.name}")`;
    const count = checkDeclaredShape(entry.shape, `weight "${entry.name}"`, at);
    const bytes = entryBytes(entry, count, at);
    if (offset + bytes > total) {
      const shard = total === 0 ? (group.paths[group.paths.length - 1] ?? '?') : shardAt(Math.max(0, Math.min(offset, total - 1)));
      throw new FormatError(
        `shard "${shard}" is truncated: weight "${entry.name}" (shape [${entry.shape.join(', ')}], ${entry.quantization?.dtype ?? entry.dtype}) needs bytes ${offset}..${offset + bytes} of the group's shards (${group.paths.join(', ')}), which hold ${total} bytes`,
        where,
      );
    }
    weights.push({ name: entry.name, shape: [...entry.shape], dtype: entry.dtype, group: entry.group ?? null, values: decodeEntry(entry, view, offset, count, at) });
    offset += bytes;
  });
  return { weights, extraBytes: total - offset };
}

/** Little-endian float32 bytes of weights, back to back. */
export function encodeFloat32(values: readonly Float32Array[]): Uint8Array {
  const total = values.reduce((n, v) => n + v.length * 4, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let o = 0;
  for (const v of values) {
    for (let i = 0; i < v.length; i++, o += 4) view.setFloat32(o, v[i]!, true);
  }
  return out;
}

/** Split a group's bytes into shards of at most `shardBytes` (tensorflowjs_converter's `group1-shard1of2.bin` names). */
export function splitShards(bytes: Uint8Array, shardBytes: number, groupNumber = 1): { name: string; bytes: Uint8Array }[] {
  const n = Math.max(1, Math.ceil(bytes.length / shardBytes));
  const out: { name: string; bytes: Uint8Array }[] = [];
  for (let i = 0; i < n; i++) out.push({ name: `group${groupNumber}-shard${i + 1}of${n}.bin`, bytes: bytes.subarray(i * shardBytes, Math.min(bytes.length, (i + 1) * shardBytes)) });
  return out;
}
