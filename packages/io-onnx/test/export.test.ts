// What an exported graph looks like and how it behaves beyond the fixtures: a dynamic batch, Keras'
// input/output names, the era's hard_sigmoid, ONNX's LSTM operator where it computes the same function
// (and the Scan form computing the same numbers), shared weights written once, and clear errors.
import { fromBinary } from '@bufbuild/protobuf';
import { describe, expect, it } from 'vitest';
import { Dense, Input, Layer, LSTM, type CallContext, type Shape } from '@kerasts/layers';
import { Functional, Sequential } from '@kerasts/model';
import { KerastsError, Random, Tensor, UnsupportedError } from '@kerasts/tensor';
import { exportOnnxWithInfo, registerOnnxMapping, toOnnxModel } from '../src/index.js';
import { ModelProtoSchema, type ModelProto, type NodeProto } from '../src/proto/onnx_pb.js';
import { predictCases, runOrt, toTensor, worstDiff } from './helpers.js';

const cases = predictCases();
const byId = (id: string) => {
  const c = cases.find((x) => x.id === id);
  if (!c) throw new Error(`no fixture ${id}`);
  return c;
};

function allNodes(p: ModelProto): NodeProto[] {
  const out: NodeProto[] = [];
  const walk = (nodes: readonly NodeProto[]) => {
    for (const n of nodes) {
      out.push(n);
      for (const a of n.attribute) if (a.g) walk(a.g.node);
    }
  };
  walk(p.graph!.node);
  return out;
}

function randomInput(shape: number[], seed: number): Tensor {
  const r = new Random(seed);
  const t = new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape);
  for (let i = 0; i < t.size; i++) t.data[i] = r.normal();
  return t;
}

describe('exported graphs', () => {
  it('take any batch size (the batch dimension is symbolic), with Keras names for inputs and outputs', async () => {
    const model = await byId('predict/lstm_stacked3_seq_named').build();
    const ex = exportOnnxWithInfo(model);
    const proto = fromBinary(ModelProtoSchema, ex.bytes);
    const dims = proto.graph!.input[0]!.type!.value.value as { shape?: { dim: { value: { case?: string; value?: unknown } }[] } };
    expect(dims.shape!.dim[0]!.value).toEqual({ case: 'dimParam', value: 'batch' });
    expect(ex.inputNames).toEqual(model.inputNames);
    expect(ex.outputNames).toEqual(model.outputNames);
    for (const batch of [1, 3, 17]) {
      const x = randomInput([batch, ...(model.inputShapes![0]!.slice(1) as number[])], batch);
      const [y] = await runOrt(ex.bytes, ex.inputNames, [x], ex.outputNames);
      expect(y!.dims[0]).toBe(batch);
      expect(worstDiff(y!.data, model.predict(x).data)).toBeLessThanOrEqual(1e-5);
    }
  });

  it('name several outputs after their layers, unique (an LSTM returning its states)', async () => {
    const model = await byId('functional/lstm_return_state').build();
    const ex = exportOnnxWithInfo(model);
    expect(new Set(ex.outputNames).size).toBe(ex.outputNames.length);
    expect(ex.outputNames.map((n) => n.replace(/_\d+$/, ''))).toEqual(model.outputNames.map((n) => n.replace(/_\d+$/, '')));
  });

  it('keep the era of hard_sigmoid: 0.2 for Keras 2 files, 1/6 for Keras 3', async () => {
    const alphas = async (id: string) =>
      allNodes(toOnnxModel(await byId(id).build()))
        .filter((n) => n.opType === 'HardSigmoid' || n.opType === 'LSTM')
        .flatMap((n) => n.attribute.filter((a) => a.name === 'alpha' || a.name === 'activation_alpha').flatMap((a) => (a.floats.length ? a.floats : [a.f])).map((v) => Math.fround(v)));
    expect(await alphas('predict/k2_mlp_hard_sigmoid')).toEqual([Math.fround(0.2)]);
    expect(await alphas('predict/dense_act_hard_sigmoid')).toEqual([Math.fround(1 / 6)]);
    expect(await alphas('predict/k2_seed')).toEqual([Math.fround(0.2)]);
    expect(await alphas('predict/lstm_u4_recact_hard_sigmoid')).toEqual([Math.fround(1 / 6)]);
  });

  it("use ONNX's LSTM operator where it computes the same function, a Scan loop otherwise; both agree", async () => {
    const ops = async (id: string, native = true) => allNodes(toOnnxModel(await byId(id).build(), { nativeRecurrentOps: native })).map((n) => n.opType);
    expect(await ops('predict/seed_keras3')).toContain('LSTM');
    expect(await ops('predict/seed_keras3')).not.toContain('Scan');
    // softmax is no activation of ONNX's LSTM; a mask needs the loop too
    expect(await ops('predict/lstm_u3_recact_softmax_seq')).toContain('Scan');
    expect(await ops('wrappers/masking_lstm')).toContain('Scan');
    expect(await ops('predict/seed_keras3', false)).not.toContain('LSTM');
    for (const c of cases.filter((x) => x.family === 'predict' && x.id.includes('lstm'))) {
      const model = await c.build();
      const native = exportOnnxWithInfo(model);
      const scan = exportOnnxWithInfo(model, { nativeRecurrentOps: false });
      const xs = c.inputs.map(toTensor);
      const [a] = await runOrt(native.bytes, native.inputNames, xs, native.outputNames);
      const [b] = await runOrt(scan.bytes, scan.inputNames, xs, scan.outputNames);
      expect(worstDiff(b!.data, a!.data), c.id).toBeLessThanOrEqual(1e-5);
      expect(worstDiff(b!.data, c.expected[0]!.values), c.id).toBeLessThanOrEqual(1e-5);
    }
  });

  it('write a layer called at several places (shared weights) once', async () => {
    const model = await byId('functional/shared_dense').build();
    const proto = toOnnxModel(model);
    const floats = proto.graph!.initializer.filter((t) => t.dataType === 1 && t.dims.length > 0 && t.rawData.length > 16);
    const weightArrays = model.getWeights().filter((w) => w.size > 4).length;
    expect(floats.length).toBe(weightArrays);
  });

  it('warn that a stateful layer starts from zero states', () => {
    const model = new Sequential([new LSTM({ units: 3, stateful: true, batchInputShape: [2, 4, 5] }), new Dense({ units: 1 })]);
    const ex = exportOnnxWithInfo(model);
    expect(ex.warnings.join('\n')).toMatch(/stateful.*zero states/);
  });
});

