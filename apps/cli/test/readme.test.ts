// The README's support table is generated from the registries; this fails when they drift apart.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { supportMarkdown } from '../src/support.js';
import { MAX_DEFLATE_RATIO } from '../../../packages/io-hdf5/src/h5read.js';
import { MAX_HDF5_ERRORS } from '../../../packages/io-hdf5/src/engine.js';
import { RETIRE_GROWTH } from '../../../packages/io-hdf5/src/read-engine.js';
import { modelFromJSON } from '@kerasts/io-json';
import { DEFAULT_ZIP_MAX_BYTES, DEFAULT_ZIP_MAX_ENTRIES } from '@kerasts/io-keras';
import { readNpy, writeNpy } from '@kerasts/io-npy';
import { modelFromYAML } from '@kerasts/io-yaml';
import { ConfigError, DEFAULT_LIMITS, KerastsError, LimitError, UnsupportedError } from '@kerasts/tensor';
import { seedPath } from '../../../tools/testing/shared.js';

const readme = readFileSync(join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  it('shows the support table the registries give (run `pnpm readme` after adding a layer, optimizer, ...)', () => {
    expect(readme).toContain(supportMarkdown());
  });
  it('gives the two commands for a fresh machine', () => {
    expect(readme).toContain('pnpm install && pnpm start');
    expect(readme).toContain('pnpm test');
  });
});

// "Loading untrusted files": every figure in the section is the one in the code, and every claim of
// what is refused holds (the limits option of each loader is tested in packages/kerasts/test/limits-options.test.ts,
// the HDF5 checks in packages/io-hdf5/test/limits.test.ts, the saves in packages/tensor/test).
describe('README: Loading untrusted files', () => {
  const start = readme.indexOf('## Loading untrusted files');
  const section = readme.slice(start, readme.indexOf('\n## ', start + 10));

  it('has the section', () => {
    expect(start).toBeGreaterThan(0);
  });

  it('gives the defaults of every limit, and only those', () => {
    const rows = [...section.matchAll(/^\| `(\w+)` \| ([^|]+) \|/gm)].map((m) => [m[1]!, m[2]!.trim()] as const);
    expect(rows.map(([k]) => k).sort()).toEqual(Object.keys(DEFAULT_LIMITS).sort());
    const value = (text: string): number => {
      const m = /^(\d+(?:\.\d+)?) (GiB|MiB)$/.exec(text) ?? /^(2)\^(\d+)/.exec(text) ?? /^(\d+)$/.exec(text);
      if (!m) throw new Error(`cannot read "${text}"`);
      if (m[2] === 'GiB') return Number(m[1]) * 2 ** 30;
      if (m[2] === 'MiB') return Number(m[1]) * 2 ** 20;
      if (m[2] !== undefined) return 2 ** Number(m[2]);
      return Number(m[1]);
    };
    for (const [k, text] of rows) expect(value(text), k).toBe(DEFAULT_LIMITS[k as keyof typeof DEFAULT_LIMITS]);
    expect(section).toContain('2^28 (268,435,456 values');
    expect(2 ** 28).toBe(268_435_456);
  });

  it('gives the figures the code uses', () => {
    expect(section).toContain(`default ${DEFAULT_ZIP_MAX_BYTES / 2 ** 30} GiB for the archive`);
    expect(section).toContain(`(\`maxEntries\`, default ${DEFAULT_ZIP_MAX_ENTRIES.toLocaleString('en-US')})`);
    expect(section).toContain(`no larger than ${MAX_DEFLATE_RATIO} × the file`);
    expect(section).toContain(`after ${MAX_HDF5_ERRORS} HDF5 errors or once its memory grew by ${RETIRE_GROWTH / 2 ** 20} MiB`);
  });

  it('the calls it shows exist (kerasts exports them) and take a limits option', async () => {
    const k = await import('kerasts');
    for (const name of ['loadModel', 'loadWeights', 'readKerasH5', 'modelFromJSON', 'modelFromYAML', 'loadKerasModel', 'loadKerasWeights', 'setDefaultLimits', 'withLimits', 'DEFAULT_LIMITS', 'LimitError']) {
      expect(section, name).toContain(name);
      expect(k, name).toHaveProperty(name);
    }
    const seed = readFileSync(seedPath, 'utf8');
    expect(() => k.modelFromJSON(seed, { limits: { maxParameters: 10 } })).toThrow(k.LimitError);
    expect(k.withLimits({ maxParameters: 10 }, () => k.getLimits().maxParameters)).toBe(10);
  });

  it('what it says is never executed or looked up is refused with a typed error', () => {
    const seed = readFileSync(seedPath, 'utf8');
    const refused = (f: () => unknown, cls: new (...a: never[]) => Error, text: RegExp): void => {
      expect(f).toThrow(cls);
      expect(f).toThrow(text);
    };
    refused(() => modelFromJSON(seed.replace('"class_name": "Dense"', '"class_name": "Lambda"'), { source: 'm.json' }), UnsupportedError, /^m\.json: .*"Lambda".*holds Python code/);
    refused(() => modelFromJSON(seed.replace('"class_name": "Dense"', '"class_name": "MyLayer"'), { source: 'm.json' }), UnsupportedError, /registerLayer\("MyLayer"/);
    refused(() => modelFromYAML('!!python/object/apply:os.system ["ls"]\n', { source: 'm.yaml' }), UnsupportedError, /never constructs Python objects/);
    // a float32 .npy whose header says the array holds Python objects (numpy pickles those)
    const f32 = writeNpy({ dtype: 'float32', shape: [1], data: new Float32Array(1) });
    const header = new TextDecoder('latin1').decode(f32.subarray(0, 128));
    const npy = f32.slice();
    npy.set(new TextEncoder().encode("'descr': '|O', "), header.indexOf("'descr': '<f4',"));
    refused(() => readNpy(npy), UnsupportedError, /pickled; never loaded/);
    for (const n of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      refused(() => modelFromJSON(seed.replace('"activation": "linear"', `"activation": "${n}"`), { source: 'm.json' }), KerastsError, new RegExp(`^m\\.json: .*${n}`));
      refused(() => modelFromJSON(seed, { source: 'm.json' }).compile({ loss: n, optimizer: 'adam' }), KerastsError, new RegExp(n.replace(/_/g, '_')));
      refused(() => modelFromJSON(seed, { source: 'm.json' }).compile({ loss: 'mse', optimizer: n }), KerastsError, new RegExp(n));
    }
    refused(() => modelFromJSON(seed.replace('"units": 1,', '"units": 1, "__proto__": {"units": 9},'), { source: 'm.json' }), ConfigError, /"__proto__"/);
    refused(() => modelFromJSON(seed.replace('"units": 1,', '"units": 200000000,'), { source: 'm.json' }), LimitError, /^m\.json: layers\[1\]: .*option maxParameters/);
    refused(() => modelFromJSON(seed.replace('"units": 1,', `"units": ${'['.repeat(100_000)}${']'.repeat(100_000)},`), { source: 'm.json' }), LimitError, /option maxDepth/);
  });
});
