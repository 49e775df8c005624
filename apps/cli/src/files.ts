/**
 * How every command reads its files: the format comes from the content (the `kerasts` package's
 * `detectFormat`), never from the name, and a file of the wrong kind is an error that says what it is.
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  detectFormat,
  FormatError,
  KerastsError,
  loadModelWithInfo,
  loadWeights,
  nativeWeightTable,
  parseJsonText,
  readKerasArchive,
  readKerasH5,
  readNativeWeights,
  readWeightTable,
  loadKerasYaml,
  type DetectedFormat,
  type Functional,
  type JsonValue,
  type LoadedModel,
  type Sequential,
  type TransferReport,
  type WeightTable,
} from 'kerasts';

/** A file's bytes; a missing file is a one-line error. */
export function readBytes(file: string): Uint8Array {
  if (!existsSync(file)) throw new KerastsError('no such file; check the path', file);
  const b = readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/** A file's bytes and what it is. */
export async function detectFile(file: string): Promise<{ bytes: Uint8Array; detected: DetectedFormat }> {
  const bytes = readBytes(file);
  return { bytes, detected: await detectFormat(bytes, file) };
}

/**
 * A model from any model file (`.keras`, `.h5`, architecture `.json`/`.yaml`, TensorFlow.js `model.json`), with the weights of
 * `weights` (any weights file) put in when given.
 */
export async function loadModelFile(file: string, options: { weights?: string; warn: (m: string) => void; compile?: boolean }): Promise<LoadedModel & { weightsReport: TransferReport | null }> {
  if (!existsSync(file)) throw new KerastsError('no such file; check the path', file);
  // By path: a legacy .h5 is read piecewise from disk (never whole), other formats are read whole.
  const loaded = await loadModelWithInfo(file, { fileName: file, warn: options.warn, ...(options.compile !== undefined ? { compile: options.compile } : {}) });
  let weightsReport: TransferReport | null = null;
  if (options.weights) {
    if (!existsSync(options.weights)) throw new KerastsError('no such file; check the path', options.weights);
    weightsReport = await loadWeights(loaded.model, options.weights, { fileName: options.weights, warn: options.warn });
    for (const w of weightsReport.warnings) options.warn(w);
  }
  return { ...loaded, weightsReport };
}

/** {@link loadModelFile}, the model only. */
export async function modelOf(file: string, weights: string | undefined, warn: (m: string) => void): Promise<Sequential | Functional> {
  return (await loadModelFile(file, { ...(weights ? { weights } : {}), warn })).model;
}

/**
 * The architecture config of a file, unparsed: a `.json`/`.yaml` architecture, a `.keras` archive's
 * `config.json` (without `compile_config`), or a legacy `.h5`'s `model_config`.
 */
export async function architectureOf(file: string): Promise<JsonValue> {
  const { bytes, detected } = await detectFile(file);
  const text = () => new TextDecoder().decode(bytes);
  switch (detected.format) {
    case 'json':
      return parseJsonText(text(), file);
    case 'yaml':
      return loadKerasYaml(text(), { fileName: file }) as JsonValue;
    case 'keras': {
      const { compile_config: _cc, ...arch } = (await readKerasArchive(bytes, { fileName: file })).config;
      return arch;
    }
    case 'h5-model': {
      const c = await readKerasH5(bytes, { fileName: file });
      if (c.rootAttrs.modelConfig === null) throw new FormatError('this .h5 has model_weights but no model_config attribute, so no architecture', file);
      return parseJsonText(c.rootAttrs.modelConfig, `${file}:/ (attribute model_config)`);
    }
    default:
      throw new FormatError(`this is ${detected.description}, not an architecture (.json, .yaml, .keras or .h5 model)`, file);
  }
}

/** The weights stored in any file that holds weights, as a table (for listing and comparing). */
export async function weightTableOf(file: string): Promise<WeightTable> {
  const { bytes, detected } = await detectFile(file);
  switch (detected.format) {
    case 'h5-model':
    case 'h5-weights':
      return readWeightTable(bytes, { fileName: file });
    case 'weights-h5':
      return nativeWeightTable(await readNativeWeights(bytes, file), file);
    case 'keras': {
      const a = await readKerasArchive(bytes, { fileName: file });
      return { ...nativeWeightTable(a.weights, file), kerasVersion: typeof a.metadata?.keras_version === 'string' ? a.metadata.keras_version : null };
    }
    default:
      throw new FormatError(`this is ${detected.description}, not a file with weights (.keras, .weights.h5 or .h5)`, file);
  }
}
