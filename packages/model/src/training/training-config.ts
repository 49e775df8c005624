/**
 * The `training_config` of Keras files, every era (KERAS-FORMAT.md §8): Keras 1/2.0.x
 * (`optimizer_config`, `loss`, `metrics`, `sample_weight_mode`, `loss_weights`), 2.1–2.3
 * (`weighted_metrics`, Loss objects), tf.keras (compiled metrics as `MeanMetricWrapper`, `Custom>Adam`)
 * and Keras 3 legacy `.h5` (`run_eagerly`, `steps_per_execution`, `jit_compile`).
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import { ConfigError, UnsupportedError } from '@kerasts/tensor';
import type { LossIdentifier } from './losses.js';
import type { MetricIdentifier } from './metrics.js';
import { optimizerFromConfig } from './optimizers.js';
import type { CompileOptions } from './trainer.js';

function isObject(v: JsonValue | undefined): v is JsonObject {
  return v !== null && v !== undefined && typeof v === 'object' && !Array.isArray(v);
}

/** A single-output value: a dict keyed by output name or a one-element list reduces to its element. */
function single(v: JsonValue, what: string): JsonValue {
  if (Array.isArray(v) && what === 'loss') {
    if (v.length !== 1) throw new UnsupportedError(`${what}: one entry per output is supported for a single output only (found ${v.length})`, `training_config.${what}`);
    return v[0]!;
  }
  if (isObject(v) && !('class_name' in v)) {
    const keys = Object.keys(v);
    if (keys.length !== 1) throw new UnsupportedError(`${what}: one entry per output is supported for a single output only (found ${keys.join(', ')})`, `training_config.${what}`);
    return v[keys[0]!]!;
  }
  return v;
}

function metricList(v: JsonValue | undefined, what: string): MetricIdentifier[] | null {
  if (v === undefined || v === null) return null;
  let list: JsonValue = single(v, what);
  if (!Array.isArray(list)) list = [list];
  // tf.keras may nest the list per output: [[m1, m2]].
  if (list.length === 1 && Array.isArray(list[0])) list = list[0];
  return (list as JsonValue[]).map((m, i) => {
    if (typeof m === 'string') return m;
    if (isObject(m)) return m;
    throw new ConfigError(`a metric must be a name or a {class_name, config} object, found ${JSON.stringify(m)}`, `training_config.${what}[${i}]`);
  });
}

/**
 * Compile options from a `training_config` (the JSON object or its text) of any Keras era: loss
 * aliases (`'mse'`), Keras 2's `lr`/`decay`, `Custom>Adam`, Loss and Metric objects, per-output dicts
 * or lists for a single output. `sample_weight_mode` needs nothing (per-step weights are accepted).
 *
 * @throws {ConfigError} for a malformed config.
 * @throws {UnsupportedError} for several outputs or unsupported settings.
 */
export function compileOptionsFromTrainingConfig(config: JsonObject | string): CompileOptions {
  let cfg: JsonValue;
  if (typeof config === 'string') {
    try {
      cfg = JSON.parse(config) as JsonValue;
    } catch (e) {
      throw new ConfigError(`training_config is not valid JSON: ${(e as Error).message}`, 'training_config');
    }
  } else cfg = config;
  if (!isObject(cfg)) throw new ConfigError('training_config must be a JSON object', 'training_config');
  const oc = cfg.optimizer_config;
  if (!isObject(oc)) throw new ConfigError('training_config has no "optimizer_config" object', 'training_config.optimizer_config');
  const optimizer = optimizerFromConfig(oc);
  const lossRaw = cfg.loss;
  if (lossRaw === undefined || lossRaw === null) throw new ConfigError('training_config has no "loss"', 'training_config.loss');
  const loss = single(lossRaw, 'loss');
  if (typeof loss !== 'string' && !isObject(loss)) throw new ConfigError(`training_config.loss must be a name or an object, found ${JSON.stringify(loss)}`, 'training_config.loss');
  const lwRaw = cfg.loss_weights;
  let lossWeights: number | null = null;
  if (lwRaw !== undefined && lwRaw !== null) {
    const lw = Array.isArray(lwRaw) ? (lwRaw.length === 1 ? lwRaw[0] : undefined) : isObject(lwRaw) ? single(lwRaw, 'loss_weights') : lwRaw;
    if (typeof lw !== 'number') throw new UnsupportedError(`loss_weights ${JSON.stringify(lwRaw)} is not a single number`, 'training_config.loss_weights');
    lossWeights = lw;
  }
  return {
    optimizer,
    loss: loss as LossIdentifier,
    metrics: metricList(cfg.metrics, 'metrics'),
    weightedMetrics: metricList(cfg.weighted_metrics, 'weighted_metrics'),
    lossWeights,
  };
}
