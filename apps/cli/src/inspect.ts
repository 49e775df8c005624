/** `kerasts inspect`: what a Keras file is and holds, for any era, even where kerasts cannot run it. */
import {
  FormatError,
  KerastsError,
  LimitError,
  getLimits,
  formatShape,
  isJsonObject,
  kerasEra,
  loadKerasYaml,
  modelFromConfig,
  modelFromContents,
  modelFromKerasArchive,
  nativeWeightTable,
  parseJsonText,
  parseModelConfig,
  readKerasArchive,
  readKerasH5,
  readNativeWeights,
  storedOptimizerValues,
  type H5TreeGroup,
  type JsonObject,
  type JsonValue,
  type KerasH5Contents,
  type Model,
} from 'kerasts';
import { detectFile } from './files.js';

/** The Keras era a file comes from (kept here for callers of the CLI module; it lives in io-json). */
export { kerasEra };

interface LayerRow {
  name: string;
  className: string;
  outputShape: string | null;
  params: number;
  weights: { name: string; shape: number[] }[];
}

export interface Inspection {
  text: string;
  json: JsonObject;
}

function layerClassesFromConfig(raw: JsonValue): Map<string, string> {
  const m = new Map<string, string>();
  if (!isJsonObject(raw)) return m;
  const cfg = raw.config;
  const list = Array.isArray(cfg) ? cfg : isJsonObject(cfg) && Array.isArray(cfg.layers) ? cfg.layers : [];
  for (const e of list) {
    if (!isJsonObject(e)) continue;
    const c = isJsonObject(e.config) ? e.config : {};
    const name = typeof c.name === 'string' ? c.name : typeof e.name === 'string' ? e.name : null;
    if (name && typeof e.class_name === 'string') m.set(name, e.class_name);
  }
  return m;
}

function describeTraining(tc: string | null): JsonObject | null {
  if (!tc) return null;
  try {
    const v = parseJsonText(tc);
    if (!isJsonObject(v)) return null;
    const opt = isJsonObject(v.optimizer_config) ? v.optimizer_config : null;
    return { optimizer: opt && typeof opt.class_name === 'string' ? opt.class_name : null, loss: v.loss ?? null, metrics: v.metrics ?? null, optimizer_config: opt };
  } catch {
    return { unreadable: true };
  }
}

/**
 * Give every weight of metadata-only contents a zero view of one shared buffer (as large as the
 * largest weight, within maxBytes), so the model can be built and the stored shapes checked against
 * it without reading or allocating the weight values. Returns why not, when a weight is too large.
 */
function shapeOnlyWeights(contents: KerasH5Contents, file: string): string | null {
  const weights = [...contents.weights.layers.flatMap((l) => l.weights), ...(contents.weights.topLevelWeights ?? [])];
  const largest = weights.reduce((m, w) => Math.max(m, w.shape.reduce((a, b) => a * b, 1)), 0);
  const limit = getLimits().maxBytes;
  if (largest * 4 > limit) return new LimitError('the largest weight is too large to check', file, 'maxBytes', largest * 4, limit, 'bytes').message;
  const shared = new ArrayBuffer(largest * 4);
  for (const w of weights) {
    w.data = new Float32Array(shared, 0, w.shape.reduce((a, b) => a * b, 1));
    w.dtype = 'float32';
  }
  return null;
}

