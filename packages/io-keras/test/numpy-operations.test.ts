// keras.ops numpy operations in Keras 3 functional graphs (`x + 3.0`, `x * y`, `1.0 / t`, `-x`), read
// from the config of a .keras Keras 3.15.1 wrote (tools/oracle/fixtures/keras/func_numpy_ops_adam;
// io-keras' keras-files test checks its predictions, layout and resumed training against Keras).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NumpyOperation } from '@kerasts/layers';
import { Tensor, UnsupportedError } from '@kerasts/tensor';
import { modelFromJSON, toJSON } from '@kerasts/io-json';
import { ZipArchive } from '../src/index.js';
import { FIXTURES } from './helpers.js';

const archive = ZipArchive.open(new Uint8Array(readFileSync(join(FIXTURES, 'func_numpy_ops_adam.keras'))));
const config = JSON.parse(archive.readText('config.json')) as { config: { layers: { module?: string; class_name: string; inbound_nodes: { args: unknown[] }[] }[] } };
const { compile_config: _cc, ...arch } = config as unknown as Record<string, unknown>;

describe('keras.ops numpy operations as graph nodes', () => {
  const model = modelFromJSON(JSON.stringify(arch));
  const ops = model.layers.filter((l): l is NumpyOperation => l instanceof NumpyOperation);
  it('reads every operation Keras recorded, with its constants', () => {
    const recorded = config.config.layers.filter((l) => l.module === 'keras.src.ops.numpy');
    expect(ops.map((o) => o.operation).sort()).toEqual(recorded.map((l) => l.class_name).sort());
    const plus3 = ops.find((o) => o.operation === 'Add' && o.operands.includes(3))!;
    expect(plus3.operands).toEqual([null, 3]);
    expect(ops.some((o) => o.operation === 'TrueDivide' && o.operands[0] === 1 && o.operands[1] === null)).toBe(true);
  });
  it('writes the keras-3 dialect as Keras records operations, and reads it back to the same numbers', () => {
    const json = JSON.parse(toJSON(model, { dialect: 'keras-3' })) as { config: { layers: { module: string; class_name: string; inbound_nodes: { args: unknown[] }[] }[] } };
    const written = json.config.layers.filter((l) => l.module === 'keras.src.ops.numpy');
    const theirs = config.config.layers.filter((l) => l.module === 'keras.src.ops.numpy');
    expect(written.map((l) => [l.class_name, l.inbound_nodes[0]!.args.map((a) => (typeof a === 'number' ? a : 'tensor'))])).toEqual(
      theirs.map((l) => [l.class_name, l.inbound_nodes[0]!.args.map((a) => (typeof a === 'number' ? a : 'tensor'))]),
    );
    const again = modelFromJSON(JSON.stringify(json));
    again.setWeights(model.getWeights());
    const xs = [new Tensor(Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)), [3, 4]), new Tensor(Float32Array.from({ length: 12 }, (_, i) => Math.cos(i)), [3, 4])];
    expect(Array.from(again.predictOutputs(xs)[0]!.data)).toEqual(Array.from(model.predictOutputs(xs)[0]!.data));
  });
  it('refuses the Keras 2 dialects, which have no operation nodes', () => {
    for (const dialect of ['keras-2', 'keras-2.0'] as const) expect(() => toJSON(model, { dialect })).toThrow(UnsupportedError);
  });
  it('refuses an operation kerasts does not compute, by name', () => {
    const bad = JSON.parse(JSON.stringify(arch)) as typeof config;
    const add = bad.config.layers.find((l) => l.module === 'keras.src.ops.numpy')!;
    add.class_name = 'Arctan2';
    expect(() => modelFromJSON(JSON.stringify(bad))).toThrow(/operation "Arctan2"/);
  });
});
