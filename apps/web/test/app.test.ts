/**
 * The web app's own modules, in Node: CSV and .npy parsing (against numpy-written files), the graph
 * of real Keras files, opening files by content, and that every kerasts error class names itself
 * with a string that survives minification.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as hdf5 from '@kerasts/io-hdf5';
import * as ioJson from '@kerasts/io-json';
import * as layers from '@kerasts/layers';
import * as model from '@kerasts/model';
import * as tensor from '@kerasts/tensor';
import * as transfer from '@kerasts/transfer';
import { describe, expect, it } from 'vitest';
import { histogram, stats } from '../src/charts.js';
import { parseArray, parseCsv, parseNpy, toCsv, toModelInput, toNpy } from '../src/data.js';
import { graphSvg, layout, modelGraph } from '../src/graph.js';
import { kindOf, openModel } from '../src/open.js';

const WEB = fileURLToPath(new URL('..', import.meta.url));
const SAMPLES = join(WEB, 'public', 'samples');
const ROOT = join(WEB, '..', '..');
const file = (p: string) => ({ name: p.split('/').pop()!, bytes: new Uint8Array(readFileSync(p)) });

describe('data', () => {
  it('reads CSV (through @kerasts/io-npy) with a header, comments, another separator; refuses ragged rows', () => {
    const a = parseCsv('a,b,c\n# comment\n1,2,3\n4,5,6\n\n7,8,9\n');
    expect(a.shape).toEqual([3, 3]);
    expect([...a.data]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(parseCsv('1;2\n3;4\n').shape).toEqual([2, 2]);
    expect(() => parseCsv('1,2\n3\n', 'x.csv')).toThrow(/^x\.csv: /);
    expect(() => parseCsv('1,2\n3,abc\n', 'x.csv')).toThrow(tensor.FormatError);
  });

  it('reads .npy files numpy wrote (float64 from the CLI fixtures) and writes float32 .npy that reads back', () => {
    const x = parseNpy(new Uint8Array(readFileSync(join(ROOT, 'apps', 'cli', 'test', 'fixtures', 'x_f64.npy'))));
    expect(x.shape.length).toBeGreaterThan(0);
    expect(x.data.length).toBe(x.shape.reduce((p, d) => p * d, 1));
    const back = parseArray(toNpy(x.data, x.shape), 'y.npy');
    expect(back).toEqual(x);
    expect(toCsv(Float32Array.from([1, 2.5, 3, 4]), [2, 2])).toBe('1,2.5\n3,4\n');
    expect(() => parseNpy(new Uint8Array([1, 2, 3]), 'bad.npy')).toThrow(tensor.FormatError);
  });

  it('reshapes rows to a model input and says what is wrong when they do not fit', () => {
    const a = parseCsv('1,2,3,4,5,6,7,8\n8,7,6,5,4,3,2,1');
    expect(toModelInput(a, [null, 1, 8], 'x').shape).toEqual([2, 1, 8]);
    expect(() => toModelInput(a, [null, 3], 'x')).toThrow(tensor.ShapeMismatchError);
  });
});

describe('charts', () => {
  it('counts every finite value once and reports non-finite ones apart', () => {
    const v = Float32Array.from([0, 1, 2, 3, NaN, Infinity, 4]);
    expect(histogram(v, 4).counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(stats(v)).toMatchObject({ count: 7, min: 0, max: 4, mean: 2, nonFinite: 2 });
  });
});

describe('opening files and drawing their graph', () => {
  it('recognises files by content, not by name', () => {
    expect(kindOf(file(join(SAMPLES, 'keras-2.0.8-lstm.h5')).bytes)).toBe('hdf5');
    expect(kindOf(file(join(SAMPLES, 'hls4ml-dense.arch.json')).bytes)).toBe('json');
    expect(kindOf(new Uint8Array([0x50, 0x4b, 3, 4, 0]))).toBe('zip');
    expect(kindOf(new TextEncoder().encode('class_name: Sequential\nconfig: []\n'))).toBe('yaml');
  });

  it('a Keras 2.0.8 file: era, version, training config, optimizer state; a chain of three boxes', async () => {
    const o = await openModel([file(join(SAMPLES, 'keras-2.0.8-lstm.h5'))]);
    expect(o).toMatchObject({ era: 'Keras 2.0.x multi-backend (2.0.8)', kerasVersion: '2.0.8', optimizerArrays: 11, optimizerRestored: true });
    const g = modelGraph(o.model);
    expect(g.nodes[0]!.id).toMatch(/^input_layer(_\d+)?$/); // named by the session, as in Keras
    expect(g.nodes.map((n) => [n.className === 'InputLayer' ? 'input' : n.id, n.className, n.shape, n.params])).toEqual([
      ['input', 'InputLayer', '(None, 1, 8)', 0],
      ['lstm_1', 'LSTM', '(None, 4)', 208],
      ['dense_1', 'Dense', '(None, 1)', 5],
    ]);
    expect(g.edges).toHaveLength(2);
  });

  it('a Keras 3 functional file with two inputs: both branches, the merge, shapes from the config', async () => {
    const o = await openModel([file(join(SAMPLES, 'keras-3-two-inputs.h5'))]);
    const g = modelGraph(o.model);
    expect(g.nodes.map((n) => n.id)).toEqual(['series', 'meta', 'encoder', 'meta_dense', 'join', 'mix', 'head']);
    expect(g.nodes.find((n) => n.id === 'join')!.shape).toBe('(None, 14)');
    expect(g.edges).toContainEqual({ from: 'encoder', to: 'join' });
    expect(g.edges).toContainEqual({ from: 'meta_dense', to: 'join' });
    const pos = layout(g);
    expect(pos.get('series')!.rank).toBe(0);
    expect(pos.get('join')!.rank).toBe(2);
    expect(pos.get('head')!.rank).toBe(4);
    const svg = graphSvg(g);
    expect(svg.match(/class="g-node/g)).toHaveLength(7);
    expect(svg.match(/class="g-edge"/g)).toHaveLength(6);
  });

  it('an architecture JSON with its weights file; a weights file alone and a broken archive are explained', async () => {
    const o = await openModel([file(join(SAMPLES, 'hls4ml-dense.arch.json')), file(join(SAMPLES, 'hls4ml-dense.weights.h5'))]);
    expect(o.source).toBe('hls4ml-dense.arch.json + hls4ml-dense.weights.h5');
    expect(o.kerasVersion).toBe('2.0.0');
    const dense = o.model.layers.find((l) => l.weights.length > 0)!;
    expect(stats(dense.weights[0]!.value.data).std).toBeGreaterThan(0);
    await expect(openModel([file(join(SAMPLES, 'hls4ml-dense.weights.h5'))])).rejects.toThrow('this is a weights-only file');
    await expect(openModel([{ name: 'm.keras', bytes: new Uint8Array([0x50, 0x4b, 3, 4, 0, 0]) }])).rejects.toThrow('m.keras: not a ZIP archive');
  });

  it('a Keras 3 .keras archive (Keras-written): compiled, optimizer state restored', async () => {
    const o = await openModel([file(join(ROOT, 'tools', 'oracle', 'fixtures', 'keras', 'seq_lstm_adam.keras'))]);
    expect(o.format).toBe('Keras 3 archive (.keras)');
    expect(o.era).toMatch(/^Keras 3 \(\.keras, 3\.\d+/);
    expect(o.model.isCompiled).toBe(true);
    expect(o.optimizerRestored).toBe(true);
    expect(o.optimizerArrays).toBeGreaterThan(0);
    expect(o.trainingConfig).not.toBeNull();
  });
});

describe('error classes', () => {
  it('every exported error class of every package names itself with a string literal (minifier-proof)', () => {
    const found: string[] = [];
    for (const mod of [tensor, layers, model, ioJson, hdf5, transfer] as Record<string, unknown>[]) {
      for (const [key, value] of Object.entries(mod)) {
        if (typeof value !== 'function' || !(value.prototype instanceof Error)) continue;
        const C = value as new (...args: unknown[]) => Error;
        // What a minifier does: the class is renamed; the instance's name must not change.
        const Renamed = { l: class extends C {} }.l;
        let e: Error | null = null;
        for (const args of [['m', 'w', 'x'], ['m', [1], [2], 'w'], [[], 'w']]) {
          try {
            e = new Renamed(...args);
            break;
          } catch {
            /* another constructor signature */
          }
        }
        if (e === null) throw new Error(`could not construct ${key}`);
        expect(e.name, key).toBe(key);
        found.push(key);
      }
    }
    expect(found).toEqual(expect.arrayContaining(['KerastsError', 'ConfigError', 'FormatError', 'UnsupportedError', 'ShapeMismatchError', 'FileAccessError', 'FileExistsError', 'ArchitectureValidationError']));
  });
});
