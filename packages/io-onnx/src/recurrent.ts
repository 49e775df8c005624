/**
 * Recurrent layers (LSTM, GRU, SimpleRNN) as ONNX. Two forms, both computing what kerasts computes:
 *
 * - ONNX's own `LSTM` / `GRU` / `RNN` operator, when the call has no mask and both activations are
 *   ones the operator takes (sigmoid, tanh, relu, linear, hard_sigmoid of the model's era, softsign,
 *   softplus, elu, leaky_relu). Keras' gate blocks are re-ordered (LSTM i,f,c,o → ONNX i,o,f,c; GRU
 *   z,r,h is the same) and transposed; a GRU with `reset_after=True` is `linear_before_reset=1` with
 *   the recurrent bias in `Rb`. `go_backwards` reverses the input and runs forward, which gives the
 *   outputs in processing order, as Keras returns them.
 * - A `Scan` loop over the cell's equations otherwise: any activation, and masks of any pattern
 *   (leading, inner or trailing masked steps), with Keras' rules for what a masked step outputs
 *   (zeros, the carried state, or the previous output) and carries (the previous state).
 *
 * The input projection `x·W + b` of all timesteps is one MatMul before the loop, as in kerasts.
 */
import { KerastsError, UnsupportedError, type HardSigmoidVariant } from '@kerasts/tensor';
import { activation, recurrentActivation, recurrentActivationAttrs, type RecurrentActivation } from './activations.js';
import { GraphBuilder, I, Is, S, valueInfo } from './graph.js';
import type { ExportContext } from './mapping.js';

/** What masked steps output: zeros, the carried state, or the previous output (zeros before the first kept step). */
export type MaskedStepOutput = 'zero' | 'state' | 'previous';

/** One recurrent layer's function, in Keras' layouts. */
export interface RecurrentSpec {
  readonly kind: 'lstm' | 'gru' | 'simple';
  readonly units: number;
  readonly inputDim: number;
  /** `(inputDim, G·units)`, gate blocks in Keras' order (LSTM i,f,c,o; GRU z,r,h). */
  readonly kernel: Float32Array;
  /** `(units, G·units)`. */
  readonly recurrentKernel: Float32Array;
  /** `G·units`; a GRU with `reset_after` has `2·G·units` (input bias, then recurrent bias); null without bias. */
  readonly bias: Float32Array | null;
  readonly resetAfter: boolean;
  readonly activation: string;
  /** The gates' activation (unused by SimpleRNN). */
  readonly recurrentActivation: string;
  readonly goBackwards: boolean;
  readonly returnSequences: boolean;
  readonly maskedOutput: MaskedStepOutput;
}

/** The result of {@link exportRecurrent}: the output (sequence or last output) and the final states. */
export interface RecurrentResult {
  readonly output: string;
  readonly states: readonly string[];
}

const GATES: Record<RecurrentSpec['kind'], number> = { lstm: 4, gru: 3, simple: 1 };
const STATES: Record<RecurrentSpec['kind'], number> = { lstm: 2, gru: 1, simple: 1 };

/** How many states a cell carries (LSTM h and c; GRU and SimpleRNN h). */
export function stateCountOf(kind: RecurrentSpec['kind']): number {
  return STATES[kind];
}

/**
 * Write one recurrent call. `x` is `(batch, timesteps, inputDim)`; `mask` a bool `(batch, timesteps)`
 * or null; `initialStates` one `(batch, units)` value per state, or null for zeros.
 */
export function exportRecurrent(ctx: ExportContext, spec: RecurrentSpec, x: string, mask: string | null, initialStates: readonly string[] | null): RecurrentResult {
  if (initialStates && initialStates.length !== STATES[spec.kind]) {
    throw new KerastsError(`a ${spec.kind} call takes ${STATES[spec.kind]} initial state(s), got ${initialStates.length}`);
  }
  const acts = nativeActivations(spec, ctx.hardSigmoid);
  if (mask === null && ctx.nativeRecurrentOps && acts) return nativeOp(ctx, spec, x, initialStates, acts);
  return scanLoop(ctx, spec, x, mask, initialStates);
}

function nativeActivations(spec: RecurrentSpec, hs: HardSigmoidVariant): RecurrentActivation[] | null {
  const a = recurrentActivation(spec.activation, hs);
  if (spec.kind === 'simple') return a ? [a] : null;
  const r = recurrentActivation(spec.recurrentActivation, hs);
  if (!a || !r) return null;
  return spec.kind === 'lstm' ? [r, a, a] : [r, a];
}

