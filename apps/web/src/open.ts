/**
 * Opening what a person drops on the page: a full-model `.h5` of any Keras era, a Keras 3 `.keras`
 * archive, or an architecture (`.json`, `.yaml`) with its weights (`.h5`). The format is recognised by content, never by name.
 * Runs in the page and in the training worker alike.
 */
import { findHdf5Signature, loadWeightsFromBytes, modelFromContents, readKerasH5 } from '@kerasts/io-hdf5';
import { kerasEra, parseJsonText, parseModelConfig } from '@kerasts/io-json';
import { isJsonObject, type JsonObject, type JsonValue } from '@kerasts/layers';
import { modelFromConfig, type Functional, type Sequential } from '@kerasts/model';
import { FormatError } from '@kerasts/tensor';

/** A file as the page holds it. */
export interface InputFile {
  name: string;
  bytes: Uint8Array;
}

/** A model and what its files said about it. */
export interface Opened {
  model: Sequential | Functional;
  /** The files it came from, e.g. `model.h5` or `arch.json + weights.h5`. */
  source: string;
  /** `full model (.h5)`, `architecture (JSON) + weights (.h5)`, ... */
  format: string;
  kerasVersion: string | null;
  backend: string | null;
  era: string;
  trainingConfig: JsonObject | null;
  /** Arrays in `/optimizer_weights` (0 when none). */
  optimizerArrays: number;
  optimizerRestored: boolean;
  warnings: string[];
  /** Root groups of the `.h5` that are not Keras' (ignored). */
  extraRootGroups: string[];
}

type Kind = 'hdf5' | 'zip' | 'json' | 'yaml' | 'unknown';

/** What a file is, by its first bytes. */
export function kindOf(bytes: Uint8Array): Kind {
  if (bytes.length >= 8 && findHdf5Signature(bytes.subarray(0, Math.min(bytes.length, 1 << 20))) >= 0) return 'hdf5';
  if (bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04) return 'zip';
  const head = new TextDecoder().decode(bytes.subarray(0, 256)).trimStart();
  if (head.startsWith('{')) return 'json';
  if (/^(class_name|backend|config|keras_version)\s*:/m.test(head)) return 'yaml';
  return 'unknown';
}

async function architectureOf(file: InputFile, kind: 'json' | 'yaml'): Promise<JsonValue> {
  const text = new TextDecoder().decode(file.bytes);
  if (kind === 'json') return parseJsonText(text, file.name);
  // YAML is rare: load its parser only when one is opened
  const { loadKerasYaml } = await import('@kerasts/io-yaml');
  return loadKerasYaml(text, { fileName: file.name }) as JsonValue;
}

