/**
 * Keras' recurrent layers and wrappers (`keras/src/layers/rnn/`): LSTM (and Keras 2's CuDNNLSTM,
 * loaded as an LSTM), Bidirectional, TimeDistributed. The recurrence itself is written by
 * ../recurrent.ts (ONNX's LSTM/GRU/RNN operators, or a Scan loop where they cannot express the call).
 */
import { isRecurrent, type Bidirectional, type Layer, type RecurrentLayer, type Shape, type TimeDistributed } from '@kerasts/layers';
import { KerastsError, UnsupportedError } from '@kerasts/tensor';
import { I } from '../graph.js';
import type { ExportContext, LayerMapping, MappingTable, RefusalTable } from '../mapping.js';
import { checkSpec, exportRecurrent, reverseTime, type MaskedStepOutput, type RecurrentResult, type RecurrentSpec } from '../recurrent.js';
import { weightOf } from './util.js';

/** What the exporter reads from a recurrent layer or its cell (kerasts' LSTM, GRU, SimpleRNN). */
interface CellLike {
  readonly className?: string;
  readonly activation?: { readonly name: string };
  readonly recurrentActivation?: { readonly name: string };
  readonly resetAfter?: boolean;
  readonly useBias?: boolean;
}

const KINDS: Record<string, RecurrentSpec['kind']> = {
  LSTM: 'lstm',
  LSTMCell: 'lstm',
  CuDNNLSTM: 'lstm',
  GRU: 'gru',
  GRUCell: 'gru',
  CuDNNGRU: 'gru',
  SimpleRNN: 'simple',
  SimpleRNNCell: 'simple',
};

/**
 * What masked steps of this layer output: zeros when asked (Bidirectional) or when the layer says so,
 * else the era's rule (the layer's own `maskedOutputRule` where it has one).
 */
function maskedOutputOf(ctx: ExportContext, layer: RecurrentLayer, zeroOutput: boolean | undefined): MaskedStepOutput {
  const l = layer as RecurrentLayer & { maskedOutputRule?: (c: object, zero?: boolean) => MaskedStepOutput; zeroOutputForMask?: boolean; unroll?: boolean };
  if (typeof l.maskedOutputRule === 'function') {
    // The RNN driver's own rule (unrolled loops, zero_output_for_mask, the era's masked outputs).
    return l.maskedOutputRule({ training: false, hardSigmoid: ctx.hardSigmoid, era: ctx.era, maskedOutput: ctx.maskedOutput }, zeroOutput ?? l.zeroOutputForMask === true);
  }
  if (zeroOutput ?? l.zeroOutputForMask === true) return 'zero';
  return ctx.maskedOutput;
}

/** The function of one recurrent layer, read from its weights and options. */
export function recurrentSpecOf(ctx: ExportContext, layer: Layer, zeroOutput?: boolean): RecurrentSpec {
  if (!isRecurrent(layer)) throw new KerastsError(`layer "${layer.name}" (${layer.className}) is not recurrent`, layer.name);
  const cell = ((layer as Layer & { cell?: CellLike }).cell ?? layer) as CellLike;
  const kind = KINDS[cell.className ?? ''] ?? KINDS[layer.className];
  if (!kind) throw new UnsupportedError(`layer "${layer.name}" (${layer.className}): its recurrent cell has no ONNX mapping`, layer.name);
  if (layer.stateful) ctx.warn(`layer "${layer.name}" is stateful: the ONNX graph starts every call from zero states (as after reset_states())`);
  const kernel = weightOf(layer, 'kernel');
  const bias = cell.useBias === false ? null : (layer.weights.find((w) => w.name === 'bias') ?? null);
  const spec: RecurrentSpec = {
    kind,
    units: layer.units,
    inputDim: kernel.shape[0]!,
    kernel: kernel.value.data,
    recurrentKernel: weightOf(layer, 'recurrent_kernel').value.data,
    bias: bias ? bias.value.data : null,
    resetAfter: cell.resetAfter === true,
    activation: cell.activation?.name ?? 'tanh',
    recurrentActivation: cell.recurrentActivation?.name ?? 'sigmoid',
    goBackwards: layer.goBackwards,
    returnSequences: layer.returnSequences,
    maskedOutput: maskedOutputOf(ctx, layer, zeroOutput),
  };
  checkSpec(spec, layer.name);
  return spec;
}

