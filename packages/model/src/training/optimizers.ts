/**
 * Optimizers with Keras 3.15.1's update rules, defaults and variable layout: SGD (momentum, nesterov),
 * Adam (amsgrad), RMSprop (momentum, centered), Adagrad, Adadelta, Adamax, Nadam; `clipnorm`,
 * `clipvalue`, `global_clipnorm`, `weight_decay`, learning-rate schedules and Keras 2's time-based
 * `decay`.
 *
 * Every update is computed element by element with each operation rounded to float32 in the order
 * Keras writes it, so that N steps reproduce Keras' weights. The optimizer's variables are exposed in
 * Keras 3's order: `[iteration, learning_rate, ...slots]` (no `learning_rate` when the learning rate is
 * a schedule), slots in the order Keras creates them (Adam: momentum and velocity interleaved per model
 * variable, then velocity_hat; RMSprop: all velocities, then momentums, then average gradients; ...).
 */
import { checkOptions, type JsonObject, type JsonValue, type LayerWeight } from '@kerasts/layers';
import { ConfigError, ShapeMismatchError, Tensor, UnsupportedError, adamUpdate, markWeightsChanged } from '@kerasts/tensor';
import { InverseTimeDecay, LearningRateSchedule, scheduleFromConfig } from './schedules.js';

const f = Math.fround;

/** Options every optimizer takes (Keras 3's base-optimizer arguments in camelCase). */
export interface OptimizerOptions {
  /** A number or a schedule; each optimizer has its own default (Keras 3's). */
  learningRate?: number | LearningRateSchedule;
  /** The optimizer's name, used as the prefix of its variable names (default: Keras' snake_case class name). */
  name?: string;
  /** Decoupled weight decay: before each update `w -= w·weightDecay·lr`. */
  weightDecay?: number | null;
  /** Clip each gradient tensor to this L2 norm. */
  clipnorm?: number | null;
  /** Clip each gradient value to [−clipvalue, clipvalue]. */
  clipvalue?: number | null;
  /** Clip all gradients together to this global L2 norm. */
  globalClipnorm?: number | null;
  /** Keras 2's time-based decay: the learning rate is `lr / (1 + decay·iterations)`. */
  decay?: number;
  /** Scales the loss up and the gradients down (numerically a no-op in float32 training here). */
  lossScaleFactor?: number | null;
}

const OPTIMIZER_OPTION_KEYS: Readonly<Record<keyof OptimizerOptions, true>> = {
  learningRate: true, name: true, weightDecay: true, clipnorm: true, clipvalue: true, globalClipnorm: true, decay: true, lossScaleFactor: true,
};

/** One optimizer variable, as Keras lists it in `optimizer.variables`. */
export interface OptimizerVariable {
  /** Keras 3's variable path, e.g. `adam/sequential_dense_kernel_momentum`. */
  name: string;
  /** `int32` for the iteration counter (under JAX), `float32` otherwise. */
  dtype: 'int32' | 'float32';
  /** The value (the iteration counter as a float32 scalar). */
  value: Tensor;
}

/** The Keras `optimizer_config`: `{class_name, config}`. */
export interface OptimizerConfig {
  class_name: string;
  config: JsonObject;
}

/** A slot variable of the optimizer (per model variable, or a scalar like Nadam's `u_product`). */
interface Slot {
  name: string;
  /** Keras 3's slot name (`momentum`, `velocity`, ...; `u_product` for Nadam's scalar). */
  kind: string;
  /** The model variable it belongs to, or −1 for a scalar slot. */
  index: number;
  shape: readonly number[];
  data: Float32Array;
}

/**
 * The layouts of `optimizer_weights` that Keras files of each era hold (KERAS-FORMAT.md §2.5):
 * - `'keras3'`: `[iteration, learning_rate (unless a schedule), ...slots in Keras 3's order]`;
 * - `'tf.keras-2.11'`: tf.keras 2.11–2.15's new optimizers: Keras 3's order without `learning_rate`
 *   (and without Nadam's `u_product`);
 * - `'tf.keras-v2'`: tf.keras OptimizerV2 (TF 2.0–2.10, `optimizers.legacy` later): `[iter]` then each
 *   slot kind for all variables (Adam: all m, all v[, all vhat]; Nadam: `[iter, momentum_cache]`...);
 * - `'keras-2.3'`: Keras 2.3.x: `[iterations]` + per-kind blocks (SGD moments even without momentum,
 *   Adam `vhat`s of shape [1] unless amsgrad, Nadam `[iterations, m_schedule]`);
 * - `'keras-2.1.3'`: Keras 2.1.3–2.2.5: like 2.3 but RMSprop, Adagrad and Adadelta have no
 *   `iterations` and Nadam no `m_schedule`;
 * - `'keras-2.0'`: Keras 2.0.x–2.1.2: like 2.1.3 without Adam's `vhat`s.
 */
export type OptimizerWeightsLayout = 'keras3' | 'tf.keras-2.11' | 'tf.keras-v2' | 'keras-2.3' | 'keras-2.1.3' | 'keras-2.0';

/**
 * The `optimizer_weights` layout of files written by a Keras version (`"2.0.8"`, `"2.2.4"`,
 * `"2.3.1"`, `"2.6.0"`, `"2.15.0"`, `"3.15.1"`...). tf.keras 2.11–2.15 files from the legacy
 * optimizers (`is_legacy_optimizer: true` or no such key) use `'tf.keras-v2'`.
 */
export function optimizerWeightsLayoutFor(kerasVersion: string, options: { legacyOptimizer?: boolean } = {}): OptimizerWeightsLayout {
  const m = /^(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(kerasVersion.trim());
  const [maj, min, pat] = m ? [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)] : [3, 0, 0];
  if (maj >= 3) return 'keras3';
  if (maj < 2) return 'keras-2.0';
  if (min >= 4) return min >= 11 && options.legacyOptimizer !== true ? 'tf.keras-2.11' : 'tf.keras-v2';
  if (min === 3) return 'keras-2.3';
  if (min === 2 || (min === 1 && pat >= 3)) return 'keras-2.1.3';
  return 'keras-2.0';
}

/** One entry of an era's layout: a scalar, or one slot kind for every model variable. */
type LayoutEntry = { scalar: 'iteration' | 'learning_rate' | 'u_product' } | { kind: string; shape?: 'param' | 'one'; zeros?: boolean };

function optNumber(v: number | null | undefined, what: string): number | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`${what} must be a finite number or null, got ${String(v)}`);
  return v;
}

/**
 * The base of every optimizer: learning rate (a float32 variable or a schedule), iteration counter,
 * gradient clipping and weight decay, slot variables in Keras order, and the Keras 3 config.
 */
