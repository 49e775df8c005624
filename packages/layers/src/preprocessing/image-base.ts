/**
 * What Keras' image preprocessing layers share (`BaseImagePreprocessingLayer` in Keras 3,
 * `keras.layers.experimental.preprocessing.*` in tf.keras 2.x): a `data_format`, Keras 3's optional
 * `bounding_box_format`, and arguments declared once as a table so that reading a config, checking
 * it and writing it back are the same code for every layer. Arguments are kept as Keras wrote them
 * (a `factor` of `0.2` stays `0.2`, `[-0.2, 0.2]` stays a list), so a config goes back to Keras unchanged.
 */
import { affineTransform, affineTransformBackward, ConfigError, ShapeMismatchError, Tensor, type AffineFillMode } from '@kerasts/tensor';
import { readDataFormat, type DataFormat } from '../engine/data-format.js';
import { cloneJson, showValue, type JsonObject, type JsonValue } from '../engine/json.js';
import { identityTape, Layer, type CallContext, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { ConfigReader } from '../engine/config-reader.js';
import { layerArgs } from '../engine/options.js';
import { formatShape, type Shape } from '../engine/shape.js';

/** A range Keras draws from: `f` means `[-f, f]` (or `[0, f]` where Keras bounds it), or `[lower, upper]`. */
export type Factor = number | readonly [number, number];

/** The value range of the pixels (e.g. `[0, 255]` or `[0, 1]`). */
export type ValueRange = readonly [number, number];

/** How affine augmentations fill pixels from outside the image. */
export type FillMode = 'reflect' | 'wrap' | 'constant' | 'nearest';

/** Base options of every image preprocessing layer. */
export interface ImageLayerOptions extends LayerOptions {
  /** Where the channels are (default `channels_last`). */
  dataFormat?: DataFormat;
  /** Keras 3's bounding-box format (only matters for dict inputs, which kerasts models do not take); kept for saving. */
  boundingBoxFormat?: string | null;
}

/** How an argument is checked. */
export type ArgKind =
  | 'factor'
  | 'factorOrNull'
  | 'range'
  | 'number'
  | 'numberOrNull'
  | 'positiveInt'
  | 'bool'
  | 'seed'
  | 'intPair'
  | 'numberPair'
  | { readonly oneOf: readonly string[] };

/** One Keras argument of a layer: its config key, option name, kind and Keras 3's default. */
export interface ArgSpec {
  readonly key: string;
  readonly option: string;
  readonly kind: ArgKind;
  /** Keras 3's default, written when a config lacks the key; absent for required arguments. */
  readonly dflt?: JsonValue;
}

/** A layer class's arguments, in Keras' positional order first. */
export interface ArgTable {
  readonly className: string;
  readonly prefix: string;
  readonly positional: readonly string[];
  readonly args: readonly ArgSpec[];
}

const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isPair = (v: unknown, int: boolean): boolean => Array.isArray(v) && v.length === 2 && v.every((e) => isNum(e) && (!int || Number.isInteger(e)));

function expected(kind: ArgKind): string {
  if (typeof kind === 'object') return `one of ${kind.oneOf.map((s) => JSON.stringify(s)).join(', ')}`;
  switch (kind) {
    case 'factor':
      return 'a number or a list of two numbers';
    case 'factorOrNull':
      return 'a number, a list of two numbers or null';
    case 'range':
    case 'numberPair':
      return 'a list of two numbers';
    case 'number':
      return 'a finite number';
    case 'numberOrNull':
      return 'a finite number or null';
    case 'positiveInt':
      return 'an integer >= 1';
    case 'bool':
      return 'true or false';
    case 'seed':
      return 'an integer or null';
    case 'intPair':
      return 'an integer or a list of two integers';
  }
}

function fits(kind: ArgKind, v: JsonValue): boolean {
  if (typeof kind === 'object') return typeof v === 'string' && kind.oneOf.includes(v);
  switch (kind) {
    case 'factor':
      return isNum(v) || isPair(v, false);
    case 'factorOrNull':
      return v === null || isNum(v) || isPair(v, false);
    case 'range':
    case 'numberPair':
      return isPair(v, false);
    case 'number':
      return isNum(v);
    case 'numberOrNull':
      return v === null || isNum(v);
    case 'positiveInt':
      return isNum(v) && Number.isInteger(v) && v >= 1;
    case 'bool':
      return typeof v === 'boolean';
    case 'seed':
      return v === null || (isNum(v) && Number.isInteger(v));
    case 'intPair':
      return (isNum(v) && Number.isInteger(v)) || isPair(v, true);
  }
}

/** Options → checked Keras arguments (config keys, Keras 3 defaults filled in). */
function readArgs(table: ArgTable, options: Readonly<Record<string, unknown>>, where: string): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const a of table.args) {
    let v = options[a.option] as JsonValue | undefined;
    if (v === undefined) {
      if (a.dflt === undefined) throw new ConfigError(`${table.className} needs "${a.option}"`, where);
      v = a.dflt;
    }
    if (!fits(a.kind, v)) throw new ConfigError(`"${a.key}" must be ${expected(a.kind)}, found ${showValue(v)}`, where);
    out[a.key] = cloneJson(v);
  }
  return out;
}

