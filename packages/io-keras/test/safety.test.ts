/**
 * Safety as Keras' safe_mode, and damaged archives: every refusal is a typed error naming what and
 * where. The archives are a Keras-written fixture, taken apart and put together again with fflate
 * (which writes whatever it is given, unsafe names included).
 */
import { describe, expect, it } from 'vitest';
import { zipSync, type Zippable } from 'fflate';
import { FormatError, KerastsError, UnsupportedError } from '@kerasts/tensor';
import { registerLayer, Dense, type JsonObject } from '@kerasts/layers';
import { loadKerasModel, readKerasArchive, ZipArchive } from '../src/index.js';
import { fixture } from './helpers.js';

const base = fixture('seq_lstm_adam.keras');
const entries = (() => {
  const z = ZipArchive.open(base);
  return Object.fromEntries(z.entries.map((e) => [e.name, z.read(e.name)])) as Record<string, Uint8Array>;
})();
const config = JSON.parse(new TextDecoder().decode(entries['config.json'])) as JsonObject;

function archive(files: Record<string, Uint8Array | string>): Uint8Array {
  const z: Zippable = {};
  for (const [k, v] of Object.entries(files)) z[k] = [typeof v === 'string' ? new TextEncoder().encode(v) : v, { level: 0 }];
  return zipSync(z);
}

function withConfig(mutate: (c: JsonObject) => void): Uint8Array {
  const c = structuredClone(config);
  mutate(c);
  return archive({ ...entries, 'config.json': JSON.stringify(c) });
}

const layers = (c: JsonObject) => (c.config as JsonObject).layers as JsonObject[];

describe('safe mode: what Keras refuses, refused by name', () => {
  it('a Lambda layer', async () => {
    const a = withConfig((c) => {
      layers(c).splice(2, 0, { module: 'keras.layers', class_name: 'Lambda', config: { name: 'evil', function: { class_name: '__lambda__', config: { code: '4wEAAAAA', defaults: null, closure: null } } }, registered_name: null });
    });
    await expect(loadKerasModel(a, { fileName: 'evil.keras' })).rejects.toThrow(UnsupportedError);
    await expect(loadKerasModel(a, { fileName: 'evil.keras' })).rejects.toThrow(/evil.keras: config.json config.layers\[2\]: refusing "Lambda".*Python code/);
  });
  it('an unknown custom layer (module outside Keras)', async () => {
    const a = withConfig((c) => {
      layers(c)[2] = { module: 'my_project.layers', class_name: 'Fancy', config: { name: 'fancy' }, registered_name: 'MyProject>Fancy' };
    });
    await expect(loadKerasModel(a)).rejects.toThrow(/refusing the unknown custom object "MyProject>Fancy" \(module my_project.layers\).*registerLayer\("Fancy"/);
  });
  it('a custom function as an activation', async () => {
    const a = withConfig((c) => {
      (layers(c)[2]!.config as JsonObject).activation = { module: '__main__', class_name: 'function', config: 'my_act', registered_name: 'function' };
    });
    await expect(loadKerasModel(a)).rejects.toThrow(/refusing the custom function "my_act" \(module __main__\)/);
  });
  it('a custom layer that is registered in kerasts is accepted', async () => {
    registerLayer('MyDense', (cfg) => Dense.fromConfig(cfg));
    const a = withConfig((c) => {
      const d = layers(c)[2]!;
      d.module = 'my_project.layers';
      d.class_name = 'MyDense';
      d.registered_name = 'MyProject>MyDense';
    });
    // The factory builds a layer whose class (Dense) keys its variables, as Keras keys them by class.
    const m = await loadKerasModel(a);
    expect(m.layers.map((l) => l.className)).toEqual(['LSTM', 'Dense']);
  });
});

describe('damaged or hostile archives', () => {
  it('path traversal entry names', async () => {
    const a = archive({ ...entries, '../../etc/passwd': 'x' });
    await expect(loadKerasModel(a, { fileName: 't.keras' })).rejects.toThrow(/t.keras: refusing ZIP entry "..\/..\/etc\/passwd": .*path traversal/);
  });
  it('duplicated entries', async () => {
    // fflate keys entries by name, so splice a second central/local record by hand: append a copy.
    const a = archive({ ...entries, 'config.jsoX': entries['config.json']! });
    const i = Buffer.from(a).indexOf('config.jsoX');
    const j = Buffer.from(a).lastIndexOf('config.jsoX');
    a[i + 10] = 0x6e;
    a[j + 10] = 0x6e;
    await expect(readKerasArchive(a)).rejects.toThrow(/entry "config.json" twice/);
  });
  it('truncated archives, at every 97th byte', async () => {
    for (let cut = 0; cut < base.length; cut += 97) {
      await expect(readKerasArchive(base.subarray(0, cut)), `cut at ${cut}`).rejects.toThrow(FormatError);
    }
  });
  it('a zip bomb: declared size above the limit, refused before inflating', async () => {
    await expect(readKerasArchive(base, { limits: { maxBytes: 10_000 } })).rejects.toThrow(/declares more than 10000 inflated bytes/);
  });
  it('missing entries name what is missing', async () => {
    const { ['model.weights.h5']: _w, ...noWeights } = entries;
    await expect(readKerasArchive(archive(noWeights))).rejects.toThrow(/has no model.weights.h5/);
    const { ['config.json']: _c, ...noConfig } = entries;
    await expect(readKerasArchive(archive(noConfig))).rejects.toThrow(/not a Keras .keras archive: it has no config.json/);
    await expect(readKerasArchive(archive({ ...noWeights, 'model.weights.npz': new Uint8Array(4) }))).rejects.toThrow(UnsupportedError);
  });
  it('weights that do not fit the architecture', async () => {
    const a = withConfig((c) => {
      ((layers(c)[2]!.config as JsonObject).units as number) = 3;
    });
    await expect(loadKerasModel(a, { fileName: 'w.keras' })).rejects.toThrow(/w.keras, entry model.weights.h5, HDF5 path \/layers\/dense\/vars\/0: variable \/layers\/dense\/vars\/0 does not fit weight "kernel"/);
  });
  it('random byte flips in the archive: only typed errors', async () => {
    let seed = 99;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    let errors = 0;
    for (let k = 0; k < 150; k++) {
      const m = base.slice();
      const at = Math.floor(rnd() * m.length);
      m[at] ^= 1 << Math.floor(rnd() * 8);
      try {
        await loadKerasModel(m, { warn: () => {} });
      } catch (e) {
        errors++;
        expect(e, `flip at ${at}: ${String(e)}`).toBeInstanceOf(KerastsError);
      }
    }
    expect(errors).toBeGreaterThan(0);
  });
});