export abstract class Optimizer {
  /** The Keras class name (`Adam`, `SGD`, `RMSprop`, ...). */
  abstract readonly className: string;
  /** The name, the prefix of variable names. */
  name: string;
  /** Number of updates applied so far (Keras' `iterations`). */
  iterations = 0;
  readonly weightDecay: number | null;
  readonly clipnorm: number | null;
  readonly clipvalue: number | null;
  readonly globalClipnorm: number | null;
  readonly lossScaleFactor: number | null;
  private lr: number | LearningRateSchedule;
  private variables: LayerWeight[] | null = null;
  private variablePaths: string[] = [];
  private readonly slotList: Slot[] = [];

  /**
   * @param own the subclass's class name and own option names: with them, an unknown option name is
   *   a `ConfigError` naming the closest valid one (`learning_rate` → `learningRate`), in JavaScript too.
   */
  protected constructor(defaultLearningRate: number, defaultName: string, options: OptimizerOptions, own?: { className: string; keys: readonly string[] }) {
    if (own) checkOptions(own.className, options, [...Object.keys(OPTIMIZER_OPTION_KEYS), ...own.keys]);
    this.name = options.name ?? defaultName;
    const lr = options.learningRate ?? defaultLearningRate;
    if (lr instanceof LearningRateSchedule) this.lr = lr;
    else {
      if (typeof lr !== 'number' || !Number.isFinite(lr)) throw new ConfigError(`learningRate must be a finite number or a schedule, got ${String(lr)}`, this.name);
      this.lr = options.decay ? new InverseTimeDecay(lr, 1, options.decay) : f(lr);
    }
    if (options.decay !== undefined && (!Number.isFinite(options.decay) || options.decay < 0)) {
      throw new ConfigError(`decay must be a non-negative number, got ${options.decay}`, this.name);
    }
    if (options.decay && lr instanceof LearningRateSchedule) throw new ConfigError('decay cannot be combined with a learning-rate schedule', this.name);
    this.weightDecay = optNumber(options.weightDecay, 'weightDecay');
    this.clipnorm = optNumber(options.clipnorm, 'clipnorm');
    this.clipvalue = optNumber(options.clipvalue, 'clipvalue');
    this.globalClipnorm = optNumber(options.globalClipnorm, 'globalClipnorm');
    this.lossScaleFactor = optNumber(options.lossScaleFactor, 'lossScaleFactor');
    const clips = [this.clipnorm, this.clipvalue, this.globalClipnorm].filter((v) => v !== null).length;
    if (clips > 1) throw new ConfigError('only one of clipnorm, clipvalue and globalClipnorm can be set', this.name);
  }

  /** The learning rate for the next update (the schedule's value at the current iteration). */
  get learningRate(): number {
    return this.lr instanceof LearningRateSchedule ? this.lr.at(this.iterations) : this.lr;
  }

  /**
   * Sets a constant learning rate (stored as float32).
   *
   * @throws {ConfigError} if the optimizer uses a schedule (as Keras does) or the value is not finite.
   */
  set learningRate(value: number) {
    if (this.lr instanceof LearningRateSchedule) throw new ConfigError('this optimizer uses a learning-rate schedule; its learning rate cannot be set', this.name);
    if (!Number.isFinite(value)) throw new ConfigError(`learning rate must be finite, got ${value}`, this.name);
    this.lr = f(value);
  }

  /** The schedule, when the learning rate is one. */
  get schedule(): LearningRateSchedule | null {
    return this.lr instanceof LearningRateSchedule ? this.lr : null;
  }

  /** Whether {@link build} has run. */
  get built(): boolean {
    return this.variables !== null;
  }

  /**
   * Creates the slot variables for these model variables (Keras' `optimizer.build`). `paths` are the
   * variables' Keras paths (e.g. `sequential/dense/kernel`) used to name the slots.
   *
   * @throws {ConfigError} if already built for other variables.
   */
  build(variables: readonly LayerWeight[], paths?: readonly string[]): void {
    if (this.variables) {
      if (this.variables.length === variables.length && this.variables.every((v, i) => v === variables[i])) return;
      throw new ConfigError('this optimizer was built for other variables; create a new optimizer for a new set of variables', this.name);
    }
    this.variables = [...variables];
    this.variablePaths = variables.map((w, i) => paths?.[i] ?? w.name);
    this.createSlots();
  }

  /** The model variables this optimizer was built for. */
  get trainedVariables(): readonly LayerWeight[] {
    return this.variables ?? [];
  }

  /** Creates the slots of the concrete optimizer, in Keras' order. */
  protected abstract createSlots(): void;

  /**
   * Adds one slot per model variable for each name, interleaved per variable as Keras'
   * `add_optimizer_variables` does; returns one array per name.
   */
  protected addSlots(names: readonly string[], init = 0): Float32Array[][] {
    const out: Float32Array[][] = names.map(() => []);
    (this.variables ?? []).forEach((v, i) => {
      names.forEach((n, k) => {
        const data = new Float32Array(v.value.size);
        if (init !== 0) data.fill(init);
        this.slotList.push({ name: `${this.name}/${this.variablePaths[i]!.replace(/\//g, '_')}_${n}`, kind: n, index: i, shape: v.shape, data });
        out[k]!.push(data);
      });
    });
    return out;
  }

  /** Adds a scalar slot (such as Nadam's `u_product`, which Keras names `variable`). */
  protected addScalarSlot(name: string, init: number, kind = name): Float32Array {
    const data = new Float32Array([init]);
    this.slotList.push({ name, kind, index: -1, shape: [], data });
    return data;
  }

  /** Called once per step before the per-variable updates, with the step's learning rate. */
  protected beforeUpdates(_lr: number): void {}

  /** Updates one model variable in place from its gradient (both float32), at learning rate `lr`. */
  protected abstract updateStep(grad: Float32Array, value: Float32Array, index: number, lr: number): void;

  /**
   * Applies one step of gradients, aligned with the variables the optimizer was built for (it is built
   * on `variables` at the first call): unscale, clip, weight decay, update, `iterations += 1`.
   *
   * @throws {ShapeMismatchError} if the gradients do not match the variables.
   */
  applyGradients(grads: readonly Tensor[], variables?: readonly LayerWeight[], paths?: readonly string[]): void {
    if (!this.variables) {
      if (!variables) throw new ConfigError('the optimizer is not built: pass the variables or call build() first', this.name);
      this.build(variables, paths);
    } else if (variables) this.build(variables, paths);
    const vars = this.variables!;
    if (grads.length !== vars.length) {
      throw new ShapeMismatchError(`${this.name}: ${grads.length} gradients for ${vars.length} variables`, [vars.length], [grads.length], this.name);
    }
    let gs = grads.map((g, i) => {
      if (g.size !== vars[i]!.value.size) {
        throw new ShapeMismatchError(`${this.name}: the gradient of "${this.variablePaths[i]}" does not fit it`, vars[i]!.shape, g.shape, this.name);
      }
      return g.data;
    });
    if (this.lossScaleFactor !== null) {
      const s = this.lossScaleFactor;
      gs = gs.map((g) => Float32Array.from(g, (v) => v / s));
    }
    gs = this.clip(gs);
    const lr = this.learningRate;
    if (this.weightDecay !== null) {
      const wd = f(this.weightDecay);
      for (const v of vars) {
        const w = v.value.data;
        for (let p = 0; p < w.length; p++) w[p] = f(w[p]! - f(f(w[p]! * wd) * lr));
      }
    }
    this.beforeUpdates(lr);
    for (let i = 0; i < vars.length; i++) this.updateStep(gs[i]!, vars[i]!.value.data, i, lr);
    // the values changed in place: packed copies of them (tensor's pack cache) are stale
    for (const v of vars) markWeightsChanged(v.value.data);
    this.iterations += 1;
  }

