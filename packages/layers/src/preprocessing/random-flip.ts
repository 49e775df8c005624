import { Tensor } from '@kerasts/tensor';
import type { JsonObject } from '../engine/json.js';
import type { LayerTape, TrainCallContext } from '../engine/layer.js';
import { imageLayerArgs, imageOptionsFromConfig, RandomImageLayer, type ArgTable, type ImageLayerOptions } from './image-base.js';

/** Which axes {@link RandomFlip} flips. */
export type FlipMode = 'horizontal' | 'vertical' | 'horizontal_and_vertical';

/** Options of {@link RandomFlip}. */
export interface RandomFlipOptions extends ImageLayerOptions {
  /** Default `horizontal_and_vertical`. */
  mode?: FlipMode;
  seed?: number | null;
}

const TABLE: ArgTable = {
  className: 'RandomFlip',
  prefix: 'random_flip',
  positional: ['mode'],
  args: [
    { key: 'mode', option: 'mode', kind: { oneOf: ['horizontal', 'vertical', 'horizontal_and_vertical'] }, dflt: 'horizontal_and_vertical' },
    { key: 'seed', option: 'seed', kind: 'seed', dflt: null },
  ],
};

/**
 * Flips images at random in training (Keras' `RandomFlip`); the identity at inference. In training
 * each image is flipped with probability ½ as Keras does — with `horizontal_and_vertical`, one draw
 * flips both axes or neither — from kerasts' seeded random stream.
 */
export class RandomFlip extends RandomImageLayer {
  readonly className: string = 'RandomFlip';
  readonly mode: FlipMode;
  readonly seed: number | null;

  /** `new RandomFlip('horizontal')` or `new RandomFlip({ mode, seed })`. */
  constructor(mode?: FlipMode, options?: Omit<RandomFlipOptions, 'mode'>);
  constructor(options?: RandomFlipOptions);
  constructor(a?: FlipMode | RandomFlipOptions, more?: Omit<RandomFlipOptions, 'mode'>) {
    super(TABLE, imageLayerArgs<RandomFlipOptions>(TABLE, [a, more]));
    this.mode = this.arg('mode') as FlipMode;
    this.seed = this.arg('seed') as number | null;
  }

  override get augmentsInTraining(): boolean {
    return true;
  }

  protected override augment(input: Tensor, ctx: TrainCallContext): LayerTape {
    const n = input.shape[0]!;
    const flips: boolean[] = [];
    for (let b = 0; b < n; b++) flips.push(ctx.random!.uniform() <= 0.5);
    const [ha, wa] = this.spatialAxes();
    const flipH = this.mode !== 'horizontal';
    const flipW = this.mode !== 'vertical';
    const map = flipIndex(input.shape, ha, wa, flips, flipH, flipW);
    const out = new Float32Array(input.size);
    for (let i = 0; i < out.length; i++) out[i] = input.data[map[i]!]!;
    return {
      output: new Tensor(out, input.shape),
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        const dx = new Float32Array(d.size);
        for (let i = 0; i < dx.length; i++) dx[map[i]!] = d.data[i]!;
        return { dInput: new Tensor(dx, input.shape), weightGrads: new Map() };
      },
    };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): RandomFlip {
    return new RandomFlip(imageOptionsFromConfig(TABLE, config) as RandomFlipOptions);
  }
}

/** For each output element, the input element it comes from (a flip is its own inverse). */
function flipIndex(shape: readonly number[], ha: number, wa: number, flips: readonly boolean[], flipH: boolean, flipW: boolean): Int32Array {
  const size = shape.reduce((p, d) => p * d, 1);
  const strides = [1, 1, 1, 1];
  for (let a = 2; a >= 0; a--) strides[a] = strides[a + 1]! * shape[a + 1]!;
  const map = new Int32Array(size);
  for (let i = 0; i < size; i++) {
    const b = Math.floor(i / strides[0]!);
    if (!flips[b]) {
      map[i] = i;
      continue;
    }
    let src = i;
    if (flipH) {
      const y = Math.floor(i / strides[ha]!) % shape[ha]!;
      src += (shape[ha]! - 1 - 2 * y) * strides[ha]!;
    }
    if (flipW) {
      const x = Math.floor(i / strides[wa]!) % shape[wa]!;
      src += (shape[wa]! - 1 - 2 * x) * strides[wa]!;
    }
    map[i] = src;
  }
  return map;
}
