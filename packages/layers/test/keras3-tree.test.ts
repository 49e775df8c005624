import { beforeEach, describe, expect, it } from 'vitest';
import { clearSession, Dense, Dropout, LSTM, type Keras3VariableTree } from '../src/index.js';

/** `<path>/vars/<i>` → shape, and `<path>/vars` → name attribute, as Keras 3 lays out a weights file. */
function flatten(tree: Keras3VariableTree, path: string, out: Record<string, string>): Record<string, string> {
  out[`${path}/vars`] = `name=${tree.name}`;
  tree.variables.forEach((v, i) => (out[`${path}/vars/${i}`] = `[${v.shape.join(',')}] ${v.name}`));
  for (const c of tree.children) flatten(c.tree, `${path}/${c.key}`, out);
  return out;
}

beforeEach(() => clearSession());

describe('keras3VariableTree (the Keras 3 .keras / .weights.h5 layout of a layer)', () => {
  // Keras 3.15.1 wrote these paths for LSTM(4) on 8 features + Dense(1) (KERAS-FORMAT §11.2, w.weights.h5).
  it('LSTM keeps its variables in `cell` (name lstm_cell), in kernel, recurrent_kernel, bias order', () => {
    const l = new LSTM({ units: 4 });
    l.build([null, 1, 8]);
    expect(flatten(l.keras3VariableTree(), 'layers/lstm', {})).toEqual({
      'layers/lstm/vars': 'name=lstm',
      'layers/lstm/cell/vars': 'name=lstm_cell',
      'layers/lstm/cell/vars/0': '[8,16] kernel',
      'layers/lstm/cell/vars/1': '[4,16] recurrent_kernel',
      'layers/lstm/cell/vars/2': '[16] bias',
    });
  });
  it('the default is the own weights with no children (Dense: kernel, bias; Dropout: none)', () => {
    const d = new Dense({ units: 1 });
    d.build([null, 4]);
    expect(flatten(d.keras3VariableTree(), 'layers/dense', {})).toEqual({
      'layers/dense/vars': 'name=dense',
      'layers/dense/vars/0': '[4,1] kernel',
      'layers/dense/vars/1': '[1] bias',
    });
    expect(flatten(new Dropout({ rate: 0.5 }).keras3VariableTree(), 'layers/dropout', {})).toEqual({ 'layers/dropout/vars': 'name=dropout' });
  });
  it('hands out the live weights, so a loader can assign them', () => {
    const l = new LSTM({ units: 2 });
    l.build([null, 3, 1]);
    const cell = l.keras3VariableTree().children[0]!.tree;
    expect(cell.variables[0]).toBe(l.weights[0]);
  });
});