  private clip(gs: Float32Array[]): Float32Array[] {
    if (this.clipnorm !== null && this.clipnorm > 0) {
      const cn = f(this.clipnorm);
      return gs.map((g) => {
        let s = 0;
        for (let p = 0; p < g.length; p++) s += g[p]! * g[p]!;
        const l2sum = f(s);
        const norm = l2sum > 0 ? f(Math.sqrt(l2sum)) : l2sum;
        const den = norm > cn ? norm : cn;
        return Float32Array.from(g, (v) => f(f(v * cn) / den));
      });
    }
    if (this.globalClipnorm !== null && this.globalClipnorm > 0) {
      const cn = f(this.globalClipnorm);
      let total = 0;
      for (const g of gs) {
        let s = 0;
        for (let p = 0; p < g.length; p++) s += g[p]! * g[p]!;
        total += f(s);
      }
      const norm = f(Math.sqrt(f(total)));
      const scale = f(f(cn * Math.min(f(1 / norm), f(1 / cn))) + (norm - norm));
      return gs.map((g) => Float32Array.from(g, (v) => f(v * scale)));
    }
    if (this.clipvalue !== null && this.clipvalue > 0) {
      const cv = f(this.clipvalue);
      return gs.map((g) => Float32Array.from(g, (v) => (v > cv ? cv : v < -cv ? -cv : v)));
    }
    return gs;
  }

  /**
   * All optimizer variables in Keras 3's order: `iteration`, `learning_rate` (unless a schedule), then
   * the slots. Before {@link build}, only the first two.
   */
  getVariables(): OptimizerVariable[] {
    const out: OptimizerVariable[] = [{ name: `${this.name}/iteration`, dtype: 'int32', value: new Tensor(new Float32Array([this.iterations]), []) }];
    if (!(this.lr instanceof LearningRateSchedule)) {
      out.push({ name: `${this.name}/learning_rate`, dtype: 'float32', value: new Tensor(new Float32Array([this.lr]), []) });
    }
    for (const s of this.slotList) out.push({ name: s.name, dtype: 'float32', value: new Tensor(s.data.slice(), s.shape) });
    return out;
  }

  /** The values of {@link getVariables} (Keras' `[v.numpy() for v in optimizer.variables]`). */
  getWeights(): Tensor[] {
    return this.getVariables().map((v) => v.value);
  }

  /**
   * Restores the variables from values in Keras 3's order (as {@link getWeights} gives them; the
   * HDF5 `optimizer_weights` of a Keras 3 file). The count and every shape must match: a state that
   * does not fit throws and leaves the optimizer unchanged.
   *
   * @throws {ShapeMismatchError} if the count or a shape differs.
   * @throws {ConfigError} if the iteration count is not a non-negative integer.
   */
  setWeights(values: readonly Tensor[]): void {
    const vars = this.getVariables();
    if (values.length !== vars.length) {
      throw new ShapeMismatchError(
        `optimizer "${this.name}" (${this.className}) has ${vars.length} variables${this.built ? '' : ' (it is not built yet)'}, got ${values.length} values`,
        [vars.length],
        [values.length],
        this.name,
      );
    }
    values.forEach((v, i) => {
      const want = vars[i]!.value.shape;
      if (v.shape.length !== want.length || v.shape.some((d, k) => d !== want[k])) {
        throw new ShapeMismatchError(`optimizer variable "${vars[i]!.name}" does not fit`, want, v.shape, vars[i]!.name);
      }
    });
    const it = values[0]!.data[0]!;
    if (!Number.isInteger(it) || it < 0) throw new ConfigError(`the iteration count must be a non-negative integer, got ${it}`, `${this.name}/iteration`);
    this.iterations = it;
    let k = 1;
    if (!(this.lr instanceof LearningRateSchedule)) this.lr = f(values[k++]!.data[0]!);
    for (const s of this.slotList) s.data.set(values[k++]!.data);
  }

  /**
   * The layout of this optimizer's state in an era's `optimizer_weights` (see
   * {@link OptimizerWeightsLayout}); subclasses describe the non-Keras-3 eras.
   *
   * @throws {UnsupportedError} when the era's optimizer cannot hold this state (e.g. RMSprop momentum
   *   in Keras 2).
   */
  protected legacyLayout(layout: Exclude<OptimizerWeightsLayout, 'keras3' | 'tf.keras-2.11'>): LayoutEntry[] {
    throw new UnsupportedError(`${this.className} has no known ${layout} optimizer_weights layout`, this.name);
  }

  private layoutEntries(layout: OptimizerWeightsLayout): LayoutEntry[] {
    if (layout === 'keras3') return [];
    if (layout === 'tf.keras-2.11') return [];
    return this.legacyLayout(layout);
  }

  /** The slots of one kind, one per model variable. */
  private slotsOf(kind: string): Slot[] {
    return this.slotList.filter((s) => s.kind === kind && s.index >= 0);
  }