/** Keras gate block k → its position in ONNX's order (LSTM i,f,c,o → i,o,f,c). */
function onnxBlockOrder(kind: RecurrentSpec['kind']): number[] {
  // ONNX block j holds Keras block order[j].
  return kind === 'lstm' ? [0, 3, 1, 2] : kind === 'gru' ? [0, 1, 2] : [0];
}

/** `(rows, G·u)` in Keras' layout → ONNX's `(1, G·u, rows)` with the blocks re-ordered. */
function toOnnxMatrix(m: Float32Array, rows: number, u: number, order: readonly number[]): Float32Array {
  const G = order.length;
  const out = new Float32Array(G * u * rows);
  for (let j = 0; j < G; j++) {
    const src = order[j]! * u;
    for (let k = 0; k < u; k++) {
      const o = (j * u + k) * rows;
      for (let r = 0; r < rows; r++) out[o + r] = m[r * G * u + src + k]!;
    }
  }
  return out;
}

function reorderVector(v: Float32Array, u: number, order: readonly number[]): Float32Array {
  const out = new Float32Array(order.length * u);
  order.forEach((src, j) => out.set(v.subarray(src * u, (src + 1) * u), j * u));
  return out;
}

/** `x` with its time axis reversed (Keras' go_backwards reads the steps from last to first). */
export function reverseTime(g: GraphBuilder, x: string): string {
  return g.op('Slice', [x, g.ints([-1]), g.ints([Number.MIN_SAFE_INTEGER]), g.ints([1]), g.ints([-1])]);
}

function nativeOp(ctx: ExportContext, spec: RecurrentSpec, x: string, initialStates: readonly string[] | null, acts: RecurrentActivation[]): RecurrentResult {
  const { g } = ctx;
  const { kind, units: u, inputDim: D } = spec;
  const G = GATES[kind];
  const order = onnxBlockOrder(kind);
  const W = g.weight('W', toOnnxMatrix(spec.kernel, D, u, order), [1, G * u, D], { of: spec.kernel, tag: `onnx-${kind}-W` });
  const R = g.weight('R', toOnnxMatrix(spec.recurrentKernel, u, u, order), [1, G * u, u], { of: spec.recurrentKernel, tag: `onnx-${kind}-R` });
  let B = '';
  if (spec.bias) {
    const b = new Float32Array(2 * G * u);
    if (kind === 'gru' && spec.resetAfter) {
      b.set(reorderVector(spec.bias.subarray(0, G * u), u, order), 0);
      b.set(reorderVector(spec.bias.subarray(G * u, 2 * G * u), u, order), G * u);
    } else b.set(reorderVector(spec.bias, u, order), 0);
    B = g.weight('B', b, [1, 2 * G * u], { of: spec.bias, tag: `onnx-${kind}-B${spec.resetAfter ? '-after' : ''}` });
  }
  const xt = g.op('Transpose', [spec.goBackwards ? reverseTime(g, x) : x], { perm: Is([1, 0, 2]) });
  const init = (initialStates ?? []).map((s) => g.op('Unsqueeze', [s, g.ints([0])]));
  const op = kind === 'lstm' ? 'LSTM' : kind === 'gru' ? 'GRU' : 'RNN';
  const inputs = [xt, W, R, B, '', ...init];
  while (inputs.length > 0 && inputs[inputs.length - 1] === '') inputs.pop();
  const attrs = { hidden_size: I(u), direction: S('forward'), ...recurrentActivationAttrs(acts), ...(kind === 'gru' ? { linear_before_reset: I(spec.resetAfter ? 1 : 0) } : {}) };
  const outNames = [spec.returnSequences ? g.name(`${op}_Y`) : '', g.name(`${op}_Y_h`), ...(kind === 'lstm' ? [g.name(`${op}_Y_c`)] : [])];
  g.node(op, inputs, attrs, outNames);
  const h = g.op('Squeeze', [outNames[1]!, g.ints([0])]);
  const states = [h, ...(kind === 'lstm' ? [g.op('Squeeze', [outNames[2]!, g.ints([0])])] : [])];
  if (!spec.returnSequences) return { output: h, states };
  const y = g.op('Transpose', [g.op('Squeeze', [outNames[0]!, g.ints([1])])], { perm: Is([1, 0, 2]) });
  return { output: y, states };
}

