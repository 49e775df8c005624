/**
 * Keras 3's `compile_config` (what `model.get_compile_config()` returns and a `.keras` stores next to
 * the architecture) ⇄ the legacy `training_config` that @kerasts/model compiles from and reports.
 *
 * The two hold the same things: `compile_config` names the optimizer `optimizer` and serializes it,
 * and every Keras object in it, in Keras 3's native form (`module`, `class_name`, `config`,
 * `registered_name`); `training_config` calls it `optimizer_config`.
 */
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from '@kerasts/layers';
import { ConfigError } from '@kerasts/tensor';

/** The module Keras 3 records for each kind of object in a compile config. */
function withModule(v: JsonValue | undefined, module: string): JsonValue {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.map((e) => withModule(e, module));
  if (!isJsonObject(v) || typeof v.class_name !== 'string') return cloneJson(v);
  const config = isJsonObject(v.config) ? { ...v.config } : {};
  // A learning-rate schedule inside an optimizer config is a Keras object too.
  if (isJsonObject(config.learning_rate) && typeof config.learning_rate.class_name === 'string') {
    config.learning_rate = withModule(config.learning_rate, 'keras.optimizers.schedules');
  }
  return { module: typeof v.module === 'string' ? v.module : module, class_name: v.class_name, config, registered_name: v.registered_name ?? null };
}

/** A metric list (or per-output dict) with each object given its module. */
function metrics(v: JsonValue | undefined): JsonValue {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v)) return v.map((m) => withModule(m, 'keras.metrics'));
  return withModule(v, 'keras.metrics');
}

/** Keras 3's `compile_config` for a model's `training_config` (as `Model.getTrainingConfig()` gives it). */
export function compileConfigFromTrainingConfig(tc: JsonObject): JsonObject {
  const opt = tc.optimizer_config;
  if (!isJsonObject(opt)) throw new ConfigError('the training config has no optimizer_config', 'training_config');
  return {
    optimizer: withModule(opt, 'keras.optimizers'),
    loss: withModule(tc.loss, 'keras.losses'),
    loss_weights: cloneJson(tc.loss_weights ?? null),
    metrics: metrics(tc.metrics),
    weighted_metrics: metrics(tc.weighted_metrics),
    run_eagerly: tc.run_eagerly ?? false,
    steps_per_execution: tc.steps_per_execution ?? 1,
    jit_compile: tc.jit_compile ?? true,
  };
}

/**
 * The `training_config` form of a Keras 3 `compile_config` (the optimizer given by name, such as
 * `"adam"`, or as an object; everything else as it is).
 *
 * @throws {ConfigError} when the compile config has no optimizer.
 */
export function trainingConfigFromCompileConfig(cc: JsonObject, where = 'compile_config'): JsonObject {
  const opt = cc.optimizer;
  if (opt === undefined || opt === null) throw new ConfigError('compile_config has no optimizer', where);
  const optimizer_config: JsonValue = typeof opt === 'string' ? { class_name: opt, config: {} } : cloneJson(opt);
  const out: JsonObject = { ...cloneJson(cc), optimizer_config };
  delete out.optimizer;
  return out;
}