  /**
   * The optimizer's state as a Keras file of the given era stores it in `optimizer_weights`: values in
   * that era's order, with names in that era's style (restoring goes by position; only the order and
   * shapes matter). Builds nothing: call after {@link build}.
   *
   * @throws {UnsupportedError} if the era's optimizer cannot express this state (say so loudly rather
   *   than write a state that would resume differently).
   */
  getVariablesFor(layout: OptimizerWeightsLayout): OptimizerVariable[] {
    if (layout === 'keras3') return this.getVariables();
    if (layout === 'tf.keras-2.11') {
      const vars = this.getVariables().filter((v) => v.name !== `${this.name}/learning_rate`);
      return this.className === 'Nadam' ? vars.slice(0, -1) : vars;
    }
    const cls = this.className;
    const out: OptimizerVariable[] = [];
    const scalar = (v: number): Tensor => new Tensor(new Float32Array([v]), []);
    let counter = 0;
    for (const e of this.layoutEntries(layout)) {
      if ('scalar' in e) {
        if (e.scalar === 'iteration') out.push({ name: layout === 'tf.keras-v2' ? `${cls}/iter:0` : `${cls}/iterations:0`, dtype: 'int32', value: scalar(this.iterations) });
        else if (e.scalar === 'u_product') out.push({ name: layout === 'tf.keras-v2' ? `${cls}/momentum_cache:0` : `${cls}/m_schedule:0`, dtype: 'float32', value: scalar(this.uProductValue()) });
        else out.push({ name: `${cls}/learning_rate:0`, dtype: 'float32', value: scalar(this.learningRate) });
        continue;
      }
      const vars = this.variables ?? [];
      const slots = this.slotsOf(e.kind);
      vars.forEach((v, i) => {
        const shape = e.shape === 'one' ? [1] : v.shape;
        const data = e.zeros || e.shape === 'one' || slots[i] === undefined ? new Float32Array(shape.reduce((a, b) => a * b, 1)) : slots[i]!.data.slice();
        const name =
          layout === 'tf.keras-v2'
            ? `${cls}/${this.variablePaths[i]!.split('/').slice(1).join('/')}/${e.kind}:0`
            : layout === 'keras-2.3'
              ? `training/${cls}/${e.kind}_${i}:0`
              : `training/${cls}/Variable${counter === 0 ? '' : `_${counter}`}:0`;
        counter++;
        out.push({ name, dtype: 'float32', value: new Tensor(data, shape) });
      });
    }
    return out;
  }

  /**
   * Restores the state from an era's `optimizer_weights` (see {@link getVariablesFor}); the optimizer
   * must be built. What the era does not store is kept (the learning rate) or derived (Nadam's
   * momentum schedule from the iteration count; iterations are 0 when the era does not save them).
   * A list that does not fit throws and leaves the optimizer unchanged.
   *
   * @throws {ShapeMismatchError} if the count or a shape differs from the era's layout.
   */
  setWeightsFrom(values: readonly Tensor[], layout: OptimizerWeightsLayout): void {
    if (layout === 'keras3') {
      this.setWeights(values);
      return;
    }
    if (!this.built) throw new ConfigError(`optimizer "${this.name}" must be built before its state is restored`, this.name);
    if (layout === 'tf.keras-2.11') {
      const withLr = [values[0]!, new Tensor(new Float32Array([this.schedule ? 0 : this.learningRate]), []), ...values.slice(1)];
      const full = this.schedule ? values.slice() : withLr;
      if (this.className === 'Nadam') full.push(new Tensor(new Float32Array([1]), []));
      this.setWeights(full);
      if (this.className === 'Nadam') this.restoreUProduct();
      return;
    }
    const expected = this.getVariablesFor(layout);
    if (values.length !== expected.length) {
      throw new ShapeMismatchError(`a ${layout} ${this.className} state has ${expected.length} arrays for this model, got ${values.length}`, [expected.length], [values.length], this.name);
    }
    values.forEach((v, i) => {
      const want = expected[i]!.value.shape;
      const ok = v.shape.length === want.length ? v.shape.every((d, k) => d === want[k]) : v.size === 1 && want.length === 0;
      if (!ok) throw new ShapeMismatchError(`${layout} optimizer weight ${i} (${expected[i]!.name}) does not fit`, want, v.shape, this.name);
    });
    const entries = this.layoutEntries(layout);
    let k = 0;
    let sawIteration = false;
    let sawUProduct = false;
    const pending: (() => void)[] = [];
    for (const e of entries) {
      if ('scalar' in e) {
        const val = values[k++]!.data[0]!;
        if (e.scalar === 'iteration') {
          if (!Number.isInteger(val) || val < 0) throw new ConfigError(`the iteration count must be a non-negative integer, got ${val}`, this.name);
          sawIteration = true;
          pending.push(() => void (this.iterations = val));
        } else if (e.scalar === 'u_product') {
          sawUProduct = true;
          pending.push(() => void this.setUProduct(val));
        }
        continue;
      }
      const slots = this.slotsOf(e.kind);
      for (let i = 0; i < (this.variables ?? []).length; i++) {
        const v = values[k++]!;
        const slot = slots[i];
        if (slot && !e.zeros && e.shape !== 'one') pending.push(() => slot.data.set(v.data));
      }
    }
    for (const p of pending) p();
    if (!sawIteration) this.iterations = 0;
    if (this.className === 'Nadam' && !sawUProduct) this.restoreUProduct();
  }

  /** Nadam's momentum-schedule product (1 for other optimizers). */
  protected uProductValue(): number {
    return 1;
  }
  /** Sets Nadam's momentum-schedule product. */
  protected setUProduct(_v: number): void {}
  /** Recomputes Nadam's momentum-schedule product from the iteration count. */
  protected restoreUProduct(): void {}

  /** The optimizer-specific config keys (after the base ones), Keras 3 names. */
  protected abstract specificConfig(): JsonObject;

  /** The Keras 3 `optimizer_config`: `{class_name, config}` exactly as Keras 3.15.1 writes it. */
  getConfig(): OptimizerConfig {
    const lr: JsonValue = this.lr instanceof LearningRateSchedule ? this.lr.serialize() : this.lr;
    return {
      class_name: this.className,
      config: {
        name: this.name,
        learning_rate: lr,
        weight_decay: this.weightDecay,
        clipnorm: this.clipnorm,
        global_clipnorm: this.globalClipnorm,
        clipvalue: this.clipvalue,
        use_ema: false,
        ema_momentum: 0.99,
        ema_overwrite_frequency: null,
        loss_scale_factor: this.lossScaleFactor,
        gradient_accumulation_steps: null,
        ...this.specificConfig(),
      },
    };
  }
}

/* ---------------------------------------------------------------------------------------------- */

/** Options of {@link SGD}. */
export interface SgdOptions extends OptimizerOptions {
  /** Default 0 (no momentum slots). */
  momentum?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
}