async function inspectH5(file: string, bytes: Uint8Array): Promise<Inspection> {
  // the structure only: no weight values are read (a corrupt file may declare gigabytes)
  const contents: KerasH5Contents = await readKerasH5(bytes, { fileName: file, weightValues: false });
  const tooLarge = shapeOnlyWeights(contents, file);
  const version = contents.rootAttrs.kerasVersion ?? contents.weights.kerasVersion;
  const backend = contents.rootAttrs.backend ?? contents.weights.backend;
  let modelClass: string | null = null;
  let classes = new Map<string, string>();
  let runnable: string | null = null;
  let rows: LayerRow[] = [];
  if (contents.rootAttrs.modelConfig) {
    let raw: JsonValue = null;
    try {
      raw = parseJsonText(contents.rootAttrs.modelConfig, file);
      modelClass = isJsonObject(raw) && typeof raw.class_name === 'string' ? raw.class_name : null;
      classes = layerClassesFromConfig(raw);
    } catch (e) {
      runnable = (e as Error).message;
    }
    try {
      if (tooLarge !== null) throw new KerastsError(tooLarge);
      const { model } = modelFromContents({ ...contents, optimizerWeights: null }, { fileName: file, compile: false, warn: () => undefined });
      rows = layerRows(model);
      runnable = runnable ?? 'yes';
    } catch (e) {
      runnable = `no: ${(e as Error).message}`;
    }
  } else runnable = 'weights only: give the architecture (kerasts predict weights.h5 --arch arch.json -i x.npy, kerasts summary weights.h5 --arch arch.json)';
  if (rows.length === 0) {
    rows = contents.weights.layers.map((l) => ({
      name: l.name,
      className: classes.get(l.name) ?? '?',
      outputShape: null,
      params: l.weights.reduce((n, w) => n + w.shape.reduce((a, b) => a * b, 1), 0),
      weights: l.weights.map((w) => ({ name: w.name, shape: [...w.shape] })),
    }));
  }
  const training = describeTraining(contents.rootAttrs.trainingConfig);
  const opt = contents.optimizerWeights;
  const total = rows.reduce((n, r) => n + r.params, 0);
  const json: JsonObject = {
    file,
    kind: contents.kind === 'model' ? 'full model' : 'weights only',
    era: kerasEra(version),
    keras_version: version,
    backend,
    model_class: modelClass,
    runnable,
    layers: rows.map((r) => ({ name: r.name, class_name: r.className, output_shape: r.outputShape, params: r.params, weights: r.weights.map((w) => ({ name: w.name, shape: w.shape })) })),
    total_params: total,
    training_config: training,
    optimizer_state: opt ? { arrays: opt.weights.length } : null,
    extra_root_groups: contents.extraRootGroups,
  };
  const lines = [
    `${file}: Keras ${contents.kind === 'model' ? 'full model' : 'weights-only'} file`,
    `  era:            ${kerasEra(version)}`,
    `  keras_version:  ${version ?? '(none)'}    backend: ${backend ?? '(none)'}`,
    `  model class:    ${modelClass ?? '(no architecture in file)'}`,
    `  runs in kerasts: ${runnable}`,
    `  layers:`,
    ...rows.map((r) => `    ${`${r.name} (${r.className})`.padEnd(36)} ${(r.outputShape ?? '').padEnd(18)} ${String(r.params).padStart(10)}   ${r.weights.map((w) => `${w.name.split('/').pop()} [${w.shape.join(', ')}]`).join(', ')}`),
    `  total params:   ${total.toLocaleString('en-US')}`,
    `  training config: ${training ? `optimizer ${String(training.optimizer)}, loss ${JSON.stringify(training.loss)}` : '(none: not compiled)'}`,
    `  optimizer state: ${opt ? `yes, ${opt.weights.length} arrays` : 'no'}`,
  ];
  if (contents.extraRootGroups.length) lines.push(`  ignored non-Keras groups: ${contents.extraRootGroups.join(', ')}`);
  return { text: lines.join('\n'), json };
}

/** Every layer with its output shape as the summary has it (merge layers, with several inputs, too). */
function layerRows(model: Model): LayerRow[] {
  const shapes = new Map(model.summaryData().rows.map((r) => [r.layer, r.nodeOutputs[r.nodeOutputs.length - 1]]));
  return model.layers.map((l) => {
    const outs = shapes.get(l);
    return {
      name: l.name,
      className: l.className,
      outputShape: outs && outs.length ? (outs.length === 1 ? formatShape(outs[0]!) : `[${outs.map(formatShape).join(', ')}]`) : null,
      params: l.countParams(),
      weights: l.weights.map((w) => ({ name: w.name, shape: [...w.shape] })),
    };
  });
}

function layerLines(rows: LayerRow[]): string[] {
  return rows.map((r) => `    ${`${r.name} (${r.className})`.padEnd(36)} ${(r.outputShape ?? '').padEnd(18)} ${String(r.params).padStart(10)}   ${r.weights.map((w) => `${w.name.split('/').pop()} [${w.shape.join(', ')}]`).join(', ')}`);
}

function optimizerState(weights: H5TreeGroup, file: string): { arrays: number; iterations: number | null } | null {
  const values = storedOptimizerValues(weights, file);
  if (values.length === 0) return null;
  return { arrays: values.length, iterations: values[0]!.size === 1 ? values[0]!.data[0]! : null };
}

