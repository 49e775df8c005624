/**
 * What a file is, from its bytes (never from its name): HDF5 by its signature (then legacy model,
 * legacy weights or Keras 3 native weights by the root's attributes and groups), ZIP by its
 * signature (a `.keras` archive has `config.json`; an `.npz` holds `.npy` entries), NumPy by its
 * magic, JSON and YAML by parsing (a TensorFlow.js model.json by its `modelTopology` and
 * `weightsManifest`).
 */
import { findHdf5Signature, inspectH5Root, type H5RootSummary } from '@kerasts/io-hdf5';
import { isZipSignature, ZipArchive } from '@kerasts/io-keras';
import { isJsonObject, type JsonValue } from '@kerasts/layers';
import { loadKerasYaml } from '@kerasts/io-yaml';
import { KerastsError } from '@kerasts/tensor';

/** The file formats kerasts tells apart. */
export type FileFormat =
  /** A Keras 3 `.keras` archive (ZIP with `config.json`). */
  | 'keras'
  /** A legacy Keras `.h5` full model (`model_config`). */
  | 'h5-model'
  /** A legacy Keras weights `.h5` (`layer_names` at the root). */
  | 'h5-weights'
  /** A Keras 3 native `.weights.h5` (`/layers/.../vars`, `/vars`). */
  | 'weights-h5'
  /** Another HDF5 file. */
  | 'hdf5'
  /** A Keras architecture as JSON. */
  | 'json'
  /** A Keras architecture as YAML. */
  | 'yaml'
  /** A TensorFlow.js layers model (`model.json`). */
  | 'tfjs-json'
  /** NumPy `.npy`. */
  | 'npy'
  /** NumPy `.npz` (a ZIP of `.npy`). */
  | 'npz'
  /** Another ZIP archive. */
  | 'zip'
  /** JSON that is not a Keras architecture. */
  | 'other-json'
  | 'empty'
  | 'unknown';

/** A detected format and a phrase naming it for messages. */
export interface DetectedFormat {
  format: FileFormat;
  /** E.g. "a Keras 3 .weights.h5 (native weights layout)". */
  description: string;
}

const DESCRIPTIONS: Record<FileFormat, string> = {
  keras: 'a Keras 3 .keras archive',
  'h5-model': 'a legacy Keras .h5 full model',
  'h5-weights': 'a legacy Keras weights .h5 (layer_names, no architecture)',
  'weights-h5': 'a Keras 3 .weights.h5 (native weights layout, no architecture)',
  hdf5: 'an HDF5 file that is not a Keras file',
  json: 'a Keras architecture JSON',
  yaml: 'a Keras architecture YAML',
  'tfjs-json': 'a TensorFlow.js model.json (weights in shards beside it)',
  npy: 'a NumPy .npy array',
  npz: 'a NumPy .npz archive',
  zip: 'a ZIP archive that is not a .keras file',
  'other-json': 'JSON that is not a Keras architecture',
  empty: 'an empty file',
  unknown: 'unknown content: neither HDF5 nor a ZIP archive (.keras), nor JSON or YAML text',
};

function detected(format: FileFormat, extra = ''): DetectedFormat {
  return { format, description: DESCRIPTIONS[format] + extra };
}

/** Which Keras layout an HDF5 file's root names say it holds. */
export function detectH5Layout(root: H5RootSummary): DetectedFormat {
  if (root.attrs.includes('model_config')) return detected('h5-model');
  if (root.attrs.includes('layer_names') || root.attrs.includes('layer_names0')) return detected('h5-weights');
  if (root.members.includes('model_weights')) return detected('h5-model');
  if (root.members.includes('layers') || root.members.includes('vars')) return detected('weights-h5');
  return detected('hdf5');
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

/** The format of a file's bytes (see {@link FileFormat}). Never throws for unreadable content: it says what it could tell. */
export async function detectFormat(bytes: Uint8Array, fileName?: string): Promise<DetectedFormat> {
  if (bytes.length === 0) return detected('empty');
  if (findHdf5Signature(bytes) >= 0) {
    try {
      return detectH5Layout(await inspectH5Root(bytes, fileName ? { fileName } : {}));
    } catch {
      return detected('hdf5', ' (unreadable: corrupt or truncated)');
    }
  }
  if (isZipSignature(bytes)) {
    try {
      const z = ZipArchive.open(bytes, fileName ? { fileName } : {});
      if (z.has('config.json')) return detected('keras');
      if (z.entries.length > 0 && z.entries.every((e) => e.name.endsWith('.npy'))) return detected('npz');
      return detected('zip');
    } catch (e) {
      return { format: 'zip', description: `a damaged ZIP archive (${e instanceof KerastsError ? e.message : String(e)})` };
    }
  }
  if (NPY_MAGIC.every((b, i) => bytes[i] === b)) return detected('npy');
  // Text: JSON, then YAML (JSON is YAML too, so JSON first).
  if (bytes.includes(0)) return detected('unknown');
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return detected('unknown');
  }
  const head = text.trimStart();
  if (head.startsWith('{') || head.startsWith('[')) {
    let v: JsonValue;
    try {
      v = JSON.parse(text.replace(/\bNaN\b|-?\bInfinity\b/g, '0')) as JsonValue;
    } catch {
      return { format: 'other-json', description: 'text that starts like JSON but does not parse' };
    }
    if (isJsonObject(v) && typeof v.class_name === 'string') return detected('json');
    // tfjs' model.json (tf.io's ModelJSON): the topology and the manifest of its weight shards
    if (isJsonObject(v) && isJsonObject(v.modelTopology) && Array.isArray(v.weightsManifest)) {
      return detected('tfjs-json', v.format === 'graph-model' ? ' (a graph model, which kerasts does not read)' : '');
    }
    return detected('other-json');
  }
  try {
    const v = loadKerasYaml(text, fileName ? { fileName } : {});
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && typeof (v as Record<string, unknown>).class_name === 'string') return detected('yaml');
  } catch {
    /* not YAML either */
  }
  return detected('unknown');
}