/** Stochastic gradient descent, with optional (Nesterov) momentum. Default learning rate 0.01. */
export class SGD extends Optimizer {
  readonly className: string = 'SGD';
  readonly momentum: number;
  readonly nesterov: boolean;
  private momentums: Float32Array[] = [];
  constructor(options: SgdOptions = {}) {
    super(0.01, 'sgd', options, { className: 'SGD', keys: ['momentum', 'nesterov'] });
    this.momentum = options.momentum ?? 0;
    this.nesterov = options.nesterov ?? false;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ConfigError(`momentum must be in [0, 1], got ${this.momentum}`, this.name);
  }
  protected createSlots(): void {
    this.momentums = this.momentum !== 0 ? this.addSlots(['momentum'])[0]! : [];
  }
  protected updateStep(g: Float32Array, w: Float32Array, index: number, lr: number): void {
    if (this.momentum !== 0) {
      const m = this.momentums[index]!;
      const mom = f(this.momentum);
      for (let p = 0; p < w.length; p++) {
        m[p] = f(f(m[p]! * mom) - f(g[p]! * lr));
        if (this.nesterov) w[p] = f(w[p]! + f(f(m[p]! * mom) - f(g[p]! * lr)));
        else w[p] = f(w[p]! + m[p]!);
      }
    } else {
      for (let p = 0; p < w.length; p++) w[p] = f(w[p]! - f(g[p]! * lr));
    }
  }
  protected override legacyLayout(layout: Exclude<OptimizerWeightsLayout, 'keras3' | 'tf.keras-2.11'>): LayoutEntry[] {
    if (layout === 'tf.keras-v2') return [{ scalar: 'iteration' }, ...(this.momentum !== 0 ? [{ kind: 'momentum' }] : [])];
    // Keras 2 keeps one moment per variable even without momentum (all zeros then).
    return [{ scalar: 'iteration' }, { kind: 'momentum', zeros: this.momentum === 0 }];
  }
  protected specificConfig(): JsonObject {
    return { momentum: this.momentum, nesterov: this.nesterov };
  }
}

/** Options of {@link Adam}. */
export interface AdamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  amsgrad?: boolean;
}

/** Adam (Kingma & Ba), optionally AMSGrad. Defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
export class Adam extends Optimizer {
  readonly className: string = 'Adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private vhat: Float32Array[] = [];
  constructor(options: AdamOptions = {}) {
    super(0.001, 'adam', options, { className: 'Adam', keys: ['beta1', 'beta2', 'epsilon', 'amsgrad'] });
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.amsgrad = options.amsgrad ?? false;
  }
  protected createSlots(): void {
    [this.m, this.v] = this.addSlots(['momentum', 'velocity']) as [Float32Array[], Float32Array[]];
    this.vhat = this.amsgrad ? this.addSlots(['velocity_hat'])[0]! : [];
  }
  protected updateStep(g: Float32Array, w: Float32Array, index: number, lr: number): void {
    const t = f(this.iterations + 1);
    const b1p = f(Math.pow(f(this.beta1), t));
    const b2p = f(Math.pow(f(this.beta2), t));
    const alpha = f(f(lr * f(Math.sqrt(f(1 - b2p)))) / f(1 - b1p));
    const c1 = f(1 - this.beta1);
    const c2 = f(1 - this.beta2);
    const eps = f(this.epsilon);
    adamUpdate(w, g, this.m[index]!, this.v[index]!, this.amsgrad ? this.vhat[index]! : null, { alpha, c1, c2, epsilon: eps });
  }
  protected override legacyLayout(layout: Exclude<OptimizerWeightsLayout, 'keras3' | 'tf.keras-2.11'>): LayoutEntry[] {
    const mv: LayoutEntry[] = [{ scalar: 'iteration' }, { kind: 'momentum' }, { kind: 'velocity' }];
    if (layout === 'keras-2.0') {
      if (this.amsgrad) throw new UnsupportedError('Keras 2.0.x Adam has no amsgrad; its optimizer_weights cannot hold this state', this.name);
      return mv;
    }
    if (layout === 'tf.keras-v2') return this.amsgrad ? [...mv, { kind: 'velocity_hat' }] : mv;
    return [...mv, this.amsgrad ? { kind: 'velocity_hat' } : { kind: 'velocity_hat', shape: 'one' }];
  }
  protected specificConfig(): JsonObject {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon, amsgrad: this.amsgrad };
  }
}

/** Options of {@link RMSprop}. */
export interface RmspropOptions extends OptimizerOptions {
  rho?: number;
  momentum?: number;
  epsilon?: number;
  centered?: boolean;
}

/** RMSprop, optionally with momentum and centered. Defaults: lr 0.001, rho 0.9, momentum 0, epsilon 1e-7. */
export class RMSprop extends Optimizer {
  readonly className: string = 'RMSprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;
  private velocities: Float32Array[] = [];
  private momentums: Float32Array[] = [];
  private averageGradients: Float32Array[] = [];
  constructor(options: RmspropOptions = {}) {
    super(0.001, 'rm_sprop', options, { className: 'RMSprop', keys: ['rho', 'momentum', 'epsilon', 'centered'] });
    this.rho = options.rho ?? 0.9;
    this.momentum = options.momentum ?? 0;
    this.epsilon = options.epsilon ?? 1e-7;
    this.centered = options.centered ?? false;
  }
  protected createSlots(): void {
    this.velocities = this.addSlots(['velocity'])[0]!;
    this.momentums = this.momentum > 0 ? this.addSlots(['momentum'])[0]! : [];
    this.averageGradients = this.centered ? this.addSlots(['average_gradient'])[0]! : [];
  }
  protected updateStep(g: Float32Array, w: Float32Array, index: number, lr: number): void {
    const rho = f(this.rho);
    const c = f(1 - this.rho);
    const eps = f(this.epsilon);
    const mom = f(this.momentum);
    const vel = this.velocities[index]!;
    const ms = this.momentum > 0 ? this.momentums[index]! : null;
    const ag = this.centered ? this.averageGradients[index]! : null;
    for (let p = 0; p < w.length; p++) {
      const gp = g[p]!;
      vel[p] = f(f(rho * vel[p]!) + f(c * f(gp * gp)));
      let den: number;
      if (ag) {
        ag[p] = f(f(rho * ag[p]!) + f(c * gp));
        den = f(f(vel[p]! - f(ag[p]! * ag[p]!)) + eps);
      } else den = f(vel[p]! + eps);
      const inc = f(f(lr * gp) / f(Math.sqrt(den)));
      if (ms) {
        ms[p] = f(f(mom * ms[p]!) + inc);
        w[p] = f(w[p]! - ms[p]!);
      } else w[p] = f(w[p]! - inc);
    }
  }
  protected override legacyLayout(layout: Exclude<OptimizerWeightsLayout, 'keras3' | 'tf.keras-2.11'>): LayoutEntry[] {
    if (layout === 'tf.keras-v2') {
      return [{ scalar: 'iteration' }, { kind: 'velocity' }, ...(this.momentum > 0 ? [{ kind: 'momentum' }] : []), ...(this.centered ? [{ kind: 'average_gradient' }] : [])];
    }
    if (this.momentum > 0 || this.centered) {
      throw new UnsupportedError(`Keras 2 RMSprop has no momentum or centered variant; a ${layout} file cannot hold this state`, this.name);
    }
    return layout === 'keras-2.3' ? [{ scalar: 'iteration' }, { kind: 'velocity' }] : [{ kind: 'velocity' }];
  }
  protected specificConfig(): JsonObject {
    return { rho: this.rho, momentum: this.momentum, epsilon: this.epsilon, centered: this.centered };
  }
}

