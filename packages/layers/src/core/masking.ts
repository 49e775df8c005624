import { Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import { Layer, type LayerOptions, type LayerTape, type Mask, type TrainCallContext } from '../engine/layer.js';
import { layerArgs } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link Masking}. */
export interface MaskingOptions extends LayerOptions {
  /** A timestep whose features all equal this value is masked (default 0). */
  maskValue?: number;
}

/**
 * Masks timesteps (Keras `Masking`): a position whose features (the last axis) all equal
 * `maskValue` is masked for the layers downstream and set to 0 in the output; the others pass
 * unchanged. The mask replaces any incoming one.
 */
export class Masking extends Layer {
  readonly className: string = 'Masking';
  readonly maskValue: number;
  override readonly supportsMasking: boolean = true;

  /** `new Masking(maskValue?, options?)` or `new Masking({ maskValue })`, as Keras' `Masking(mask_value=0.0)`. */
  constructor(maskValue?: number, options?: Omit<MaskingOptions, 'maskValue'>);
  constructor(options?: MaskingOptions);
  constructor(a?: number | MaskingOptions, more?: Omit<MaskingOptions, 'maskValue'>) {
    const options = layerArgs<MaskingOptions>('Masking', [a, more], { positional: ['maskValue'], required: [], keys: { maskValue: true } });
    super(options, 'masking');
    this.maskValue = options.maskValue ?? 0;
  }

  computeOutputShape(inputShape: Shape): Shape {
    return inputShape;
  }

  /** 1 where some feature differs from `maskValue`, over every axis but the last. */
  private keep(input: Tensor): Float32Array {
    const F = input.rank === 0 ? 1 : input.shape[input.rank - 1]!;
    const rows = F === 0 ? 0 : input.size / F;
    const keep = new Float32Array(rows);
    const d = input.data;
    const mv = this.maskValue;
    for (let r = 0; r < rows; r++) {
      let any = 0;
      for (let j = r * F, e = j + F; j < e; j++) {
        if (d[j] !== mv) {
          any = 1;
          break;
        }
      }
      keep[r] = any;
    }
    return keep;
  }

  private apply0(input: Tensor, keep: Float32Array): Tensor {
    const F = input.rank === 0 ? 1 : input.shape[input.rank - 1]!;
    const out = new Float32Array(input.size);
    for (let r = 0; r < keep.length; r++) if (keep[r]) out.set(input.data.subarray(r * F, (r + 1) * F), r * F);
    return new Tensor(out, input.shape);
  }

  call(input: Tensor): Tensor {
    return this.apply0(input, this.keep(input));
  }

  override computeMask(input: Tensor, _mask: Mask | null): Mask | null {
    return new Tensor(this.keep(input), input.shape.slice(0, -1));
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const keep = this.keep(input);
    return {
      output: this.apply0(input, keep),
      backward: (d: Tensor) => ({ dInput: ctx.needInputGrad ? this.apply0(d, keep) : null, weightGrads: new Map() }),
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), mask_value: this.maskValue };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Masking {
    const r = new ConfigReader(config, 'Masking');
    return new Masking({ ...r.baseOptions(), maskValue: r.number('mask_value', 0) });
  }
}