/** Open one full-model file, or an architecture plus a weights file. */
export async function openModel(files: readonly InputFile[]): Promise<Opened> {
  if (files.length === 0) throw new FormatError('no file given', '');
  const kinds = files.map((f) => ({ f, kind: kindOf(f.bytes) }));
  const zip = kinds.find((k) => k.kind === 'zip');
  if (zip) return openKeras(zip.f);
  const unknown = kinds.find((k) => k.kind === 'unknown');
  if (unknown) throw new FormatError('not a Keras file: expected HDF5 (.h5), a .keras archive, an architecture JSON or YAML', unknown.f.name);
  const arch = kinds.find((k) => k.kind === 'json' || k.kind === 'yaml');
  const h5s = kinds.filter((k) => k.kind === 'hdf5');
  if (arch) {
    const raw = await architectureOf(arch.f, arch.kind as 'json' | 'yaml');
    const parsed = parseModelConfig(raw, { source: arch.f.name });
    const model = modelFromConfig(parsed.config, { source: arch.f.name });
    const warnings: string[] = [];
    const weights = h5s[0]?.f;
    if (weights) {
      const report = await loadWeightsFromBytes(model, weights.bytes, { fileName: weights.name });
      warnings.push(...report.warnings);
    } else warnings.push('no weights file given: the weights are freshly initialized (drop the .h5 weights with the architecture)');
    const version = parsed.versionStated ? parsed.config.kerasVersion : null;
    return {
      model,
      source: weights ? `${arch.f.name} + ${weights.name}` : arch.f.name,
      format: `architecture (${arch.kind === 'json' ? 'JSON' : 'YAML'}, ${parsed.dialect} dialect)${weights ? ' + weights (.h5)' : ''}`,
      kerasVersion: version ?? parsed.config.kerasVersion,
      backend: parsed.config.backend,
      era: kerasEra(version ?? parsed.config.kerasVersion) + (parsed.versionStated ? '' : ', inferred from the config'),
      trainingConfig: null,
      optimizerArrays: 0,
      optimizerRestored: false,
      warnings,
      extraRootGroups: [],
    };
  }
  if (h5s.length > 1) throw new FormatError(`several .h5 files (${h5s.map((k) => k.f.name).join(', ')}): open one full model, or an architecture with its weights`, '');
  const file = h5s[0]!.f;
  const contents = await readKerasH5(file.bytes, { fileName: file.name });
  if (contents.kind !== 'model' || !contents.rootAttrs.modelConfig) {
    throw new FormatError('this is a weights-only file (what save_weights writes): open it together with its architecture (.json or .yaml)', file.name);
  }
  const warnings: string[] = [];
  const { model, info } = modelFromContents(contents, { fileName: file.name, warn: (m) => warnings.push(m.replace(/^kerasts: /, '')) });
  const version = info.kerasVersion;
  return {
    model,
    source: file.name,
    format: 'full model (.h5)',
    kerasVersion: version,
    backend: info.backend,
    era: kerasEra(version),
    trainingConfig: info.trainingConfig,
    optimizerArrays: contents.optimizerWeights?.weights.length ?? 0,
    optimizerRestored: info.optimizerRestored,
    warnings: [...new Set([...warnings, ...info.warnings.map((w) => w)])],
    extraRootGroups: contents.extraRootGroups,
  };
}

/** A Keras 3 `.keras` archive (its reader loads only when one is opened). */
async function openKeras(file: InputFile): Promise<Opened> {
  const { modelFromKerasBytes, trainingConfigFromCompileConfig } = await import('@kerasts/io-keras');
  const warnings: string[] = [];
  const { model, info } = await modelFromKerasBytes(file.bytes, { fileName: file.name, warn: (m: string) => warnings.push(m.replace(/^kerasts: /, '')) });
  let trainingConfig: JsonObject | null = null;
  if (info.compileConfig) {
    try {
      trainingConfig = trainingConfigFromCompileConfig(info.compileConfig);
    } catch {
      trainingConfig = null;
    }
  }
  return {
    model,
    source: file.name,
    format: 'Keras 3 archive (.keras)',
    kerasVersion: info.kerasVersion,
    backend: null,
    era: `Keras 3 (.keras, ${info.kerasVersion})`,
    trainingConfig,
    optimizerArrays: info.hasOptimizerState && model.isCompiled ? model.getOptimizerVariables().length : info.hasOptimizerState ? -1 : 0,
    optimizerRestored: info.optimizerRestored,
    warnings: [...new Set([...warnings, ...info.warnings])],
    extraRootGroups: info.assets.length ? [`assets: ${info.assets.join(', ')}`] : [],
  };
}

/** The optimizer and loss of a training config, for people. */
export function describeTraining(tc: JsonObject | null): { optimizer: string; settings: string; loss: string; metrics: string } | null {
  if (!tc) return null;
  const opt = isJsonObject(tc.optimizer_config) ? tc.optimizer_config : null;
  const cfg = opt && isJsonObject(opt.config) ? opt.config : {};
  const lr = cfg.learning_rate ?? cfg.lr;
  const settings = Object.entries(cfg)
    .filter(([k, v]) => ['learning_rate', 'lr', 'beta_1', 'beta_2', 'epsilon', 'momentum', 'rho', 'decay', 'nesterov'].includes(k) && v !== null)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(6)) : JSON.stringify(v)}`)
    .join(', ');
  const show = (v: JsonValue | undefined): string => (v === undefined || v === null ? '—' : typeof v === 'string' ? v : JSON.stringify(v));
  return { optimizer: opt && typeof opt.class_name === 'string' ? opt.class_name : '?', settings: settings || (lr !== undefined ? `learning_rate=${String(lr)}` : ''), loss: show(tc.loss), metrics: show(tc.metrics) };
}