/** Options of {@link Adagrad}. */
export interface AdagradOptions extends OptimizerOptions {
  initialAccumulatorValue?: number;
  epsilon?: number;
}

/** Adagrad. Defaults: lr 0.001, initial accumulator 0.1, epsilon 1e-7. */
export class Adagrad extends Optimizer {
  readonly className: string = 'Adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;
  private accumulators: Float32Array[] = [];
  constructor(options: AdagradOptions = {}) {
    super(0.001, 'adagrad', options, { className: 'Adagrad', keys: ['initialAccumulatorValue', 'epsilon'] });
    this.initialAccumulatorValue = options.initialAccumulatorValue ?? 0.1;
    this.epsilon = options.epsilon ?? 1e-7;
  }
  protected createSlots(): void {
    this.accumulators = this.addSlots(['accumulator'], f(this.initialAccumulatorValue))[0]!;
  }
  protected updateStep(g: Float32Array, w: Float32Array, index: number, lr: number): void {
    const acc = this.accumulators[index]!;
    const eps = f(this.epsilon);
    for (let p = 0; p < w.length; p++) {
      const gp = g[p]!;
      acc[p] = f(acc[p]! + f(gp * gp));
      w[p] = f(w[p]! - f(f(lr * gp) / f(Math.sqrt(f(acc[p]! + eps)))));
    }
  }
  protected override legacyLayout(layout: Exclude<OptimizerWeightsLayout, 'keras3' | 'tf.keras-2.11'>): LayoutEntry[] {
    return layout === 'keras-2.3' || layout === 'tf.keras-v2' ? [{ scalar: 'iteration' }, { kind: 'accumulator' }] : [{ kind: 'accumulator' }];
  }
  protected specificConfig(): JsonObject {
    return { initial_accumulator_value: this.initialAccumulatorValue, epsilon: this.epsilon };
  }
}

/** Options of {@link Adadelta}. */
export interface AdadeltaOptions extends OptimizerOptions {
  rho?: number;
  epsilon?: number;
}

/** Adadelta. Defaults (Keras 3): lr 0.001, rho 0.95, epsilon 1e-7. */
export class Adadelta extends Optimizer {
  readonly className: string = 'Adadelta';
  readonly rho: number;
  readonly epsilon: number;
  private accGrads: Float32Array[] = [];
  private accDeltas: Float32Array[] = [];
  constructor(options: AdadeltaOptions = {}) {
    super(0.001, 'adadelta', options, { className: 'Adadelta', keys: ['rho', 'epsilon'] });
    this.rho = options.rho ?? 0.95;
    this.epsilon = options.epsilon ?? 1e-7;
  }
  protected createSlots(): void {
    [this.accGrads, this.accDeltas] = this.addSlots(['accumulated_grad', 'accumulated_delta_var']) as [Float32Array[], Float32Array[]];
  }
  protected updateStep(g: Float32Array, w: Float32Array, index: number, lr: number): void {
    const rho = f(this.rho);
    const c = f(1 - this.rho);
    const eps = f(this.epsilon);
    const ag = this.accGrads[index]!;
    const ad = this.accDeltas[index]!;
    for (let p = 0; p < w.length; p++) {
      const gp = g[p]!;
      ag[p] = f(f(rho * ag[p]!) + f(c * f(gp * gp)));
      const delta = -f(f(f(Math.sqrt(f(ad[p]! + eps))) * gp) / f(Math.sqrt(f(ag[p]! + eps))));
      ad[p] = f(f(rho * ad[p]!) + f(c * f(delta * delta)));
      w[p] = f(w[p]! + f(lr * delta));
    }
  }
  protected override legacyLayout(layout: Exclude<OptimizerWeightsLayout, 'keras3' | 'tf.keras-2.11'>): LayoutEntry[] {
    const blocks: LayoutEntry[] = [{ kind: 'accumulated_grad' }, { kind: 'accumulated_delta_var' }];
    return layout === 'keras-2.3' || layout === 'tf.keras-v2' ? [{ scalar: 'iteration' }, ...blocks] : blocks;
  }
  protected specificConfig(): JsonObject {
    return { rho: this.rho, epsilon: this.epsilon };
  }
}

/** Options of {@link Adamax}. */
export interface AdamaxOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

/** Adamax (Adam with the infinity norm). Defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
export class Adamax extends Optimizer {
  readonly className: string = 'Adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  private m: Float32Array[] = [];
  private u: Float32Array[] = [];
  constructor(options: AdamaxOptions = {}) {
    super(0.001, 'adamax', options, { className: 'Adamax', keys: ['beta1', 'beta2', 'epsilon'] });
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
  }
  protected createSlots(): void {
    [this.m, this.u] = this.addSlots(['momentum', 'norm']) as [Float32Array[], Float32Array[]];
  }
  protected updateStep(g: Float32Array, w: Float32Array, index: number, lr: number): void {
    const t = f(this.iterations + 1);
    const b1p = f(Math.pow(f(this.beta1), t));
    const c1 = f(1 - this.beta1);
    const b2 = f(this.beta2);
    const eps = f(this.epsilon);
    const den1 = f(1 - b1p);
    const m = this.m[index]!;
    const u = this.u[index]!;
    for (let p = 0; p < w.length; p++) {
      const gp = g[p]!;
      m[p] = f(m[p]! + f(f(gp - m[p]!) * c1));
      const a = f(b2 * u[p]!);
      const ag = Math.abs(gp);
      u[p] = a > ag ? a : ag;
      w[p] = f(w[p]! - f(f(lr * m[p]!) / f(den1 * f(u[p]! + eps))));
    }
  }
  protected override legacyLayout(): LayoutEntry[] {
    return [{ scalar: 'iteration' }, { kind: 'momentum' }, { kind: 'norm' }];
  }
  protected specificConfig(): JsonObject {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

/** Options of {@link Nadam}. */
export interface NadamOptions extends OptimizerOptions {
  beta1?: number;
  beta2?: number;
  epsilon?: number;
  /**
   * Keras 2's `schedule_decay`: the momentum schedule uses `0.96^(t·scheduleDecay)`. Keras 3 has no
   * such argument and computes `0.96^t` (the default, 1); Keras 2 files say 0.004.
   */
  scheduleDecay?: number;
}

