/**
 * Optimizer state in Keras' HDF5 `optimizer_weights`, per era (KERAS-FORMAT §2.5). kerasts' optimizers
 * hold Keras 3's layout: `[iteration, learning_rate, slots...]`, slots in the order Keras 3 creates them
 * (for Adam: momentum then velocity of each variable). Keras 2 and tf.keras (OptimizerV2) stored
 * `[iterations] + slot-kind blocks` (all momenta, then all velocities); Keras ≤ 2.2's RMSprop stored
 * its accumulators only. This module maps between the two.
 */
import { isJsonObject, type JsonObject } from '@kerasts/layers';
import { optimizerWeightsLayoutFor, type Model } from '@kerasts/model';
import { Tensor } from '@kerasts/tensor';

/** The outcome of restoring optimizer state from a file. */
export interface OptimizerRestore {
  restored: boolean;
  /** Why not, or which conversion was applied. */
  message: string;
}

function isScalar(t: Tensor): boolean {
  return t.size === 1 && t.rank <= 1;
}

/**
 * Restore the optimizer weights stored in a file into a compiled model, converting Keras 2 /
 * tf.keras layouts to Keras 3's. Never throws for a state that does not fit: it reports, and the
 * optimizer stays fresh (a silent wrong resume is worse than a fresh start).
 */
export type StoredOptimizerLayout = 'keras3' | 'tf-keras-interleaved' | 'keras2-blocks';

/**
 * Which layout a file's optimizer state has: Keras 3 (`[iteration, learning_rate, per-variable slots]`),
 * tf.keras 2.11+ new optimizers (`Custom>Adam`: `[iteration, per-variable slots]`), or Keras 2 /
 * tf.keras OptimizerV2 (`[iterations] + one block per slot kind`).
 */
