import { getActivation, type Activation as ActivationFn, type HardSigmoidVariant } from '@kerasts/tensor';
import type { JsonValue } from './json.js';

/** Resolve an activation name once per hard_sigmoid variant (the only era-dependent one). */
export class ActivationSlot {
  private readonly cache = new Map<HardSigmoidVariant, ActivationFn>();
  constructor(readonly name: string) {
    getActivation(name); // fail early on unknown names
  }
  get(variant: HardSigmoidVariant): ActivationFn {
    let a = this.cache.get(variant);
    if (!a) {
      a = getActivation(this.name, { hardSigmoid: variant });
      this.cache.set(variant, a);
    }
    return a;
  }
}

/** A Keras regularizer or constraint config, kept and written back unchanged. */
export type KeptConfig = JsonValue | null;