/** Nadam (Adam with Nesterov momentum). Defaults: lr 0.001, beta1 0.9, beta2 0.999, epsilon 1e-7. */
export class Nadam extends Optimizer {
  readonly className: string = 'Nadam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly scheduleDecay: number;
  private m: Float32Array[] = [];
  private v: Float32Array[] = [];
  private uProduct: Float32Array = new Float32Array([1]);
  constructor(options: NadamOptions = {}) {
    super(0.001, 'nadam', options, { className: 'Nadam', keys: ['beta1', 'beta2', 'epsilon', 'scheduleDecay'] });
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.epsilon = options.epsilon ?? 1e-7;
    this.scheduleDecay = options.scheduleDecay ?? 1;
  }
  protected createSlots(): void {
    [this.m, this.v] = this.addSlots(['momentum', 'velocity']) as [Float32Array[], Float32Array[]];
    this.uProduct = this.addScalarSlot('variable', 1, 'u_product');
  }
  private muAt(step: number): number {
    return f(f(this.beta1) * f(1 - f(0.5 * f(Math.pow(f(0.96), f(step * this.scheduleDecay))))));
  }
  protected override beforeUpdates(): void {
    const t = f(this.iterations + 1);
    this.uProduct[0] = f(f(this.uProduct[0]! * f(this.beta1)) * f(1 - f(0.5 * f(Math.pow(f(0.96), f(t * this.scheduleDecay))))));
  }
  protected updateStep(g: Float32Array, w: Float32Array, index: number, lr: number): void {
    const t = f(this.iterations + 1);
    const uT = this.muAt(t);
    const uT1 = this.muAt(f(this.iterations + 2));
    const upT = this.uProduct[0]!;
    const upT1 = f(upT * uT1);
    const b2p = f(Math.pow(f(this.beta2), t));
    const c1 = f(1 - this.beta1);
    const c2 = f(1 - this.beta2);
    const eps = f(this.epsilon);
    const d1 = f(1 - upT1);
    const d0 = f(1 - upT);
    const oneMinusUT = f(1 - uT);
    const dv = f(1 - b2p);
    const m = this.m[index]!;
    const v = this.v[index]!;
    for (let p = 0; p < w.length; p++) {
      const gp = g[p]!;
      m[p] = f(m[p]! + f(f(gp - m[p]!) * c1));
      v[p] = f(v[p]! + f(f(f(gp * gp) - v[p]!) * c2));
      const mHat = f(f(f(uT1 * m[p]!) / d1) + f(f(oneMinusUT * gp) / d0));
      const vHat = f(v[p]! / dv);
      w[p] = f(w[p]! - f(f(mHat * lr) / f(f(Math.sqrt(vHat)) + eps)));
    }
  }
  protected override legacyLayout(layout: Exclude<OptimizerWeightsLayout, 'keras3' | 'tf.keras-2.11'>): LayoutEntry[] {
    const mv: LayoutEntry[] = [{ kind: 'momentum' }, { kind: 'velocity' }];
    return layout === 'keras-2.3' || layout === 'tf.keras-v2' ? [{ scalar: 'iteration' }, { scalar: 'u_product' }, ...mv] : [{ scalar: 'iteration' }, ...mv];
  }
  protected override uProductValue(): number {
    return this.uProduct[0]!;
  }
  protected override setUProduct(v: number): void {
    this.uProduct[0] = v;
  }
  /** u_product after `iterations` steps, computed in float32 step by step as Keras 3 does. */
  protected override restoreUProduct(): void {
    let u = 1;
    for (let t = 1; t <= this.iterations; t++) u = f(f(u * f(this.beta1)) * f(1 - f(0.5 * f(Math.pow(f(0.96), f(t * this.scheduleDecay))))));
    this.uProduct[0] = u;
  }
  protected specificConfig(): JsonObject {
    return { beta_1: this.beta1, beta_2: this.beta2, epsilon: this.epsilon };
  }
}

/* ---------------------------------------------------------------------------------------------- */

type OptimizerFactory = (options: JsonObject) => Optimizer;

const OPTIMIZER_NAMES = ['sgd', 'adam', 'rmsprop', 'adagrad', 'adadelta', 'adamax', 'nadam'] as const;

/** Every optimizer name {@link getOptimizer} accepts (case-insensitive, as Keras). */
export const OPTIMIZERS: readonly string[] = Object.freeze([...OPTIMIZER_NAMES]);

/** Keys of every era that carry no meaning for kerasts' update (ignored when read). */
const IGNORED_KEYS = new Set(['name', 'jit_compile', 'is_legacy_optimizer', 'ema_momentum', 'ema_overwrite_frequency', 'mesh', 'layout_map']);

