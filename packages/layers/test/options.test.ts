import { describe, expect, it } from 'vitest';
import { ConfigError } from '@kerasts/tensor';
import { Activation, Concatenate, Dense, Dropout, InputLayer, LSTM } from '../src/index.js';

describe('Keras-style constructor arguments', () => {
  it('take a positional first argument where Keras has one, next to options', () => {
    const d = new Dense(3, { activation: 'relu', name: 'd' });
    expect([d.units, d.activation.name, d.name]).toEqual([3, 'relu', 'd']);
    expect(new LSTM(4, { returnSequences: true }).returnSequences).toBe(true);
    expect(new Dropout(0.25).rate).toBe(0.25);
    expect(new Activation('tanh').activation.name).toBe('tanh');
    expect(new Concatenate(1).axis).toBe(1);
    expect(new Concatenate().axis).toBe(-1);
    expect(new Dense({ units: 2 }).units).toBe(2);
  });

  it('refuse unknown options, naming the closest valid one (snake_case from Python too)', () => {
    const make = (o: unknown) => () => new LSTM(o as never);
    expect(make({ units: 4, return_sequences: true })).toThrow(ConfigError);
    expect(make({ units: 4, return_sequences: true })).toThrow(/no option "return_sequences"; did you mean "returnSequences"\?/);
    expect(() => new Dense(2, { activaton: 'relu' } as never)).toThrow(/did you mean "activation"/);
    expect(() => new Dense({} as never)).toThrow(/Dense needs "units"/);
    expect(() => new Dense(2, { units: 3 } as never)).toThrow(/given both/);
    expect(() => new Dropout('0.2' as never, 3 as never)).toThrow(ConfigError);
  });

  it('accept Keras 3 InputLayer shapes', () => {
    expect(new InputLayer({ shape: [8] }).batchInputShape).toEqual([null, 8]);
    expect(new InputLayer({ batchShape: [2, 8] }).batchInputShape).toEqual([2, 8]);
    expect(new InputLayer({ shape: [8], batchSize: 4 }).batchInputShape).toEqual([4, 8]);
  });
});
