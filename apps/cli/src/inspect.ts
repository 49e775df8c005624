/** `kerasts inspect`: what a Keras file is and holds, for any era, even where kerasts cannot run it. */
import { existsSync, readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { modelFromContents, readKerasH5, type KerasH5Contents } from '@kerasts/io-hdf5';
import { kerasEra, parseJsonText, parseModelConfig } from '@kerasts/io-json';
import { loadKerasYaml } from '@kerasts/io-yaml';
import { formatShape, isJsonObject, type JsonObject, type JsonValue } from '@kerasts/layers';
import { modelFromConfig } from '@kerasts/model';
import { KerastsError } from '@kerasts/tensor';

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

async function inspectH5(file: string, bytes: Uint8Array): Promise<Inspection> {
  const contents: KerasH5Contents = await readKerasH5(bytes, { fileName: file });
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
      const { model } = modelFromContents(contents, { fileName: file });
      rows = model.layers.map((l) => ({
        name: l.name,
        className: l.className,
        outputShape: model.built && l.inputShape ? formatShape(l.computeOutputShape(l.inputShape)) : null,
        params: l.countParams(),
        weights: l.weights.map((w) => ({ name: w.name, shape: [...w.shape] })),
      }));
      runnable = runnable ?? 'yes';
    } catch (e) {
      runnable = `no: ${(e as Error).message}`;
    }
  } else runnable = 'weights only: give an architecture (kerasts predict --arch arch.json)';
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

/** Inspect a `.h5`, `.json` or `.yaml` Keras file. */
export async function inspectFile(file: string): Promise<Inspection> {
  if (!existsSync(file)) throw new KerastsError('no such file; check the path', file);
  const buf = readFileSync(file);
  const bytes = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  const ext = extname(file).toLowerCase();
  if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    const text = buf.toString('utf8');
    const raw = ext === '.json' ? parseJsonText(text, file) : (loadKerasYaml(text, { fileName: file }) as JsonValue);
    const parsed = parseModelConfig(raw, { source: file });
    const model = modelFromConfig(parsed.config);
    const summary = model.built ? model.summary(null) : `Sequential "${model.name}" (input shape not declared)`;
    return {
      text: `${file}: architecture (${parsed.dialect} dialect), Keras ${parsed.config.kerasVersion}\n${summary}`,
      json: { file, kind: 'architecture', dialect: parsed.dialect, keras_version: parsed.config.kerasVersion, layers: model.layers.map((l) => ({ name: l.name, class_name: l.className, params: l.countParams() })) },
    };
  }
  return inspectH5(file, bytes);
}