/** A custom layer: y = 2x. */
class Twice extends Layer {
  readonly className: string = 'Twice';
  constructor() {
    super({}, 'twice');
  }
  computeOutputShape(s: Shape): Shape {
    return s;
  }
  call(x: Tensor, _ctx: CallContext): Tensor {
    return new Tensor(x.data.map((v) => 2 * v), x.shape);
  }
}

describe('export errors and custom layers', () => {
  it('refuse a model that is not built, saying so', () => {
    const model = new Sequential([new Dense({ units: 2 })]);
    expect(() => exportOnnxWithInfo(model)).toThrow(KerastsError);
    expect(() => exportOnnxWithInfo(model)).toThrow(/not built/);
  });

  it('refuse a layer without a mapping by name, pointing at registerOnnxMapping; a registered mapping is used', async () => {
    const x = Input({ shape: [3], name: 'x' });
    const model = new Functional({ inputs: x, outputs: new Twice().apply(new Dense({ units: 2, name: 'd' }).apply(x)) });
    expect(() => exportOnnxWithInfo(model)).toThrow(UnsupportedError);
    expect(() => exportOnnxWithInfo(model)).toThrow(/"twice" \(Twice\) has no ONNX mapping.*registerOnnxMapping\("Twice"/);
    registerOnnxMapping('Twice', ({ g }, { inputs }) => ({ outputs: [g.op('Mul', [inputs[0]!.name, g.scalar(2)])] }));
    const ex = exportOnnxWithInfo(model);
    const input = randomInput([4, 3], 1);
    const [y] = await runOrt(ex.bytes, ex.inputNames, [input], ex.outputNames);
    expect(worstDiff(y!.data, model.predict(input).data)).toBeLessThanOrEqual(1e-6);
  });
});
