/** What SpatialDropout1D/2D/3D share: Dropout whose mask is drawn once per feature map. */
import { ConfigError, type Tensor } from '@kerasts/tensor';
import { ConfigReader } from '../engine/config-reader.js';
import type { JsonObject } from '../engine/json.js';
import type { LayerOptions } from '../engine/layer.js';
import { uniqueName } from '../engine/naming.js';
import { layerArgs } from '../engine/options.js';
import type { Shape } from '../engine/shape.js';
import { Dropout } from './dropout.js';

/** Options of the spatial dropout layers. */
export interface SpatialDropoutOptions extends LayerOptions {
  rate: number;
  /** `channels_last` (default) or `channels_first` (2D/3D only; 1D is always channels last). */
  dataFormat?: 'channels_last' | 'channels_first';
  seed?: number | null;
}

/**
 * Dropout that drops whole feature maps (Keras `SpatialDropout1D/2D/3D`): one draw per sample and
 * channel, shared along the spatial axes. Identity at inference.
 */
export abstract class SpatialDropout extends Dropout {
  readonly dataFormat: 'channels_last' | 'channels_first';
  /** Rank of the input (3 for 1D, 4 for 2D, 5 for 3D). */
  protected abstract readonly inputRank: number;

  protected constructor(className: string, prefix: string, args: readonly unknown[], withDataFormat: boolean) {
    const keys: Record<string, true> = withDataFormat ? { rate: true, seed: true, dataFormat: true } : { rate: true, seed: true };
    const o = layerArgs<SpatialDropoutOptions>(className, args, { positional: ['rate'], keys });
    const { dataFormat, ...rest } = o;
    super({ ...rest, name: rest.name ?? uniqueName(prefix) });
    const df = dataFormat ?? 'channels_last';
    if (df !== 'channels_last' && df !== 'channels_first') throw new ConfigError(`${className}: data_format must be channels_last or channels_first, got ${String(df)}`, this.name);
    this.dataFormat = df;
  }

  protected override buildWeights(inputShape: Shape): void {
    this.expectRank(inputShape, this.inputRank, `a ${this.inputRank}-D input`);
  }

  protected override noiseShapeFor(input: Tensor): number[] {
    const s = input.shape;
    const cf = this.dataFormat === 'channels_first';
    return s.map((d, i) => (i === 0 || (cf ? i === 1 : i === s.length - 1) ? d : 1));
  }

  override getConfig(): JsonObject {
    const { noise_shape: _n, ...rest } = super.getConfig();
    return this.inputRank > 3 ? { ...rest, data_format: this.dataFormat } : rest;
  }

  /** The options a config holds. */
  protected static readSpatial(config: JsonObject, className: string): SpatialDropoutOptions {
    const r = new ConfigReader(config, className);
    const df = r.string('data_format', 'channels_last');
    return {
      ...r.baseOptions(),
      rate: r.number('rate', 0),
      dataFormat: df === 'channels_first' ? 'channels_first' : 'channels_last',
      seed: config.seed === undefined || config.seed === null ? null : r.int('seed', 0),
    };
  }
}