/** An LSTM / GRU / SimpleRNN call: `[output, ...states]` with return_state. */
const recurrent: LayerMapping = (ctx, { layer, inputs, masks }) => {
  const rl = layer as RecurrentLayer;
  const states = inputs.slice(1).map((v) => v.name);
  const r = exportRecurrent(ctx, recurrentSpecOf(ctx, layer), inputs[0]!.name, masks[0] ?? null, states.length ? states : null);
  const outputs = rl.returnState ? [r.output, ...r.states] : [r.output];
  const outMask = rl.returnSequences ? (masks[0] ?? null) : null;
  return { outputs, masks: outputs.map((_, i) => (i === 0 ? outMask : null)) };
};

/**
 * Both directions over the same input (the backward layer reads the steps last to first; its
 * returned sequence is flipped back), merged as `merge_mode` says. Masked steps output zeros when
 * returning sequences in tf.keras and Keras 3, as kerasts' Bidirectional does.
 */
const bidirectional: LayerMapping<Bidirectional> = (ctx, { layer, inputs, masks }) => {
  const { g } = ctx;
  const x = inputs[0]!.name;
  const states = inputs.slice(1).map((v) => v.name);
  const half = states.length / 2;
  const mask = masks[0] ?? null;
  const zero = layer.returnSequences && (ctx.era === 'keras3' || ctx.era === 'tf.keras');
  const run = (sub: RecurrentLayer, init: string[]): RecurrentResult =>
    g.within(`${layer.name}/${sub.name}`, () => exportRecurrent(ctx, recurrentSpecOf(ctx, sub, zero), x, mask, init.length ? init : null));
  const f = run(layer.forwardLayer, states.slice(0, half));
  const b = run(layer.backwardLayer, states.slice(half));
  const y = f.output;
  const yr = layer.returnSequences ? reverseTime(g, b.output) : b.output;
  let merged: string[];
  switch (layer.mergeMode) {
    case null:
      merged = [y, yr];
      break;
    case 'concat':
      merged = [g.op('Concat', [y, yr], { axis: I(-1) })];
      break;
    case 'sum':
      merged = [g.op('Add', [y, yr])];
      break;
    case 'mul':
      merged = [g.op('Mul', [y, yr])];
      break;
    case 'ave':
      merged = [g.op('Div', [g.op('Add', [y, yr]), g.scalar(2)])];
      break;
    default:
      throw new UnsupportedError(`layer "${layer.name}" (Bidirectional): merge_mode ${JSON.stringify(layer.mergeMode)} has no ONNX mapping`, layer.name);
  }
  const outputs = layer.returnState ? [...merged, ...f.states, ...b.states] : merged;
  const m = layer.returnSequences ? mask : null;
  return { outputs, masks: outputs.map((_, i) => (i < merged.length ? m : null)) };
};

/**
 * The wrapped layer applied to every timestep: time folded into the batch, the inner layer's
 * mapping, then unfolded. A mask over more than (batch, time) is folded for the inner layer too.
 */
const timeDistributed: LayerMapping<TimeDistributed> = (ctx, { layer, inputs, masks }) => {
  const { g } = ctx;
  const x = inputs[0]!;
  const inner = layer.layer;
  const shape = g.op('Shape', [x.name]);
  const fold = (v: string) => g.op('Reshape', [v, g.op('Concat', [g.ints([-1]), g.op('Slice', [g.op('Shape', [v]), g.ints([2]), g.ints([Number.MAX_SAFE_INTEGER])])], { axis: I(0) })]);
  const innerShape: Shape = [null, ...x.shape.slice(2)];
  const mask = masks[0] ?? null;
  // A mask covers every axis but the last: over more than (batch, time) only for inputs of rank > 3.
  const innerMask = mask !== null && x.shape.length > 3 ? fold(mask) : null;
  const res = ctx.callLayer(inner, [{ name: fold(x.name), shape: innerShape }], [innerMask]);
  const y = res.outputs[0]!;
  const out = g.op('Reshape', [y, g.op('Concat', [g.op('Slice', [shape, g.ints([0]), g.ints([2])]), g.op('Slice', [g.op('Shape', [y]), g.ints([1]), g.ints([Number.MAX_SAFE_INTEGER])])], { axis: I(0) })]);
  return { outputs: [out] };
};

export const rnnMappings: MappingTable = [
  ['LSTM', recurrent],
  ['CuDNNLSTM', recurrent],
  ['GRU', recurrent],
  ['CuDNNGRU', recurrent],
  ['SimpleRNN', recurrent],
  ['Bidirectional', bidirectional as LayerMapping],
  ['TimeDistributed', timeDistributed as LayerMapping],
];

export const rnnRefusals: RefusalTable = [];