function readNumber(cfg: JsonObject, key: string, where: string): number | undefined {
  const v = cfg[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new ConfigError(`"${key}" must be a finite number, found ${JSON.stringify(v)}`, `${where}.${key}`);
  return v;
}

function readBool(cfg: JsonObject, key: string, where: string): boolean | undefined {
  const v = cfg[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw new ConfigError(`"${key}" must be true or false, found ${JSON.stringify(v)}`, `${where}.${key}`);
  return v;
}

/** The base options of a config of any era (`lr` or `learning_rate`, `decay`, clipping, weight decay). */
function baseOptions(cfg: JsonObject, where: string, consumed: Set<string>): OptimizerOptions {
  const o: OptimizerOptions = {};
  const take = (k: string): void => void consumed.add(k);
  if (typeof cfg.name === 'string') o.name = cfg.name;
  const lrRaw = cfg.learning_rate !== undefined && cfg.learning_rate !== null ? cfg.learning_rate : cfg.lr;
  take('learning_rate');
  take('lr');
  if (lrRaw !== undefined && lrRaw !== null) {
    if (typeof lrRaw === 'number') o.learningRate = lrRaw;
    else o.learningRate = scheduleFromConfig(lrRaw);
  }
  const decay = readNumber(cfg, 'decay', where);
  take('decay');
  if (decay) o.decay = decay;
  for (const [key, opt] of [
    ['weight_decay', 'weightDecay'],
    ['clipnorm', 'clipnorm'],
    ['clipvalue', 'clipvalue'],
    ['global_clipnorm', 'globalClipnorm'],
    ['loss_scale_factor', 'lossScaleFactor'],
  ] as const) {
    const v = readNumber(cfg, key, where);
    take(key);
    if (v !== undefined) o[opt] = v;
  }
  if (readBool(cfg, 'use_ema', where) === true) throw new UnsupportedError('use_ema=true is not supported by kerasts optimizers', `${where}.use_ema`);
  take('use_ema');
  const gas = cfg.gradient_accumulation_steps;
  if (gas !== undefined && gas !== null) throw new UnsupportedError('gradient_accumulation_steps is not supported by kerasts optimizers', `${where}.gradient_accumulation_steps`);
  take('gradient_accumulation_steps');
  return o;
}

const FACTORIES: Readonly<Record<(typeof OPTIMIZER_NAMES)[number], (cfg: JsonObject, where: string) => Optimizer>> = {
  sgd: (cfg, where) => {
    const used = new Set<string>(['momentum', 'nesterov']);
    const o: SgdOptions = baseOptions(cfg, where, used);
    const m = readNumber(cfg, 'momentum', where);
    if (m !== undefined) o.momentum = m;
    const n = readBool(cfg, 'nesterov', where);
    if (n !== undefined) o.nesterov = n;
    checkKeys(cfg, used, where);
    return new SGD(o);
  },
  adam: (cfg, where) => {
    const used = new Set<string>(['beta_1', 'beta_2', 'epsilon', 'amsgrad']);
    const o: AdamOptions = baseOptions(cfg, where, used);
    const b1 = readNumber(cfg, 'beta_1', where);
    const b2 = readNumber(cfg, 'beta_2', where);
    const e = readNumber(cfg, 'epsilon', where);
    const a = readBool(cfg, 'amsgrad', where);
    if (b1 !== undefined) o.beta1 = b1;
    if (b2 !== undefined) o.beta2 = b2;
    if (e !== undefined) o.epsilon = e;
    if (a !== undefined) o.amsgrad = a;
    checkKeys(cfg, used, where);
    return new Adam(o);
  },
  rmsprop: (cfg, where) => {
    const used = new Set<string>(['rho', 'momentum', 'epsilon', 'centered']);
    const o: RmspropOptions = baseOptions(cfg, where, used);
    const rho = readNumber(cfg, 'rho', where);
    const m = readNumber(cfg, 'momentum', where);
    const e = readNumber(cfg, 'epsilon', where);
    const c = readBool(cfg, 'centered', where);
    if (rho !== undefined) o.rho = rho;
    if (m !== undefined) o.momentum = m;
    if (e !== undefined) o.epsilon = e;
    if (c !== undefined) o.centered = c;
    checkKeys(cfg, used, where);
    return new RMSprop(o);
  },
  adagrad: (cfg, where) => {
    const used = new Set<string>(['initial_accumulator_value', 'epsilon']);
    const o: AdagradOptions = baseOptions(cfg, where, used);
    const i = readNumber(cfg, 'initial_accumulator_value', where);
    const e = readNumber(cfg, 'epsilon', where);
    if (i !== undefined) o.initialAccumulatorValue = i;
    if (e !== undefined) o.epsilon = e;
    checkKeys(cfg, used, where);
    return new Adagrad(o);
  },
  adadelta: (cfg, where) => {
    const used = new Set<string>(['rho', 'epsilon']);
    const o: AdadeltaOptions = baseOptions(cfg, where, used);
    const rho = readNumber(cfg, 'rho', where);
    const e = readNumber(cfg, 'epsilon', where);
    if (rho !== undefined) o.rho = rho;
    if (e !== undefined) o.epsilon = e;
    checkKeys(cfg, used, where);
    return new Adadelta(o);
  },
  adamax: (cfg, where) => {
    const used = new Set<string>(['beta_1', 'beta_2', 'epsilon']);
    const o: AdamaxOptions = baseOptions(cfg, where, used);
    const b1 = readNumber(cfg, 'beta_1', where);
    const b2 = readNumber(cfg, 'beta_2', where);
    const e = readNumber(cfg, 'epsilon', where);
    if (b1 !== undefined) o.beta1 = b1;
    if (b2 !== undefined) o.beta2 = b2;
    if (e !== undefined) o.epsilon = e;
    checkKeys(cfg, used, where);
    return new Adamax(o);
  },
  nadam: (cfg, where) => {
    const used = new Set<string>(['beta_1', 'beta_2', 'epsilon', 'schedule_decay']);
    const o: NadamOptions = baseOptions(cfg, where, used);
    const b1 = readNumber(cfg, 'beta_1', where);
    const b2 = readNumber(cfg, 'beta_2', where);
    const e = readNumber(cfg, 'epsilon', where);
    const sd = readNumber(cfg, 'schedule_decay', where);
    if (b1 !== undefined) o.beta1 = b1;
    if (b2 !== undefined) o.beta2 = b2;
    if (e !== undefined) o.epsilon = e;
    if (sd !== undefined) o.scheduleDecay = sd;
    checkKeys(cfg, used, where);
    return new Nadam(o);
  },
};

function checkKeys(cfg: JsonObject, used: Set<string>, where: string): void {
  const unknown = Object.keys(cfg).filter((k) => !used.has(k) && !IGNORED_KEYS.has(k));
  if (unknown.length) throw new ConfigError(`unknown optimizer argument(s): ${unknown.join(', ')}`, where);
}

/** Anything {@link getOptimizer} accepts: an Optimizer, a name, or an `optimizer_config` of any era. */
export type OptimizerIdentifier = Optimizer | string | JsonObject;

/**
 * An optimizer from its Keras name or config, for every era:
 * - names, case-insensitive: `'adam'`, `'sgd'`, `'rmsprop'`, `'adagrad'`, `'adadelta'`, `'adamax'`,
 *   `'nadam'` (Keras 3 defaults);
 * - `{class_name, config}` with class names as Keras 2 (`Adam`), tf.keras 2.11+ (`Custom>Adam`),
 *   legacy (`keras.optimizers.legacy.Adam`) or Keras 3 module form (`{module, class_name, config}`)
 *   wrote them; keys of every era: `lr` or `learning_rate`, Keras 2's `decay` (time-based decay),
 *   Nadam's `schedule_decay`, learning-rate schedules; `jit_compile`, `is_legacy_optimizer` ignored.
 *
 * @throws {UnsupportedError} for an unknown optimizer or an unsupported setting (EMA, gradient accumulation).
 * @throws {ConfigError} for a malformed config or unknown arguments.
 */
export function getOptimizer(identifier: OptimizerIdentifier): Optimizer {
  if (identifier instanceof Optimizer) return identifier;
  if (typeof identifier === 'string') return optimizerFromConfig({ class_name: identifier, config: {} });
  return optimizerFromConfig(identifier);
}

/**
 * An optimizer from an `optimizer_config` (`{class_name, config}` of any era) or a name. See
 * {@link getOptimizer}.
 */
export function optimizerFromConfig(config: JsonObject | string): Optimizer {
  if (typeof config === 'string') return getOptimizer(config);
  const raw = config.class_name;
  if (typeof raw !== 'string') throw new ConfigError(`an optimizer config needs a string "class_name", found ${JSON.stringify(raw)}`, 'optimizer_config');
  const base = raw.replace(/^.*[>.]/, '');
  const key = base.toLowerCase() as (typeof OPTIMIZER_NAMES)[number];
  // own properties only: "constructor" or "__proto__" must not find Object.prototype's members
  const factory = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
  if (!factory) {
    throw new UnsupportedError(`unknown optimizer '${raw}'; supported: SGD, Adam, RMSprop, Adagrad, Adadelta, Adamax, Nadam`, 'optimizer_config.class_name');
  }
  const cfg = config.config ?? {};
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) throw new ConfigError('an optimizer "config" must be an object', 'optimizer_config.config');
  return factory(cfg, 'optimizer_config.config');
}
