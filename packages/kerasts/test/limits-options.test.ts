/**
 * The `limits` option of every loader (README "Loading untrusted files"): the limits a caller gives
 * reach the HDF5 read, the configuration checks and the model building of every format, in both
 * directions (a lowered limit refuses a file that loads by default; a raised one loads a file the
 * defaults refuse), and every refusal is a LimitError naming the file and the option.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel as loadH5Model } from '@kerasts/io-hdf5';
import { loadKerasModel } from '@kerasts/io-keras';
import { modelFromJSON } from '@kerasts/io-json';
import { modelFromYAML, toYAML } from '@kerasts/io-yaml';
import { compileOptionsFromTrainingConfig } from '@kerasts/model';
import { ConfigError, DEFAULT_LIMITS, LimitError } from '@kerasts/tensor';
import { loadModel } from '../src/index.js';
import { fixturesDir, seedPath } from '../../../tools/testing/shared.js';

const h5File = join(fixturesDir, 'h5', 'seed_keras3.h5'); // LSTM(4) + Dense(1): 213 weight values
const kerasFile = join(fixturesDir, 'keras', 'func_merges.keras');
const seed = readFileSync(seedPath, 'utf8'); // Keras 2.0.8: LSTM(4) on (1, 8) + Dense(1)

async function refusal(p: Promise<unknown> | (() => unknown)): Promise<LimitError> {
  let err: unknown = null;
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(LimitError);
  return err as LimitError;
}

describe('the limits option reaches every loader', () => {
  it('the documented defaults', () => {
    expect(DEFAULT_LIMITS).toEqual({ maxBytes: 2 ** 30, maxParameters: 2 ** 28, maxMetadataBytes: 64 * 2 ** 20, maxDepth: 100 });
  });

  it('legacy .h5 (io-hdf5 loadModel, kerasts loadModel): maxParameters bounds the model built from model_config', async () => {
    expect((await loadH5Model(h5File)).countParams()).toBe(213);
    for (const load of [() => loadH5Model(h5File, { limits: { maxParameters: 100 } }), () => loadModel(h5File, { limits: { maxParameters: 100 } })]) {
      const err = await refusal(load);
      expect(err.option).toBe('maxParameters');
      expect(err.message).toContain('seed_keras3.h5');
      expect(err.message).toContain('option maxParameters');
    }
    // maxBytes reaches the HDF5 read: 213 float32 values are 852 bytes
    const err = await refusal(() => loadH5Model(h5File, { limits: { maxBytes: 800 } }));
    expect(err.option).toBe('maxBytes');
    expect(err.message).toContain('seed_keras3.h5');
  });

  it('.keras (io-keras loadKerasModel, kerasts loadModel): maxParameters, maxDepth and maxBytes', async () => {
    const params = (await loadKerasModel(kerasFile, { warn: () => {} })).countParams();
    expect(params).toBeGreaterThan(10);
    for (const [limits, option] of [[{ maxParameters: 10 }, 'maxParameters'], [{ maxDepth: 3 }, 'maxDepth'], [{ maxBytes: 64 }, 'maxBytes']] as const) {
      for (const load of [() => loadKerasModel(kerasFile, { limits, warn: () => {} }), () => loadModel(kerasFile, { limits, warn: () => {} })]) {
        const err = await refusal(load);
        expect(err.option, option).toBe(option);
        expect(err.message).toContain('func_merges.keras');
      }
    }
    // the ZIP's own limit goes through the same option (checked before anything is inflated)
    await expect(loadKerasModel(kerasFile, { limits: { maxEntries: 1 } })).rejects.toThrow(/too many entries: 3 is over the limit of 1 \(option maxEntries/);
  });

  it('JSON and YAML (modelFromJSON, modelFromYAML, kerasts loadModel): maxParameters and maxDepth, lowered and raised', async () => {
    const yaml = toYAML(modelFromJSON(seed));
    for (const build of [(l: object) => modelFromJSON(seed, { source: 'seed.json', limits: l }), (l: object) => modelFromYAML(yaml, { source: 'seed.yaml', limits: l })]) {
      expect(build({}).countParams()).toBe(213);
      expect((await refusal(() => build({ maxParameters: 100 }))).message).toMatch(/^seed\.(json|yaml): .*option maxParameters/);
      expect((await refusal(() => build({ maxDepth: 3 }))).message).toMatch(/^seed\.(json|yaml): .*option maxDepth/);
    }
    // raised: a Dense of 4 × 300,000,000 weights is over the default maxParameters; with the limit
    // raised the check passes and building goes on (here to the model's per-model budget of 1e9)
    const big = seed.replace('"units": 1,', '"units": 300000000,');
    expect((await refusal(() => modelFromJSON(big, { source: 'big.json' }))).message).toMatch(/^big\.json: layers\[1\]: dense_1\.kernel_initializer: .*1,200,000,000 values is over the limit of 268,435,456 values/);
    expect((await refusal(() => modelFromJSON(big, { source: 'big.json', limits: { maxParameters: 1e9 } }))).message).toMatch(/1,200,000,000 values is over the limit of 1,000,000,000 values/);
  });

  it('a training configuration nested 100,000 deep is a LimitError, not a stack overflow', async () => {
    const deep = `{"optimizer_config": {"class_name": "Adam", "config": {}}, "loss": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const err = await refusal(() => compileOptionsFromTrainingConfig(deep));
    expect(err.option).toBe('maxDepth');
    expect(err.message).toMatch(/^training_config: /);
    expect(() => compileOptionsFromTrainingConfig('{"optimizer_config": {"class_name": "Adam", "config": {}}, "loss": "mse", "__proto__": {}}')).toThrow(ConfigError);
  });
});