/** `[lower, upper]` of a factor as Keras' `_set_factor` reads it (a number `f` → `[max(-f, lo), f]`), checked against Keras' bounds. */
export function factorRange(v: JsonValue, bounds: readonly [number, number], key: string, where: string): [number, number] {
  let lower: number;
  let upper: number;
  if (Array.isArray(v)) {
    [lower, upper] = [Math.min(v[0] as number, v[1] as number), Math.max(v[0] as number, v[1] as number)];
    if ((v[0] as number) > bounds[1] || (v[1] as number) < bounds[0]) throw new ConfigError(`"${key}" must lie in [${bounds[0]}, ${bounds[1]}], found ${showValue(v)}`, where);
  } else {
    const f = v as number;
    if (f < bounds[0] || f > bounds[1]) throw new ConfigError(`"${key}" must lie in [${bounds[0]}, ${bounds[1]}], found ${f}`, where);
    const a = Math.abs(f);
    [lower, upper] = [Math.max(-a, bounds[0]), a];
  }
  return [lower, upper];
}

/**
 * An image preprocessing layer: arguments from a table, `data_format`, rank-4 image batches
 * (`(batch, height, width, channels)` or channels first).
 */
export abstract class ImagePreprocessingLayer extends Layer {
  readonly dataFormat: DataFormat;
  readonly boundingBoxFormat: string | null;
  /** The Keras arguments as Keras writes them (config keys; not base keys or `data_format`). */
  protected readonly args: Readonly<Record<string, JsonValue>>;
  protected readonly where: string;

  protected constructor(table: ArgTable, options: ImageLayerOptions) {
    super(options, table.prefix);
    this.where = `layer "${this.name}" (${table.className})`;
    this.dataFormat = readDataFormat(options.dataFormat, this.where);
    const bbf = options.boundingBoxFormat ?? null;
    if (bbf !== null && typeof bbf !== 'string') throw new ConfigError(`"bounding_box_format" must be a string or null, found ${showValue(bbf as JsonValue)}`, this.where);
    this.boundingBoxFormat = bbf;
    this.args = readArgs(table, options as unknown as Readonly<Record<string, unknown>>, this.where);
  }

  /** The value of Keras argument `key` as kept. */
  protected arg(key: string): JsonValue {
    return this.args[key] ?? null;
  }

  /** Keras' arguments as kept, by config key (`factor`, `fill_mode`, ...; not `data_format`). */
  get kerasArgs(): JsonObject {
    const o: JsonObject = {};
    for (const [k, v] of Object.entries(this.args)) o[k] = cloneJson(v);
    return o;
  }

  /** Height and width axes of a rank-4 batch. */
  protected spatialAxes(): [number, number] {
    return this.dataFormat === 'channels_last' ? [1, 2] : [2, 3];
  }

  /** Refuse anything but a batch of images. */
  protected expectImages(shape: Shape): void {
    if (shape.length !== 4) {
      throw new ShapeMismatchError(`${this.where} expects a batch of images (rank 4, ${this.dataFormat === 'channels_last' ? '(batch, height, width, channels)' : '(batch, channels, height, width)'}), got input of shape ${formatShape(shape)}`, [], shape, this.name);
    }
  }

  override getConfig(): JsonObject {
    const cfg: JsonObject = { ...super.getConfig(), data_format: this.dataFormat };
    if (this.boundingBoxFormat !== null) cfg.bounding_box_format = this.boundingBoxFormat;
    for (const [k, v] of Object.entries(this.args)) cfg[k] = cloneJson(v);
    return cfg;
  }
}

