/**
 * Learning-rate schedules (Keras 3 `keras.optimizers.schedules`), evaluated in float32 at the
 * optimizer's iteration count. Keras 2's time-based `decay` argument is the same function as an
 * `InverseTimeDecay` with `decay_steps = 1`.
 */
import type { JsonObject, JsonValue } from '@kerasts/layers';
import { ConfigError, UnsupportedError } from '@kerasts/tensor';

const f = Math.fround;

/** A learning rate that depends on the step (the optimizer's iteration count before the update). */
export abstract class LearningRateSchedule {
  /** The Keras class name. */
  abstract readonly className: string;
  /** The learning rate at `step` (a float32 value). */
  abstract at(step: number): number;
  /** The Keras config of the schedule. */
  abstract getConfig(): JsonObject;
  /** The Keras 3 serialized form, as it appears in an optimizer's `learning_rate`. */
  serialize(): JsonObject {
    return { module: 'keras.optimizers.schedules', class_name: this.className, config: this.getConfig(), registered_name: null };
  }
}

/** `initial · rate^(step/decaySteps)` (floored with `staircase`). */
export class ExponentialDecay extends LearningRateSchedule {
  readonly className = 'ExponentialDecay';
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
    readonly name = 'ExponentialDecay',
  ) {
    super();
    if (!(decaySteps > 0)) throw new ConfigError(`ExponentialDecay: decay_steps must be positive, got ${decaySteps}`);
  }
  at(step: number): number {
    let p = f(f(step) / f(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    return f(f(this.initialLearningRate) * f(Math.pow(f(this.decayRate), p)));
  }
  getConfig(): JsonObject {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** `initial / (1 + rate · step/decaySteps)` (floored with `staircase`); Keras 2's `decay` is this with `decaySteps = 1`. */
export class InverseTimeDecay extends LearningRateSchedule {
  readonly className = 'InverseTimeDecay';
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly decayRate: number,
    readonly staircase = false,
    readonly name = 'InverseTimeDecay',
  ) {
    super();
    if (!(decaySteps > 0)) throw new ConfigError(`InverseTimeDecay: decay_steps must be positive, got ${decaySteps}`);
  }
  at(step: number): number {
    let p = f(f(step) / f(this.decaySteps));
    if (this.staircase) p = Math.floor(p);
    return f(f(this.initialLearningRate) / f(1 + f(f(this.decayRate) * p)));
  }
  getConfig(): JsonObject {
    return { initial_learning_rate: this.initialLearningRate, decay_steps: this.decaySteps, decay_rate: this.decayRate, staircase: this.staircase, name: this.name };
  }
}

/** Constant pieces: `values[0]` up to `boundaries[0]` (inclusive), ..., `values[n]` after the last boundary. */
export class PiecewiseConstantDecay extends LearningRateSchedule {
  readonly className = 'PiecewiseConstantDecay';
  constructor(
    readonly boundaries: readonly number[],
    readonly values: readonly number[],
    readonly name = 'PiecewiseConstant',
  ) {
    super();
    if (values.length !== boundaries.length + 1) {
      throw new ConfigError(`PiecewiseConstantDecay: needs one more value than boundaries, got ${values.length} values for ${boundaries.length} boundaries`);
    }
  }
  at(step: number): number {
    const b = this.boundaries;
    if (b.length === 0 || step <= b[0]!) return f(this.values[0]!);
    for (let i = 1; i < b.length; i++) if (step > b[i - 1]! && step <= b[i]!) return f(this.values[i]!);
    return f(this.values[this.values.length - 1]!);
  }
  getConfig(): JsonObject {
    return { boundaries: [...this.boundaries], values: [...this.values], name: this.name };
  }
}

/** `(initial − end)·(1 − step/decaySteps)^power + end`, clamped (or cycled) at `decaySteps`. */
export class PolynomialDecay extends LearningRateSchedule {
  readonly className = 'PolynomialDecay';
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly endLearningRate = 0.0001,
    readonly power = 1.0,
    readonly cycle = false,
    readonly name = 'PolynomialDecay',
  ) {
    super();
  }
  at(step: number): number {
    let s = f(step);
    let ds = f(this.decaySteps);
    if (this.cycle) ds = f(ds * (s === 0 ? 1 : Math.ceil(f(s / this.decaySteps))));
    else s = Math.min(s, ds);
    const p = f(s / ds);
    return f(f(f(f(this.initialLearningRate) - f(this.endLearningRate)) * f(Math.pow(f(1 - p), f(this.power)))) + f(this.endLearningRate));
  }
  getConfig(): JsonObject {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      end_learning_rate: this.endLearningRate,
      power: this.power,
      cycle: this.cycle,
      name: this.name,
    };
  }
}

