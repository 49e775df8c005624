// Per-layer CPU profile of the W6 CNN (predict batch 64 and one training step), kerasts only.
//   node src/profile-w6.mjs [reps]
// Each layer's call (or forwardTrain / backward) is timed alone over `reps` repetitions on the real
// intermediate tensors; "model" rows time the whole predict / trainOnBatch for comparison.
import { MODELS, loadSet, modelWeights } from './common.mjs';

const reps = Number(process.argv[2] ?? 40);
const { Tensor, setThreads, recycleFloat32 } = await import('@kerasts/tensor');
// outputs are given back as a model's graph does (a fresh multi-MB array per call costs page faults)
const give = (t) => { if (t) recycleFloat32([t.data]); };
if (process.env.THREADS) setThreads(Number(process.env.THREADS));
const { Conv2D, MaxPooling2D, Flatten, Dense } = await import('@kerasts/layers');
const { Sequential } = await import('@kerasts/model');
const m = MODELS.w6;
const layers = m.layers.map((l, i) => {
  const first = i === 0 ? { inputShape: m.input } : {};
  if (l.type === 'conv2d') return new Conv2D(l.filters, l.kernelSize, { activation: l.activation ?? 'linear', ...first });
  if (l.type === 'maxpool2d') return new MaxPooling2D(l.poolSize, first);
  if (l.type === 'flatten') return new Flatten(first);
  return new Dense({ units: l.units, activation: l.activation ?? 'linear', ...first });
});
const model = new Sequential({ layers });
model.setWeights(modelWeights('w6').map((w) => new Tensor(w.data.slice(), w.shape)));
const set = loadSet('input-w6');
const x = new Tensor(set.x.data.slice(0, 64 * 784), [64, 28, 28, 1]);

function cpu(fn, n = reps) {
  for (let i = 0; i < 3; i++) fn();
  const c = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const d = process.cpuUsage(c);
  return (d.user + d.system) / 1000 / n;
}
const f = (v) => v.toFixed(2).padStart(7);
const ctx = { training: false, hardSigmoid: 'keras3' };
model.predict(x, { batchSize: 64 });
// predict, per layer
const ins = [x];
for (const l of layers) ins.push(l.call(ins[ins.length - 1], ctx));
let sum = 0;
console.log('predict (CPU ms/call)');
layers.forEach((l, i) => {
  const t = cpu(() => give(l.call(ins[i], ctx)));
  sum += t;
  console.log(`  ${l.name.padEnd(16)} ${f(t)}`);
});
console.log(`  ${'sum'.padEnd(16)} ${f(sum)}`);
if (layers[0].callFused) console.log(`  ${'conv+pool fused'.padEnd(16)} ${f(cpu(() => give(layers[0].callFused(layers[1], ins[0], ctx))))}`);
console.log(`  ${'model.predict'.padEnd(16)} ${f(cpu(() => model.predict(x, { batchSize: 64 })))}`);

// training
const labels = new Float32Array(64 * 10);
for (let i = 0; i < 64; i++) labels[i * 10 + (i % 10)] = 1;
const y = new Tensor(labels, [64, 10]);
model.compile({ optimizer: 'adam', loss: 'categorical_crossentropy' });
model.trainOnBatch(x, y);
const tctx = (i) => ({ ...ctx, training: true, needInputGrad: i > 0, random: null, keepStates: false });
const tapes = [];
const outs = [x];
layers.forEach((l, i) => {
  const tp = l.forwardTrain(outs[i], tctx(i));
  tapes.push(tp);
  outs.push(tp.output);
});
const douts = [];
let d = new Tensor(outs[outs.length - 1].data.map((v, i) => v - labels[i]), [64, 10]);
for (let i = layers.length - 1; i >= 0; i--) {
  douts[i] = d;
  d = tapes[i].backward(d).dInput;
}
console.log('train step (CPU ms/call)      forward  backward');
let sf = 0, sb = 0;
layers.forEach((l, i) => {
  // a tape's release() gives its buffers back as the model's training step does
  const done = (tp) => (tp.release ? tp.release() : give(tp.output));
  const tf = cpu(() => done(l.forwardTrain(outs[i], tctx(i))));
  const tb = cpu(() => { const tp = l.forwardTrain(outs[i], tctx(i)); const g = tp.backward(douts[i]); done(tp); give(g.dInput); }) - tf;
  sf += tf; sb += tb;
  console.log(`  ${l.name.padEnd(26)} ${f(tf)}  ${f(tb)}`);
});
console.log(`  ${'sum'.padEnd(26)} ${f(sf)}  ${f(sb)}`);
console.log(`  ${'model.trainOnBatch'.padEnd(26)} ${f(cpu(() => model.trainOnBatch(x, y), Math.max(5, reps >> 1)))}`);
