/**
 * Every real and sample Keras .h5 file is read and compared with an independent oracle: h5py
 * (fixtures/h5py-oracle.json, made by fixtures/h5py_oracle.py), the real-file manifest, and the
 * h5dump text published next to the samples.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { FormatError, KerastsError, UnsupportedError } from '@kerasts/tensor';
import { describe, expect, it } from 'vitest';
import { type H5Weight, type KerasH5Contents, readKerasH5 } from '../src/index.js';
import {
  CRAFTED_DIR,
  type OracleWeight,
  SAMPLES_DIR,
  SHARED,
  closeTo,
  describeShared,
  hasShared,
  loadOracle,
  oracleNumber,
  readBytes,
  referenceFiles,
  sum,
  toNumbers,
} from './helpers.js';

const oracle = loadOracle();
const files = referenceFiles();

function sha(s: string): string {
  return createHash('sha256').update(s, 'utf8').digest('hex');
}

function checkWeights(actual: H5Weight[], expected: OracleWeight[], what: string): void {
  expect(actual.map((w) => w.name), what).toEqual(expected.map((w) => w.name));
  actual.forEach((w, i) => {
    const e = expected[i]!;
    const at = `${what} ${w.name}`;
    expect(w.hdf5Path, at).toBe(e.hdf5Path);
    expect(w.shape, at).toEqual(e.shape);
    expect(w.dtype, at).toBe(e.dtype);
    expect(w.data.length, at).toBe(e.count);
    const vals = toNumbers(w);
    e.first.forEach((f, j) => expect(closeTo(vals[j]!, oracleNumber(f), 0), `${at}[${j}]`).toBe(true));
    expect(closeTo(sum(w), oracleNumber(e.sum), 1e-6), `${at} sum ${sum(w)} vs ${e.sum}`).toBe(true);
  });
}

describe('reference files vs the h5py oracle', () => {
  it('the oracle covers exactly the reference files on disk (regenerate it with fixtures/h5py_oracle.py otherwise)', () => {
    // without the shared corpus only the committed subset is on disk: each of those is covered
    if (hasShared) expect(files.map((f) => f.key).sort()).toEqual(Object.keys(oracle.files).sort());
    else for (const f of files) expect(Object.keys(oracle.files), f.key).toContain(f.key);
  });

  for (const { key, path } of files) {
    const e = oracle.files[key];
    it(`${key}: ${e?.outcome}`, async () => {
      expect(e, 'oracle entry').toBeDefined();
      if (!e) return;
      const bytes = readBytes(path);
      const name = key;
      if (e.outcome !== 'ok') {
        const err = await readKerasH5(bytes, { fileName: name }).then(
          () => null,
          (x: unknown) => x,
        );
        expect(err).toBeInstanceOf(KerastsError);
        const msg = (err as Error).message;
        expect(msg).toContain(name);
        if (e.outcome === 'keras3-native') {
          expect(err).toBeInstanceOf(UnsupportedError);
          expect(msg).toMatch(/Keras 3 \.weights\.h5 layout: not a legacy \.h5/);
        } else if (e.outcome === 'not-keras') {
          expect(err).toBeInstanceOf(FormatError);
          expect(msg).toMatch(/not a Keras file/);
        } else if (e.outcome === 'missing-layer-group') {
          expect(err).toBeInstanceOf(FormatError);
          expect(msg).toContain(`layer '${e.layer}' is listed in layer_names but its group is missing`);
          expect(msg).toContain(`/${e.layer}`);
        } else {
          expect(err).toBeInstanceOf(FormatError);
        }
        return;
      }
      const c = await readKerasH5(bytes, { fileName: name });
      expect(c.kind).toBe(e.kind);
      expect(c.rootAttrs.kerasVersion).toBe(e.rootAttrs!.kerasVersion);
      expect(c.rootAttrs.backend).toBe(e.rootAttrs!.backend);
      for (const k of ['modelConfig', 'trainingConfig'] as const) {
        const exp = e.rootAttrs![k];
        const got = c.rootAttrs[k];
        if (exp === null) expect(got).toBeNull();
        else {
          expect(got).not.toBeNull();
          expect(got!.length).toBe(exp.length);
          expect(sha(got!)).toBe(exp.sha256);
        }
      }
      expect(c.weights.layerNames).toEqual(e.layerNames);
      expect(c.weights.kerasVersion).toBe(e.kerasVersion);
      expect(c.weights.backend).toBe(e.backend);
      expect(c.weights.layers.map((l) => l.name)).toEqual(e.layerNames);
      c.weights.layers.forEach((l, i) => {
        const el = e.layers![i]!;
        expect(l.weightNames, l.name).toEqual(el.weightNames);
        checkWeights(l.weights, el.weights, `layer ${l.name}`);
      });
      if (e.topLevelWeights) {
        expect(c.weights.topLevelWeights).toBeDefined();
        checkWeights(c.weights.topLevelWeights!, e.topLevelWeights.weights, 'top_level_model_weights');
      } else {
        expect(c.weights.topLevelWeights).toBeUndefined();
      }
      if (e.optimizerWeights) {
        expect(c.optimizerWeights).not.toBeNull();
        expect(c.optimizerWeights!.weightNames).toEqual(e.optimizerWeights.weightNames);
        checkWeights(c.optimizerWeights!.weights, e.optimizerWeights.weights, 'optimizer_weights');
      } else {
        expect(c.optimizerWeights).toBeNull();
      }
      expect(c.extraRootGroups).toEqual(e.extraRootGroups);
    });
  }
});

// ------------------------------------------------------------------------------------------------

interface ManifestEntry {
  name: string;
  file: string;
  kind: 'full-model' | 'weights-only';
  keras_version: string;
  backend: string | null;
  root_attrs: string[];
  root_keys: string[];
  optimizer_weights: boolean;
  training_config: boolean;
  extra_root_groups: string[];
  layer_names?: string[];
}

describeShared('real files vs manifest.json', () => {
  const manifest: ManifestEntry[] = hasShared ? JSON.parse(readFileSync(`${SHARED}/real-keras-files/manifest.json`, 'utf8')) : [];
  it('has 20 entries', () => expect(manifest.length).toBe(20));
  for (const m of manifest) {
    it(m.name, async () => {
      const c = await readKerasH5(readBytes(`${SHARED}/real-keras-files/${m.file}`), { fileName: m.file });
      expect(c.kind).toBe(m.kind === 'full-model' ? 'model' : 'weights');
      expect(c.rootAttrs.kerasVersion).toBe(m.keras_version);
      expect(c.rootAttrs.backend).toBe(m.backend);
      expect(c.rootAttrs.modelConfig !== null).toBe(m.root_attrs.includes('model_config'));
      expect(c.rootAttrs.trainingConfig !== null).toBe(m.training_config);
      expect(c.optimizerWeights !== null).toBe(m.optimizer_weights);
      expect(c.extraRootGroups).toEqual(m.extra_root_groups);
      if (m.kind === 'weights-only') {
        expect([...c.weights.layerNames].sort()).toEqual([...m.root_keys].sort());
        expect(c.weights.kerasVersion).toBe(m.keras_version);
      } else {
        expect(m.root_keys.filter((k) => !m.extra_root_groups.includes(k)).sort()).toEqual(
          ['model_weights', ...(m.optimizer_weights ? ['optimizer_weights'] : [])].sort(),
        );
      }
      if (m.layer_names) expect(c.weights.layerNames).toEqual(m.layer_names);
      // Keras 1 files: keras_version only at the root, never on model_weights.
      if (m.keras_version.startsWith('1.')) expect(c.weights.kerasVersion).toBeNull();
    });
  }
});

// ------------------------------------------------------------------------------------------------

/** Minimal parser of `h5dump -A` text: datasets (path, dtype, shape) and string attributes. */
function parseH5dump(text: string): {
  datasets: Map<string, { dtype: string; shape: number[] }>;
  attrs: Map<string, { strings: string[]; complete: boolean }>;
} {
  const datasets = new Map<string, { dtype: string; shape: number[] }>();
  const attrs = new Map<string, { strings: string[]; complete: boolean }>();
  const stack: { indent: number; name: string }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const m = /^( *)(GROUP|DATASET|ATTRIBUTE) "([^"]*)" \{/.exec(line);
    if (!m) continue;
    const indent = m[1]!.length;
    while (stack.length && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const [, , type, name] = m;
    const parent = stack.map((s) => s.name).filter((n) => n !== '/').join('/');
    const full = type === 'GROUP' && name === '/' ? '/' : `/${parent ? `${parent}/` : ''}${name}`;
    if (type === 'GROUP') stack.push({ indent, name: name! });
    else if (type === 'DATASET') {
      const dt = /DATATYPE\s+(\S+)/.exec(lines[i + 1] ?? '')?.[1] ?? '?';
      const sp = lines[i + 2] ?? '';
      const shape = /SCALAR/.test(sp) ? [] : (/SIMPLE \{ \( ([^)]*) \)/.exec(sp)?.[1] ?? '').split(',').map((s) => Number(s.trim()));
      datasets.set(full, { dtype: dt, shape });
    } else {
      const owner = `/${parent}`;
      let j = i + 1;
      while (j < lines.length && !/^\s*DATA \{/.test(lines[j]!)) j++;
      const strings: string[] = [];
      let complete = true;
      for (j = j + 1; j < lines.length && !/^\s*\}/.test(lines[j]!); j++) {
        const body = lines[j]!.replace(/^\s*\(\d+\):\s*/, '');
        if (/^"\{/.test(body)) {
          // A JSON value: one string spanning the line; complete only if it is closed.
          complete = /"$/.test(body.trimEnd());
          strings.push(body.trimEnd().replace(/^"/, '').replace(/"$/, ''));
        } else {
          // Fixed-length NULLPAD strings are shown with their padding as \000.
          for (const s of body.matchAll(/"([^"]*)"/g)) strings.push(s[1]!.replace(/(\\000)+$/, ''));
        }
      }
      attrs.set(`${owner === '/' ? '' : owner}@${name}`, { strings, complete });
    }
  }
  return { datasets, attrs };
}