export function storedOptimizerLayout(kerasVersion: string | null, optimizerConfig: JsonObject | null, names: readonly string[] = []): StoredOptimizerLayout {
  const plain = names.map((n) => n.replace(/:\d+$/, ''));
  if (plain[0]?.endsWith('iteration') && plain[1]?.endsWith('learning_rate')) return 'keras3';
  if (kerasVersion && /^3\./.test(kerasVersion)) return 'keras3';
  // Two neighbouring slots of the same variable (m/x then v/x, or x/m then x/v) mean per-variable order.
  const variableOf = (n: string) => n.replace(/^(m|v|vhat|momentum|velocity|rms|mg|accumulator)\//, '').replace(/\/(m|v|vhat|momentum|rms|mg)$/, '');
  const slots = plain.filter((n) => !/iterations?$/.test(n));
  if (slots.length >= 2 && slots[0] !== slots[1] && variableOf(slots[0]!) === variableOf(slots[1]!)) return 'tf-keras-interleaved';
  const cls = optimizerConfig && typeof optimizerConfig.class_name === 'string' ? optimizerConfig.class_name : '';
  const cfg = optimizerConfig && isJsonObject(optimizerConfig.config) ? optimizerConfig.config : {};
  if (cls.includes('>') || cfg.is_legacy_optimizer === false) return 'tf-keras-interleaved';
  return 'keras2-blocks';
}

export function restoreOptimizerState(model: Model, stored: readonly Tensor[], fileKerasVersion: string | null, layout: StoredOptimizerLayout = 'keras2-blocks'): OptimizerRestore {
  let target;
  try {
    target = model.getOptimizerVariables();
  } catch (e) {
    return { restored: false, message: `cannot build the optimizer: ${(e as Error).message}` };
  }
  const attempt = (values: Tensor[], how: string): OptimizerRestore | null => {
    try {
      model.setOptimizerWeights(values);
      return { restored: true, message: how };
    } catch {
      return null;
    }
  };
  // 1. Keras 3 layout, as stored.
  if (layout === 'keras3' && stored.length === target.length) {
    const r = attempt([...stored], 'Keras 3 layout');
    if (r) return r;
  }
  // 2. Keras 2 / tf.keras layouts: [iterations?] + blocks of one slot kind per variable.
  const slots = target.slice(2);
  const hasLr = target[1]?.name.endsWith('/learning_rate') ?? false;
  const lr = hasLr ? target[1]!.value : null;
  const slotKinds = [...new Set(slots.map((s) => s.name.replace(/^.*_/, '')))];
  const perKind = slotKinds.length ? slots.length / slotKinds.length : 0;
  const candidates: { values: Tensor[]; iteration: Tensor }[] = [];
  const zeroIt = new Tensor(new Float32Array([0]), []);
  for (const withIt of [true, false]) {
    let rest = [...stored];
    let iteration = zeroIt;
    if (withIt) {
      if (!rest[0] || !isScalar(rest[0])) continue;
      iteration = new Tensor(new Float32Array([Math.round(rest[0].data[0]!)]), []);
      rest = rest.slice(1);
    }
    // Keras 2.1.3–2.2's Adam added one 1-element `vhat` per variable when amsgrad was off: drop them.
    if (rest.length === perKind * (slotKinds.length + 1) && rest.slice(-perKind).every((t) => t.size === 1)) rest = rest.slice(0, -perKind);
    if (rest.length !== slots.length) continue;
    // blocks: kind k, variable v at rest[k * perKind + v]; Keras 3 wants, per variable, its kinds in order.
    const names = slots.map((s) => s.name);
    const kindOf = (n: string) => slotKinds.indexOf(n.replace(/^.*_/, ''));
    const varIndex = new Map<number, number>();
    const perVarCounter = new Array<number>(slotKinds.length).fill(0);
    names.forEach((n, i) => {
      const k = kindOf(n);
      varIndex.set(i, perVarCounter[k]!);
      perVarCounter[k] = perVarCounter[k]! + 1;
    });
    // tf.keras 2.11+ already orders slots per variable, like Keras 3; Keras 2 stored kind-major blocks.
    const reordered = layout === 'tf-keras-interleaved' ? rest : names.map((n, i) => rest[kindOf(n) * perKind + varIndex.get(i)!]!);
    const head = [new Tensor(new Float32Array([iteration.data[0]!]), target[0]!.value.shape)];
    if (lr) head.push(lr);
    candidates.push({ values: [...head, ...reordered], iteration });
  }
  if (layout === 'keras3') candidates.length = 0;
  for (const c of candidates) {
    const r = attempt(c.values, `converted from the Keras ${fileKerasVersion ?? '1/2'} layout (${layout})`);
    if (r) return r;
  }
  // 3. The optimizer's own model of the era's layout (e.g. tf.keras 2's Nadam stores [iter, momentum_cache,
  //    all m, all v]: the cache is Keras 3's u_product, which the blocks above do not place).
  if (fileKerasVersion !== null && layout !== 'keras3') {
    const era = optimizerWeightsLayoutFor(fileKerasVersion);
    if (era !== 'keras3') {
      try {
        model.setOptimizerWeights(stored, era);
        return { restored: true, message: `converted from the ${era} layout` };
      } catch {
        // not this layout either
      }
    }
  }
  return {
    restored: false,
    message: `the stored optimizer state (${stored.length} arrays) does not fit this model's ${model.optimizer?.className ?? ''} optimizer (${target.length} variables in Keras 3's layout); training will resume with a fresh optimizer`,
  };
}

/**
 * The optimizer state in Keras 2.0.8's layout for the `keras-2.0` dialect: `[iterations] + all first
 * slots + all second slots` (Adam: m then v; SGD: moments; RMSprop: accumulators only, no iterations).
 * Returns null when the optimizer has no Keras 2.0.8 equivalent.
 */
export function keras20OptimizerLayout(model: Model): { names: string[]; values: Tensor[] } | null {
  const vars = model.getOptimizerVariables();
  const cls = model.optimizer?.className ?? '';
  const slots = vars.slice(2);
  const kinds = [...new Set(slots.map((s) => s.name.replace(/^.*_/, '')))];
  const blocks = kinds.flatMap((k) => slots.filter((s) => s.name.endsWith(`_${k}`)));
  const it = vars[0]!.value;
  if (cls === 'Adam' || cls === 'Adamax' || cls === 'Nadam' || cls === 'Adagrad' || cls === 'Adadelta') {
    return { names: [`${cls}/iterations:0`, ...blocks.map((_, i) => `training/${cls}/Variable${i ? `_${i}` : ''}:0`)], values: [it, ...blocks.map((b) => b.value)] };
  }
  if (cls === 'SGD') {
    // Keras 2.0.8's SGD kept a moment per parameter even without momentum.
    const moments = blocks.length ? blocks.map((b) => b.value) : model.layers.flatMap((l) => l.trainableWeights.map((w) => new Tensor(new Float32Array(w.value.size), w.shape)));
    return { names: ['SGD/iterations:0', ...moments.map((_, i) => `training/SGD/Variable${i ? `_${i}` : ''}:0`)], values: [it, ...moments] };
  }
  if (cls === 'RMSprop' && kinds.length === 1) {
    return { names: blocks.map((_, i) => `training/RMSprop/Variable${i ? `_${i}` : ''}:0`), values: blocks.map((b) => b.value) };
  }
  return null;
}
