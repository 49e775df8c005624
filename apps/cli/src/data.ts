/**
 * Data the way Keras users have it — `.npy`, `.npz` (`file.npz:name`), CSV and JSON — read and
 * written through `@kerasts/io-npy`; this file only adds what the command line needs: file specs,
 * reshaping a table to a model input, and choosing the output format from the file name.
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { npyToTensor, parseArraySpec, readNpy, readTensorData, writeCsv, writeNpy, writeNpz } from '@kerasts/io-npy';
import { FileAccessError, type Tensor } from '@kerasts/tensor';

/** A usage mistake (exit code 2). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** A `.npy` file's bytes as a float32 tensor (any numeric dtype, C or Fortran order). */
export function parseNpy(bytes: Uint8Array, file = ''): Tensor {
  return npyToTensor(readNpy(bytes, { fileName: file }));
}

/**
 * Read one array from `x.npy`, `data.npz:x` (or a `.npz` holding one array), `x.csv` or `x.json`
 * (format told by content). The path is checked after `:name` is split off.
 *
 * @throws {FileAccessError} when the file is missing; `FormatError` when it cannot be read.
 */
export function readInput(spec: string): Tensor {
  const { path, name } = parseArraySpec(spec);
  if (!existsSync(path)) throw new FileAccessError(`no such input file; check the path${name !== undefined ? ` (the array name ":${name}" was split off)` : ''}`, path, 'ENOENT');
  const b = readFileSync(path);
  return readTensorData(new Uint8Array(b.buffer, b.byteOffset, b.byteLength), { fileName: path, ...(name !== undefined ? { name } : {}) });
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

/** Names made unique the way Keras numbers layers: `dense`, `dense_1`, ... (an LSTM's h and c outputs share its name). */
export function uniqueNames(names: readonly string[]): string[] {
  const used = new Set<string>();
  return names.map((n) => {
    let name = n;
    for (let k = 1; used.has(name); k++) name = `${n}_${k}`;
    used.add(name);
    return name;
  });
}

/** The JSON a predict run prints or writes: the outputs as nested lists, with their names. */
export function outputsJson(outputs: readonly Tensor[], names: readonly string[]): string {
  return JSON.stringify({ outputs: outputs.map((t) => t.toArray()), output_names: uniqueNames(names) }) + '\n';
}

/**
 * The bytes of a results file, in the format its extension names: `.npz` (one array per output
 * name), `.json`, `.npy` or `.csv` (one output only).
 *
 * @throws {UsageError} for a one-array format with several outputs, or an unknown extension.
 */
export function encodeOutputs(file: string, outputs: readonly Tensor[], names: readonly string[]): Uint8Array {
  const ext = extname(file).toLowerCase();
  const unique = uniqueNames(names);
  if (ext === '.npz') return writeNpz(new Map(outputs.map((t, i) => [unique[i]!, t])));
  if (ext === '.json') return new TextEncoder().encode(outputsJson(outputs, names));
  if (ext === '.npy' || ext === '.csv') {
    if (outputs.length !== 1) {
      throw new UsageError(
        `the model has ${outputs.length} outputs (${unique.join(', ')}) and a ${ext} file holds one array: write a .npz (one array per output name) or a .json`,
      );
    }
    if (ext === '.npy') return writeNpy(outputs[0]!);
    if (outputs[0]!.rank > 2) throw new UsageError(`a .csv holds a table, but the output has shape [${outputs[0]!.shape.join(', ')}]: write a .npy, .npz or .json`);
    return new TextEncoder().encode(writeCsv(outputs[0]!));
  }
  throw new UsageError(`cannot write results to "${file}": give a .npz, .json, .npy or .csv file name`);
}