const H5DUMP_TYPES: Record<string, string> = {
  H5T_IEEE_F32LE: 'float32',
  H5T_IEEE_F64LE: 'float64',
  H5T_STD_I32LE: 'int32',
  H5T_STD_I64LE: 'int64',
};

function allWeights(c: KerasH5Contents): H5Weight[] {
  return [
    ...c.weights.layers.flatMap((l) => l.weights),
    ...(c.weights.topLevelWeights ?? []),
    ...(c.optimizerWeights?.weights ?? []),
  ];
}

describe('samples vs their h5dump -A text', () => {
  for (const [file, dump] of [
    [`${SAMPLES_DIR}/m.h5`, `${SAMPLES_DIR}/m.h5.h5dump-A.txt`],
    [`${SAMPLES_DIR}/func.h5`, `${SAMPLES_DIR}/func.h5.h5dump-A.txt`],
    [`${SAMPLES_DIR}/rmsprop.h5`, `${SAMPLES_DIR}/rmsprop.h5.h5dump-A.txt`],
    [`${CRAFTED_DIR}/k208_full.h5`, `${CRAFTED_DIR}/k208_full.h5dump-A.txt`],
  ] as const) {
    it(file.split('/').slice(-2).join('/'), async () => {
      const d = parseH5dump(readFileSync(dump, 'utf8'));
      const c = await readKerasH5(readBytes(file), { fileName: file });
      // Every dataset in the dump is a weight we read, with the same shape and type, and vice versa.
      const ours = allWeights(c);
      expect(ours.map((w) => w.hdf5Path).sort()).toEqual([...d.datasets.keys()].sort());
      for (const w of ours) {
        const ds = d.datasets.get(w.hdf5Path)!;
        expect(w.shape, w.hdf5Path).toEqual(ds.shape);
        expect(w.dtype, w.hdf5Path).toBe(H5DUMP_TYPES[ds.dtype]);
      }
      // String attributes: names in order, versions, and the full JSON where the dump is untrimmed.
      const wg = c.kind === 'model' ? '/model_weights' : '';
      expect(c.weights.layerNames).toEqual(d.attrs.get(`${wg}@layer_names`)?.strings);
      for (const l of c.weights.layers) {
        expect(l.weightNames, l.name).toEqual(d.attrs.get(`${wg}/${l.name}@weight_names`)?.strings ?? []);
      }
      if (c.optimizerWeights) expect(c.optimizerWeights.weightNames).toEqual(d.attrs.get('/optimizer_weights@weight_names')?.strings);
      expect(c.rootAttrs.kerasVersion).toBe(d.attrs.get('@keras_version')?.strings[0]);
      expect(c.rootAttrs.backend).toBe(d.attrs.get('@backend')?.strings[0]);
      expect(c.weights.kerasVersion).toBe(d.attrs.get(`${wg}@keras_version`)?.strings[0]);
      const mc = d.attrs.get('@model_config')!;
      if (mc.complete) expect(c.rootAttrs.modelConfig).toBe(mc.strings[0]);
      else expect(c.rootAttrs.modelConfig!.startsWith(mc.strings[0]!)).toBe(true);
    });
  }
});