async function inspectKeras(file: string, bytes: Uint8Array): Promise<Inspection> {
  const a = await readKerasArchive(bytes, { fileName: file });
  const version = typeof a.metadata?.keras_version === 'string' ? a.metadata.keras_version : null;
  const saved = typeof a.metadata?.date_saved === 'string' ? a.metadata.date_saved : null;
  const modelClass = typeof a.config.class_name === 'string' ? a.config.class_name : null;
  let runnable = 'yes';
  let rows: LayerRow[] = [];
  try {
    const { model } = modelFromKerasArchive(a, { fileName: file, compile: false });
    rows = layerRows(model);
  } catch (e) {
    runnable = `no: ${(e as Error).message}`;
    rows = nativeWeightTable(a.weights, file).layers.map((l) => ({ name: l.layerName, className: '?', outputShape: null, params: l.weights.reduce((n, w) => n + w.value.size, 0), weights: l.weights.map((w) => ({ name: w.name, shape: [...w.value.shape] })) }));
  }
  const cc = isJsonObject(a.config.compile_config) ? a.config.compile_config : null;
  const opt = cc && isJsonObject(cc.optimizer) ? cc.optimizer : null;
  const training: JsonObject | null = cc ? { optimizer: opt && typeof opt.class_name === 'string' ? opt.class_name : (cc.optimizer ?? null), loss: cc.loss ?? null, metrics: cc.metrics ?? null, compile_config: cc } : null;
  const state = optimizerState(a.weights, file);
  const total = rows.reduce((n, r) => n + r.params, 0);
  const json: JsonObject = {
    file,
    kind: 'keras archive',
    format: 'Keras 3 .keras (zip: metadata.json, config.json, model.weights.h5)',
    keras_version: version,
    date_saved: saved,
    model_class: modelClass,
    runnable,
    layers: rows.map((r) => ({ name: r.name, class_name: r.className, output_shape: r.outputShape, params: r.params, weights: r.weights.map((w) => ({ name: w.name, shape: w.shape })) })),
    total_params: total,
    compile_config: training,
    optimizer_state: state,
    entries: a.entries,
    assets: a.assets,
  };
  const lines = [
    `${file}: Keras 3 .keras archive (${a.entries.join(', ')})`,
    `  keras_version:  ${version ?? '(no metadata.json)'}${saved ? `    saved: ${saved}` : ''}`,
    `  model class:    ${modelClass ?? '?'}`,
    `  runs in kerasts: ${runnable}`,
    `  layers:`,
    ...layerLines(rows),
    `  total params:   ${total.toLocaleString('en-US')}`,
    `  compile config: ${training ? `optimizer ${typeof training.optimizer === 'string' ? training.optimizer : JSON.stringify(training.optimizer)}, loss ${JSON.stringify(training.loss)}` : '(none: not compiled)'}`,
    `  optimizer state: ${state ? `yes, ${state.arrays} arrays${state.iterations !== null ? `, ${state.iterations} iterations` : ''}` : 'no'}`,
  ];
  if (a.assets.length) lines.push(`  assets: ${a.assets.join(', ')}`);
  return { text: lines.join('\n'), json };
}

async function inspectNativeWeights(file: string, bytes: Uint8Array): Promise<Inspection> {
  const tree = await readNativeWeights(bytes, file);
  const table = nativeWeightTable(tree, file);
  const rows: LayerRow[] = table.layers.map((l) => ({ name: l.layerName, className: '?', outputShape: null, params: l.weights.reduce((n, w) => n + w.value.size, 0), weights: l.weights.map((w) => ({ name: w.name, shape: [...w.value.shape] })) }));
  const state = optimizerState(tree, file);
  const total = rows.reduce((n, r) => n + r.params, 0);
  const lines = [
    `${file}: Keras 3 .weights.h5 (native layout: layers/<class>/.../vars/<i>; weights only)`,
    `  runs in kerasts: weights only: give an architecture (kerasts predict ${file} --arch arch.json)`,
    `  layers (as recorded in the file):`,
    ...rows.map((r) => `    ${r.name.padEnd(36)} ${String(r.params).padStart(10)}   ${r.weights.map((w) => `${w.name} [${w.shape.join(', ')}]`).join(', ')}`),
    `  total params:   ${total.toLocaleString('en-US')}`,
    `  optimizer state: ${state ? `yes, ${state.arrays} arrays${state.iterations !== null ? `, ${state.iterations} iterations` : ''}` : 'no'}`,
  ];
  return {
    text: lines.join('\n'),
    json: { file, kind: 'weights only', format: 'Keras 3 .weights.h5', layers: rows.map((r) => ({ name: r.name, params: r.params, weights: r.weights.map((w) => ({ name: w.name, shape: w.shape })) })), total_params: total, optimizer_state: state },
  };
}

/** Inspect any Keras file, its format detected by content. */
export async function inspectFile(file: string): Promise<Inspection> {
  const { bytes, detected } = await detectFile(file);
  switch (detected.format) {
    case 'keras':
      return inspectKeras(file, bytes);
    case 'weights-h5':
      return inspectNativeWeights(file, bytes);
    case 'h5-model':
    case 'h5-weights':
    case 'hdf5':
      return inspectH5(file, bytes);
    case 'json':
    case 'yaml': {
      const text = new TextDecoder().decode(bytes);
      const raw = detected.format === 'json' ? parseJsonText(text, file) : (loadKerasYaml(text, { fileName: file }) as JsonValue);
      const parsed = parseModelConfig(raw, { source: file });
      const model = modelFromConfig(parsed.config);
      const summary = model.built ? model.summary(null) : `Sequential "${model.name}" (input shape not declared)`;
      return {
        text: `${file}: architecture (${parsed.dialect} dialect, ${detected.format.toUpperCase()}), Keras ${parsed.config.kerasVersion}\n${summary}`,
        json: { file, kind: 'architecture', dialect: parsed.dialect, keras_version: parsed.config.kerasVersion, layers: model.layers.map((l) => ({ name: l.name, class_name: l.className, params: l.countParams() })) },
      };
    }
    default:
      throw new FormatError(`this is ${detected.description}, not a Keras file kerasts can describe`, file);
  }
}