/** Cosine decay from `initial` (or, after a linear warm-up, from `warmupTarget`) to `alpha·initial`. */
export class CosineDecay extends LearningRateSchedule {
  readonly className = 'CosineDecay';
  constructor(
    readonly initialLearningRate: number,
    readonly decaySteps: number,
    readonly alpha = 0.0,
    readonly name = 'CosineDecay',
    readonly warmupTarget: number | null = null,
    readonly warmupSteps = 0,
  ) {
    super();
  }
  private decay(step: number, from: number): number {
    const frac = f(step / f(this.decaySteps));
    const cos = f(0.5 * f(1 + f(Math.cos(f(f(Math.PI) * frac)))));
    return f(f(from) * f(f(f(1 - this.alpha) * cos) + f(this.alpha)));
  }
  at(step: number): number {
    const ds = f(this.decaySteps);
    if (this.warmupTarget === null) return this.decay(Math.min(f(step), ds), this.initialLearningRate);
    const ws = f(this.warmupSteps);
    const s = Math.min(f(step), f(ds + ws));
    if (s < ws) {
      return f(f(f(f(this.warmupTarget) - f(this.initialLearningRate)) * f(s / ws)) + f(this.initialLearningRate));
    }
    return this.decay(f(s - ws), this.warmupTarget);
  }
  getConfig(): JsonObject {
    return {
      initial_learning_rate: this.initialLearningRate,
      decay_steps: this.decaySteps,
      alpha: this.alpha,
      name: this.name,
      warmup_target: this.warmupTarget,
      warmup_steps: this.warmupSteps,
    };
  }
}

function num(cfg: JsonObject, key: string, dflt?: number): number {
  const v = cfg[key];
  if (v === undefined || v === null) {
    if (dflt !== undefined) return dflt;
    throw new ConfigError(`learning-rate schedule: "${key}" is required`, `learning_rate.config.${key}`);
  }
  if (typeof v !== 'number') throw new ConfigError(`learning-rate schedule: "${key}" must be a number, found ${JSON.stringify(v)}`, `learning_rate.config.${key}`);
  return v;
}

function nums(cfg: JsonObject, key: string): number[] {
  const v = cfg[key];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new ConfigError(`learning-rate schedule: "${key}" must be a list of numbers`, `learning_rate.config.${key}`);
  }
  return v as number[];
}

/**
 * A schedule from its serialized form (Keras 3 `{module, class_name, config}` or the older
 * `{class_name, config}`).
 *
 * @throws {UnsupportedError} for a schedule kerasts does not implement.
 * @throws {ConfigError} for a malformed config.
 */
export function scheduleFromConfig(obj: JsonValue): LearningRateSchedule {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw new ConfigError('a learning-rate schedule must be an object', 'learning_rate');
  const cls = typeof obj.class_name === 'string' ? obj.class_name.replace(/^.*>/, '') : '';
  const c = obj.config;
  if (c === null || typeof c !== 'object' || Array.isArray(c)) throw new ConfigError(`schedule ${cls}: config must be an object`, 'learning_rate.config');
  const name = typeof c.name === 'string' ? c.name : undefined;
  switch (cls) {
    case 'ExponentialDecay':
      return new ExponentialDecay(num(c, 'initial_learning_rate'), num(c, 'decay_steps'), num(c, 'decay_rate'), c.staircase === true, name);
    case 'InverseTimeDecay':
      return new InverseTimeDecay(num(c, 'initial_learning_rate'), num(c, 'decay_steps'), num(c, 'decay_rate'), c.staircase === true, name);
    case 'PiecewiseConstantDecay':
      return new PiecewiseConstantDecay(nums(c, 'boundaries'), nums(c, 'values'), name);
    case 'PolynomialDecay':
      return new PolynomialDecay(num(c, 'initial_learning_rate'), num(c, 'decay_steps'), num(c, 'end_learning_rate', 0.0001), num(c, 'power', 1), c.cycle === true, name);
    case 'CosineDecay':
      return new CosineDecay(
        num(c, 'initial_learning_rate'),
        num(c, 'decay_steps'),
        num(c, 'alpha', 0),
        name,
        c.warmup_target === undefined || c.warmup_target === null ? null : num(c, 'warmup_target'),
        num(c, 'warmup_steps', 0),
      );
    default:
      throw new UnsupportedError(`learning-rate schedule '${cls}' is not supported (supported: ExponentialDecay, InverseTimeDecay, PiecewiseConstantDecay, PolynomialDecay, CosineDecay)`, 'learning_rate');
  }
}
