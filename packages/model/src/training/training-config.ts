/**
 * The `training_config` of Keras files, every era (KERAS-FORMAT.md §8): Keras 1/2.0.x
 * (`optimizer_config`, `loss`, `metrics`, `sample_weight_mode`, `loss_weights`), 2.1–2.3
 * (`weighted_metrics`, Loss objects), tf.keras (compiled metrics as `MeanMetricWrapper`, `Custom>Adam`)
 * and Keras 3 legacy `.h5` (`run_eagerly`, `steps_per_execution`, `jit_compile`).
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import { ConfigError, UnsupportedError, checkDepth } from '@kerasts/tensor';
import type { LossIdentifier } from './losses.js';
import type { MetricIdentifier } from './metrics.js';
import { optimizerFromConfig } from './optimizers.js';
import type { CompileOptions, MetricsSpec } from './trainer.js';

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

function metricEntry(m: JsonValue, path: string): MetricIdentifier {
  if (typeof m === 'string') return m;
  if (isObject(m)) return m;
  throw new ConfigError(`a metric must be a name or a {class_name, config} object, found ${JSON.stringify(m)}`, path);
}

function metricGroup(v: JsonValue, path: string): MetricIdentifier[] | null {
  if (v === null) return null;
  if (Array.isArray(v)) return v.flatMap((e, i) => (Array.isArray(e) ? e.map((x, j) => metricEntry(x, `${path}[${i}][${j}]`)) : [metricEntry(e, `${path}[${i}]`)]));
  return [metricEntry(v, path)];
}

/**
 * A `metrics` / `weighted_metrics` entry of any era, per output where the config says so: a dict by
 * output name; tf.keras' list of per-output lists; a flat list, which Keras 1/2 and tf.keras apply to
 * every output and Keras 3 reads by position.
 */
function metricsSpec(v: JsonValue | undefined, what: string, outputNames: readonly string[] | null, keras3: boolean): MetricsSpec | null {
  if (v === undefined || v === null) return null;
  const path = `training_config.${what}`;
  const several = outputNames !== null && outputNames.length > 1;
  if (isObject(v) && !('class_name' in v)) {
    return Object.fromEntries(Object.entries(v).map(([k, e]) => [k, metricGroup(e, `${path}.${k}`)]));
  }
  if (!Array.isArray(v)) return [metricEntry(v, path)];
  const nested = v.some((e) => Array.isArray(e));
  if (!several) {
    // One output: a flat list (tf.keras may nest it once per output).
    return v.flatMap((e, i) => (Array.isArray(e) ? e.map((x, j) => metricEntry(x, `${path}[${i}][${j}]`)) : [metricEntry(e, `${path}[${i}]`)]));
  }
  if (nested || keras3) {
    if (v.length !== outputNames.length) {
      throw new ConfigError(`${what} has ${v.length} entries, but the model has ${outputNames.length} outputs (${outputNames.join(', ')})`, path);
    }
    return v.map((e, i) => metricGroup(e, `${path}[${i}]`));
  }
  // Keras 1/2, tf.keras: a flat list applies to every output.
  const all = v.map((e, i) => metricEntry(e, `${path}[${i}]`));
  return Object.fromEntries(outputNames.map((n) => [n, all]));
}

function lossEntry(v: JsonValue, path: string): LossIdentifier | null {
  if (v === null) return null;
  if (typeof v === 'string' || isObject(v)) return v as LossIdentifier;
  throw new ConfigError(`a loss must be a name or an object, found ${JSON.stringify(v)}`, path);
}

/**
 * Compile options from a `training_config` (the JSON object or its text) of any Keras era: loss
 * aliases (`'mse'`), Keras 2's `lr`/`decay`, `Custom>Adam`, Loss and Metric objects, losses, loss
 * weights and metrics per output (lists in output order or dicts by output name). `outputNames` (the
 * model's) decide how a flat metrics list of an old config spreads over several outputs.
 * `sample_weight_mode` needs nothing (per-step weights are accepted).
 *
 * @throws {ConfigError} for a malformed config.
 * @throws {UnsupportedError} for unsupported settings.
 */
export function compileOptionsFromTrainingConfig(config: JsonObject | string, outputNames: readonly string[] | null = null): CompileOptions {
  let cfg: JsonValue;
  if (typeof config === 'string') {
    try {
      cfg = JSON.parse(config) as JsonValue;
    } catch (e) {
      throw new ConfigError(`training_config is not valid JSON: ${(e as Error).message}`, 'training_config');
    }
  } else cfg = config;
  // nesting within maxDepth and no "__proto__" keys before anything below walks it recursively
  checkDepth(cfg, 'training_config');
  if (!isObject(cfg)) throw new ConfigError('training_config must be a JSON object', 'training_config');
  const oc = cfg.optimizer_config;
  if (!isObject(oc)) throw new ConfigError('training_config has no "optimizer_config" object', 'training_config.optimizer_config');
  const optimizer = optimizerFromConfig(oc);
  const keras3 = 'run_eagerly' in cfg || 'steps_per_execution' in cfg;
  const lossRaw = cfg.loss;
  if (lossRaw === undefined || lossRaw === null) throw new ConfigError('training_config has no "loss"', 'training_config.loss');
  let loss: CompileOptions['loss'];
  if (Array.isArray(lossRaw)) loss = lossRaw.map((e, i) => lossEntry(e, `training_config.loss[${i}]`));
  else if (isObject(lossRaw) && !('class_name' in lossRaw)) loss = Object.fromEntries(Object.entries(lossRaw).map(([k, e]) => [k, lossEntry(e, `training_config.loss.${k}`)]));
  else {
    const l = lossEntry(lossRaw, 'training_config.loss');
    if (l === null) throw new ConfigError('training_config has no "loss"', 'training_config.loss');
    loss = l;
  }
  // One loss in a one-entry list or dict is that loss (single-output models of every era).
  if (outputNames === null || outputNames.length === 1) {
    if (Array.isArray(loss) && loss.length === 1 && loss[0] !== null) loss = loss[0] as LossIdentifier;
  }
  const lwRaw = cfg.loss_weights;
  let lossWeights: CompileOptions['lossWeights'] = null;
  if (lwRaw !== undefined && lwRaw !== null) {
    const num = (x: JsonValue, path: string): number => {
      if (typeof x !== 'number') throw new UnsupportedError(`loss_weights entry ${JSON.stringify(x)} is not a number`, path);
      return x;
    };
    if (typeof lwRaw === 'number') lossWeights = lwRaw;
    else if (Array.isArray(lwRaw)) lossWeights = lwRaw.length === 1 && (outputNames === null || outputNames.length === 1) ? num(lwRaw[0]!, 'training_config.loss_weights[0]') : lwRaw.map((x, i) => num(x, `training_config.loss_weights[${i}]`));
    else if (isObject(lwRaw)) lossWeights = Object.fromEntries(Object.entries(lwRaw).map(([k, x]) => [k, num(x, `training_config.loss_weights.${k}`)]));
    else throw new UnsupportedError(`loss_weights ${JSON.stringify(lwRaw)} is not a number, a list or a dict`, 'training_config.loss_weights');
  }
  return {
    optimizer,
    loss,
    metrics: metricsSpec(cfg.metrics, 'metrics', outputNames, keras3),
    weightedMetrics: metricsSpec(cfg.weighted_metrics, 'weighted_metrics', outputNames, keras3),
    lossWeights,
  };
}
