/**
 * `Model` as Keras users write it: `new Model({ inputs, outputs })` or `new Model(inputs, outputs)`
 * (Keras' `keras.Model(inputs=..., outputs=...)`) makes a {@link Functional}. The same name is the
 * type every model has, and `instanceof Model` holds for `Sequential` and `Functional` alike.
 *
 * It is a function whose `prototype` is the abstract base class's, so that `instanceof` works and
 * the base class stays abstract for TypeScript (`Sequential` and `Functional` extend the base).
 */
import type { SymbolicTensor } from '@kerasts/layers';
import { Functional, type FunctionalOptions } from './functional.js';
import { Model as ModelBase } from './model.js';

/** Constructing `Model`: a functional model from symbolic inputs and outputs. */
export interface ModelConstructor {
  /** `new Model({ inputs, outputs, name })` — a {@link Functional}. */
  new (options: FunctionalOptions): Functional;
  /** `new Model(inputs, outputs, { name })`, as Keras' `keras.Model(inputs, outputs)` — a {@link Functional}. */
  new (inputs: SymbolicTensor | readonly SymbolicTensor[], outputs: SymbolicTensor | readonly SymbolicTensor[], options?: Omit<FunctionalOptions, 'inputs' | 'outputs'>): Functional;
  readonly prototype: ModelBase;
}

function KerasModel(this: unknown, ...args: unknown[]): Functional {
  if (new.target === undefined) throw new TypeError('Model is a class: call it with new (new Model({ inputs, outputs }))');
  return new (Functional as unknown as new (...a: unknown[]) => Functional)(...args);
}
KerasModel.prototype = ModelBase.prototype;
Object.defineProperty(KerasModel, 'name', { value: 'Model' });

/**
 * Every model's type (the base of `Sequential` and `Functional`), and Keras' functional constructor:
 *
 * ```ts
 * const x = Input({ shape: [8] });
 * const y = new Dense(1).apply(new Dense(16, { activation: 'relu' }).apply(x));
 * const model = new Model({ inputs: x, outputs: y });   // or new Model(x, y)
 * ```
 */
export const Model = KerasModel as unknown as ModelConstructor;
/** Every model's type: `Sequential` and `Functional` are `Model`s. */
export type Model = ModelBase;
