/**
 * Data files into tensors whatever their format, told apart by content: `.npy` (magic), `.npz`
 * (a ZIP), JSON (starts with `[` or `{`), else CSV.
 */
import { FormatError, type Tensor } from '@kerasts/tensor';
import { isZipSignature } from '@kerasts/zip';
import { readCsv } from './csv.js';
import { isNpySignature, readNpy } from './npy.js';
import { openNpz, type ReadNpzOptions } from './npz.js';
import { npyToTensor, readJsonTensor } from './tensors.js';

/** The formats {@link readTensorData} reads. */
export type DataFormat = 'npy' | 'npz' | 'json' | 'csv';

/** Options of {@link readTensorData}. */
export interface ReadTensorDataOptions extends ReadNpzOptions {
  /** The array to take from a `.npz` (needed when it holds several). */
  name?: string;
}

/** The format of data bytes, from their content. */
export function detectDataFormat(bytes: Uint8Array): DataFormat {
  if (isNpySignature(bytes)) return 'npy';
  if (isZipSignature(bytes)) return 'npz';
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length && (bytes[i] === 0x20 || bytes[i] === 0x09 || bytes[i] === 0x0a || bytes[i] === 0x0d)) i++;
  return bytes[i] === 0x5b || bytes[i] === 0x7b ? 'json' : 'csv';
}

/**
 * One array of data as a float32 tensor: a `.npy`, one array of a `.npz` (`options.name`, or its
 * only array), a JSON array (nested, or `{shape, values}`), or a numeric CSV table.
 *
 * @throws {FormatError} for unreadable data, or a `.npz` with several arrays and no `name`.
 */
export function readTensorData(bytes: Uint8Array, options: ReadTensorDataOptions = {}): Tensor {
  const file = options.fileName ?? '';
  const format = detectDataFormat(bytes);
  if (options.name !== undefined && format !== 'npz') throw new FormatError(`an array name (":${options.name}") only applies to .npz files; this is ${format}`, file);
  switch (format) {
    case 'npy':
      return npyToTensor(readNpy(bytes, options));
    case 'npz': {
      const z = openNpz(bytes, options);
      if (options.name !== undefined) return npyToTensor(z.get(options.name));
      if (z.names.length !== 1) {
        throw new FormatError(`the .npz holds ${z.names.length} arrays (${z.names.join(', ')}); name one as ${file || 'file.npz'}:NAME`, file);
      }
      return npyToTensor(z.get(z.names[0]!));
    }
    case 'json':
      return readJsonTensor(new TextDecoder('utf-8').decode(bytes).replace(/^\uFEFF/, ''), file);
    case 'csv':
      return readCsv(bytes, { fileName: file });
  }
}

/**
 * Split `data.npz:x` into the file and the array name (a name only follows `.npz`, so Windows drive
 * letters and other colons in paths stay in the path).
 */
export function parseArraySpec(spec: string): { path: string; name: string | undefined } {
  const m = /^(.*\.npz):([^:]+)$/i.exec(spec);
  return m ? { path: m[1]!, name: m[2]! } : { path: spec, name: undefined };
}
