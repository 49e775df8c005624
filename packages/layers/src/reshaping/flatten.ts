import { Tensor, transpose } from '@kerasts/tensor';
import { readDataFormat, type DataFormat } from '../engine/data-format.js';
import { ConfigReader } from '../engine/config-reader.js';
import { Layer, type LayerOptions, type LayerTape, type TrainCallContext } from '../engine/layer.js';
import { layerArgs, type OptionKeys } from '../engine/options.js';
import type { JsonObject } from '../engine/json.js';
import type { Shape } from '../engine/shape.js';

/** Options of {@link Flatten}. */
export interface FlattenOptions extends LayerOptions {
  /**
   * `channels_first`: the input is (batch, channels, ...) and is flattened in channels_last order
   * (Keras ≥ 2.1 moves the channel axis last first). Default `channels_last`: flattened as stored,
   * which is also what Keras 1 and 2.0 did for any data (they had no `data_format` here).
   */
  dataFormat?: DataFormat;
}

const FLATTEN_KEYS: OptionKeys<FlattenOptions> = { dataFormat: true };

/** The permutation that moves axis 1 last: (0, 2, ..., rank-1, 1). */
function channelsLastPerm(rank: number): number[] {
  const p = [0];
  for (let a = 2; a < rank; a++) p.push(a);
  p.push(1);
  return p;
}

/** Flattens every sample to one axis: (batch, ...) → (batch, product of the rest). */
export class Flatten extends Layer {
  readonly className: string = 'Flatten';
  readonly dataFormat: DataFormat;

  /** `new Flatten()`, `new Flatten('channels_first')` or `new Flatten({ dataFormat })`. */
  constructor(dataFormat?: DataFormat, options?: Omit<FlattenOptions, 'dataFormat'>);
  constructor(options?: FlattenOptions);
  constructor(a?: DataFormat | FlattenOptions, more?: Omit<FlattenOptions, 'dataFormat'>) {
    const options = layerArgs<FlattenOptions>('Flatten', [a, more], { positional: ['dataFormat'], required: [], keys: FLATTEN_KEYS });
    super(options, 'flatten');
    this.dataFormat = readDataFormat(options.dataFormat, `layer "${this.name}" (Flatten)`);
  }

  computeOutputShape(inputShape: Shape): Shape {
    const rest = inputShape.slice(1);
    if (rest.length === 0) return [inputShape[0] ?? null, 1];
    const n = rest.some((d) => d === null) ? null : rest.reduce<number>((p, d) => p * d!, 1);
    return [inputShape[0] ?? null, n];
  }

  private permutes(rank: number): boolean {
    return this.dataFormat === 'channels_first' && rank > 2;
  }

  call(input: Tensor): Tensor {
    const batch = input.shape[0] ?? 1;
    const per = batch === 0 ? 0 : input.size / batch;
    if (!this.permutes(input.rank)) return new Tensor(input.data, [batch, input.rank <= 1 ? 1 : per]);
    return new Tensor(transpose(input.data, input.shape, channelsLastPerm(input.rank)), [batch, per]);
  }

  override forwardTrain(input: Tensor, ctx: TrainCallContext): LayerTape {
    const output = this.call(input);
    const rank = input.rank;
    return {
      output,
      backward: (d: Tensor) => {
        if (!ctx.needInputGrad) return { dInput: null, weightGrads: new Map() };
        if (!this.permutes(rank)) return { dInput: new Tensor(d.data, input.shape), weightGrads: new Map() };
        // Undo the channels-last move: d is laid out as (batch, ..., channels).
        const moved = channelsLastPerm(rank).map((p) => input.shape[p]!);
        const back = [0, rank - 1];
        for (let a = 1; a < rank - 1; a++) back.push(a);
        return { dInput: new Tensor(transpose(d.data, moved, back), input.shape), weightGrads: new Map() };
      },
    };
  }

  override getConfig(): JsonObject {
    return { ...super.getConfig(), data_format: this.dataFormat };
  }

  /** Build from a canonical Keras config. */
  static fromConfig(config: JsonObject): Flatten {
    const r = new ConfigReader(config, 'Flatten');
    return new Flatten({ ...r.baseOptions(), dataFormat: readDataFormat(config.data_format, r.where) });
  }
}