/** Read a class's constructor arguments (positional first, then options) against its table. */
export function imageLayerArgs<O extends object>(table: ArgTable, args: readonly unknown[]): O {
  const keys: Record<string, true> = { dataFormat: true, boundingBoxFormat: true };
  for (const a of table.args) keys[a.option] = true;
  return layerArgs<O>(table.className, args, { positional: table.positional, required: table.args.filter((a) => a.dflt === undefined).map((a) => a.option), keys });
}

/** Options for a class from a canonical config (config keys → option names), with the base options. */
export function imageOptionsFromConfig(table: ArgTable, config: JsonObject): ImageLayerOptions & Record<string, unknown> {
  const r = new ConfigReader(config, table.className);
  const o: ImageLayerOptions & Record<string, unknown> = { ...r.baseOptions(), dataFormat: readDataFormat(config.data_format, r.where) };
  if (config.bounding_box_format !== undefined && config.bounding_box_format !== null) o.boundingBoxFormat = r.string('bounding_box_format', '');
  for (const a of table.args) {
    const v = config[a.key];
    if (v !== undefined) o[a.option] = cloneJson(v);
  }
  return o;
}

/**
 * A random augmentation layer: the identity at inference, as in Keras; in training (`fit`) the
 * subclass's {@link augment} applies Keras 3's transform with draws from kerasts' seeded random
 * stream (not Keras' stream: a fit matches Keras in distribution, not draw for draw), or the layer
 * stays the identity where kerasts does not implement the transform ({@link augmentsInTraining}).
 */
export abstract class RandomImageLayer extends ImagePreprocessingLayer {
  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  call(input: Tensor, _ctx: CallContext): Tensor {
    // Keras checks the rank even at inference (rank 3 is one unbatched image there).
    if (input.rank !== 3 && input.rank !== 4) this.expectImages(input.shape);
    return input;
  }

  /**
   * The training-mode transform of a batch, or null for the identity. Default: the identity (the
   * layer's Keras transform is not implemented in kerasts).
   */
  protected augment(_input: Tensor, _ctx: TrainCallContext): LayerTape | null {
    return null;
  }

  /** Whether kerasts applies this layer's transform in training (false: the identity, unlike Keras). */
  get augmentsInTraining(): boolean {
    return false;
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    this.call(input, ctx);
    if (!ctx.training || !ctx.random || input.rank !== 4) return identityTape(input, ctx.needInputGrad);
    return this.augment(input, ctx) ?? identityTape(input, ctx.needInputGrad);
  }
}

/**
 * The training tape of Keras 3's `affine_transform` with one 8-number transform per image (see
 * `@kerasts/tensor`'s `affineTransform`), as RandomRotation, RandomZoom and RandomTranslation use it.
 */
export function affineTape(input: Tensor, transforms: Float32Array, options: { interpolation: 'bilinear' | 'nearest'; fillMode: FillMode; fillValue: number; layout: DataFormat }, ctx: TrainCallContext): LayerTape {
  const o = { interpolation: options.interpolation, fillMode: options.fillMode as AffineFillMode, fillValue: options.fillValue, layout: options.layout };
  const output = new Tensor(affineTransform(input.data, input.shape, transforms, o), input.shape);
  return {
    output,
    backward: (d: Tensor) => ({ dInput: ctx.needInputGrad ? new Tensor(affineTransformBackward(d.data, input.shape, transforms, o), input.shape) : null, weightGrads: new Map() }),
  };
}

/** `[lower, upper]` of RandomZoom's and RandomTranslation's factors (a number `f` → `[-|f|, |f|]`; Keras checks them against (-1, 1]). */
export function signedRange(v: JsonValue, key: string, where: string, lowerOpen: boolean): [number, number] {
  const inRange = (x: number): boolean => x <= 1 && (lowerOpen ? x > -1 : x >= -1);
  const vals = Array.isArray(v) ? (v as number[]) : [v as number];
  for (const x of vals) if (!inRange(x)) throw new ConfigError(`"${key}" must lie in ${lowerOpen ? '(-1, 1]' : '[-1, 1]'}, found ${showValue(v)}`, where);
  if (Array.isArray(v)) return [Math.min(vals[0]!, vals[1]!), Math.max(vals[0]!, vals[1]!)];
  const a = Math.abs(vals[0]!);
  return [-a, a];
}