/** Columns [from, to) of a row-major (rows, cols) matrix. */
function columns(m: Float32Array, rows: number, cols: number, from: number, to: number): Float32Array {
  const out = new Float32Array(rows * (to - from));
  for (let r = 0; r < rows; r++) out.set(m.subarray(r * cols + from, r * cols + to), r * (to - from));
  return out;
}

/** Zeros of shape (batch, units), the batch taken from `x`. */
function zerosLike(g: GraphBuilder, x: string, units: number): string {
  const batch = g.op('Slice', [g.op('Shape', [x]), g.ints([0]), g.ints([1])]);
  return g.op('Expand', [g.scalar(0), g.op('Concat', [batch, g.ints([units])], { axis: I(0) })]);
}

function scanLoop(ctx: ExportContext, spec: RecurrentSpec, x: string, mask: string | null, initialStates: readonly string[] | null): RecurrentResult {
  const { g } = ctx;
  const { kind, units: u, inputDim: D } = spec;
  const G = GATES[kind];
  const nStates = STATES[kind];
  const mode = spec.maskedOutput;
  // The input projection of every step at once; GRU with reset_after adds only the input bias here.
  let xw = g.op('MatMul', [x, g.weight('kernel', spec.kernel, [D, G * u], { of: spec.kernel, tag: 'as-is' })]);
  if (spec.bias) xw = g.op('Add', [xw, g.weight('input_bias', spec.bias.subarray(0, G * u), [G * u], { of: spec.bias, tag: 'input-half' })]);
  // GRU without reset_after multiplies r·h by the candidate's block alone: keep it apart from z and r.
  const splitU = kind === 'gru' && !spec.resetAfter;
  const U = splitU ? g.weight('recurrent_kernel_zr', columns(spec.recurrentKernel, u, G * u, 0, 2 * u), [u, 2 * u], { of: spec.recurrentKernel, tag: 'zr' }) : g.weight('recurrent_kernel', spec.recurrentKernel, [u, G * u], { of: spec.recurrentKernel, tag: 'as-is' });
  const Uh = splitU ? g.weight('recurrent_kernel_h', columns(spec.recurrentKernel, u, G * u, 2 * u, 3 * u), [u, u], { of: spec.recurrentKernel, tag: 'h' }) : null;
  const recurrentBias = kind === 'gru' && spec.resetAfter && spec.bias ? g.weight('recurrent_bias', spec.bias.subarray(G * u, 2 * G * u), [G * u], { of: spec.bias, tag: 'recurrent-half' }) : null;

  // Extra carried values: the last output when it is not the state (masked steps output zeros or
  // the previous output), so that the final output is the last step's output as in Keras.
  const carriesOutput = mask !== null && mode !== 'state';
  const body = new GraphBuilder(g);
  body.scope = g.scope ? `${g.scope}/step` : 'step';
  const stateIn = Array.from({ length: nStates }, (_, k) => body.name(k === 0 ? 'h' : 'c'));
  const prevIn = carriesOutput ? body.name('prev_output') : null;
  const xIn = body.name('xw_t');
  const mIn = mask !== null ? body.name('mask_t') : null;
  for (const s of stateIn) body.inputs.push(valueInfo(s, 'float', [null, u]));
  if (prevIn) body.inputs.push(valueInfo(prevIn, 'float', [null, u]));
  body.inputs.push(valueInfo(xIn, 'float', [null, G * u]));
  if (mIn) body.inputs.push(valueInfo(mIn, 'bool', [null]));

  const act = (v: string) => activation(body, v, spec.activation, { hardSigmoid: ctx.hardSigmoid });
  const gate = (v: string) => activation(body, v, spec.recurrentActivation, { hardSigmoid: ctx.hardSigmoid });
  const split = (v: string, n: number) => body.node('Split', [v, body.ints(Array.from({ length: n }, () => u))], { axis: I(1) }, n);
  const h = stateIn[0]!;
  let newStates: string[];
  if (kind === 'lstm') {
    const z = body.op('Add', [xIn, body.op('MatMul', [h, U])]);
    const [zi, zf, zc, zo] = split(z, 4) as [string, string, string, string];
    const c = body.op('Add', [body.op('Mul', [gate(zf), stateIn[1]!]), body.op('Mul', [gate(zi), act(zc)])]);
    newStates = [body.op('Mul', [gate(zo), act(c)]), c];
  } else if (kind === 'gru') {
    const [xz, xr, xh] = split(xIn, 3) as [string, string, string];
    let hh: string;
    let zGate: string;
    if (spec.resetAfter) {
      let inner = body.op('MatMul', [h, U]);
      if (recurrentBias) inner = body.op('Add', [inner, recurrentBias]);
      const [iz, ir, ih] = split(inner, 3) as [string, string, string];
      zGate = gate(body.op('Add', [xz, iz]));
      const r = gate(body.op('Add', [xr, ir]));
      hh = act(body.op('Add', [xh, body.op('Mul', [r, ih])]));
    } else {
      const [iz, ir] = split(body.op('MatMul', [h, U]), 2) as [string, string];
      zGate = gate(body.op('Add', [xz, iz]));
      const r = gate(body.op('Add', [xr, ir]));
      hh = act(body.op('Add', [xh, body.op('MatMul', [body.op('Mul', [r, h]), Uh!])]));
    }
    // Keras: h = z·h_prev + (1 − z)·hh.
    newStates = [body.op('Add', [body.op('Mul', [zGate, h]), body.op('Mul', [body.op('Sub', [body.scalar(1), zGate]), hh])])];
  } else {
    newStates = [act(body.op('Add', [xIn, body.op('MatMul', [h, U])]))];
  }

  let outState = newStates;
  let out = newStates[0]!;
  if (mIn) {
    const keep = body.op('Unsqueeze', [mIn, body.ints([1])]);
    outState = newStates.map((s, k) => body.op('Where', [keep, s, stateIn[k]!]));
    if (mode === 'state') out = outState[0]!;
    else if (mode === 'zero') out = body.op('Where', [keep, newStates[0]!, body.scalar(0)]);
    else out = body.op('Where', [keep, newStates[0]!, prevIn!]);
  }
  const stateOut = outState.map((s) => body.op('Identity', [s]));
  const prevOut = carriesOutput ? body.op('Identity', [out]) : null;
  const seqOut = spec.returnSequences ? body.op('Identity', [out]) : null;
  for (const s of stateOut) body.outputs.push(valueInfo(s, 'float', [null, u]));
  if (prevOut) body.outputs.push(valueInfo(prevOut, 'float', [null, u]));
  if (seqOut) body.outputs.push(valueInfo(seqOut, 'float', [null, u]));

  const init = initialStates ? [...initialStates] : Array.from({ length: nStates }, () => zerosLike(g, x, u));
  const scanInputs = [...init, ...(carriesOutput ? [zerosLike(g, x, u)] : []), xw, ...(mask !== null ? [mask] : [])];
  const nScan = mask !== null ? 2 : 1;
  const dir = spec.goBackwards ? 1 : 0;
  const outNames = [...stateOut.map((_, k) => g.name(k === 0 ? 'h_final' : 'c_final')), ...(carriesOutput ? [g.name('last_output')] : []), ...(spec.returnSequences ? [g.name('sequence')] : [])];
  g.node(
    'Scan',
    scanInputs,
    {
      body: { g: body.toGraph(`${g.scope || 'rnn'}_step`) },
      num_scan_inputs: I(nScan),
      scan_input_axes: Is(Array.from({ length: nScan }, () => 1)),
      scan_input_directions: Is(Array.from({ length: nScan }, () => dir)),
      ...(spec.returnSequences ? { scan_output_axes: Is([1]) } : {}),
    },
    outNames,
  );
  const states = outNames.slice(0, nStates);
  const output = spec.returnSequences ? outNames[outNames.length - 1]! : carriesOutput ? outNames[nStates]! : states[0]!;
  return { output, states };
}

/** Throws when a spec's shapes do not fit (a broken layer would give a confusing ORT error). */
export function checkSpec(spec: RecurrentSpec, where: string): void {
  const G = GATES[spec.kind];
  const u = spec.units;
  const biasLen = spec.kind === 'gru' && spec.resetAfter ? 2 * G * u : G * u;
  if (spec.kernel.length !== spec.inputDim * G * u || spec.recurrentKernel.length !== u * G * u || (spec.bias && spec.bias.length !== biasLen)) {
    throw new UnsupportedError(`layer "${where}": its weights do not have the ${spec.kind.toUpperCase()} layout kerasts expects`, where);
  }
}
