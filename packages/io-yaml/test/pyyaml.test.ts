import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, UnsupportedError } from '../src/pyyaml-errors.js';
import {
  KERAS2_FLOAT_KEYS,
  KERAS2_TUPLE_KEYS,
  compareCodePoints,
  dumpPyYaml,
  loadKerasYaml,
  loadKerasYamlDocument,
  pyYamlFloat,
  type PyYamlDumpOptions,
  type YamlPath,
  type YamlValue,
} from '../src/pyyaml.js';

const fixture = (name: string): string => readFileSync(fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url)), 'utf8');

interface DumpCase {
  name: string;
  value: unknown;
  legacy: string;
  block: string;
}
interface LoadCase {
  name: string;
  text: string;
  value: unknown;
}

const dumpCases = (JSON.parse(fixture('pyyaml-dump-cases.json')) as { cases: DumpCase[] }).cases;
const loadCases = (JSON.parse(fixture('pyyaml-load-cases.json')) as { cases: LoadCase[] }).cases;

interface Decoded {
  value: YamlValue;
  tuplePaths: YamlPath[];
  floatPaths: YamlPath[];
}

function pyFloat(repr: string): number {
  if (repr === 'nan') return NaN;
  if (repr === 'inf') return Infinity;
  if (repr === '-inf') return -Infinity;
  return Number(repr);
}

/**
 * Decode the generator's encoding: {"$float": repr}, {"$tuple": [...]}, and {"$anchor": n, "$value"}
 * / {"$ref": n} for an object that Python shared (rebuilt as one shared JavaScript object). Tuple and
 * float paths are recorded at every place a value occurs, shared or not.
 */
function decode(encoded: unknown): Decoded {
  const tuplePaths: YamlPath[] = [];
  const floatPaths: YamlPath[] = [];
  const path: (string | number)[] = [];
  const refs = new Map<number, { encoded: unknown; value: YamlValue }>();
  const recording = new Set<number>();
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

  // Build (or, with `into`, fill) the value of `v`.
  const walk = (v: unknown, into?: YamlValue[] | Record<string, YamlValue>): YamlValue => {
    if (v === null || typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
    if (isObj(v) && typeof v.$float === 'string') {
      floatPaths.push([...path]);
      return pyFloat(v.$float);
    }
    if (isObj(v) && typeof v.$ref === 'number') {
      const ref = refs.get(v.$ref)!;
      if (!recording.has(v.$ref)) {
        recording.add(v.$ref);
        record(ref.encoded);
        recording.delete(v.$ref);
      }
      return ref.value;
    }
    if (isObj(v) && typeof v.$anchor === 'number') {
      const inner = v.$value;
      const shell: YamlValue[] | Record<string, YamlValue> = Array.isArray(inner) || (isObj(inner) && Array.isArray(inner.$tuple)) ? [] : {};
      refs.set(v.$anchor, { encoded: inner, value: shell });
      recording.add(v.$anchor);
      walk(inner, shell);
      recording.delete(v.$anchor);
      return shell;
    }
    const items = Array.isArray(v) ? v : isObj(v) && Array.isArray(v.$tuple) ? (v.$tuple as unknown[]) : null;
    if (items !== null) {
      if (!Array.isArray(v)) tuplePaths.push([...path]);
      const out = (into as YamlValue[] | undefined) ?? [];
      items.forEach((x, i) => {
        path.push(i);
        out.push(walk(x));
        path.pop();
      });
      return out;
    }
    const out = (into as Record<string, YamlValue> | undefined) ?? {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      path.push(k);
      out[k] = walk(x);
      path.pop();
    }
    return out;
  };
  // Record the tuple/float paths of a shared value met again, without building anything.
  const record = (v: unknown): void => {
    if (!isObj(v) && !Array.isArray(v)) return;
    if (isObj(v) && typeof v.$float === 'string') {
      floatPaths.push([...path]);
      return;
    }
    if (isObj(v) && typeof v.$ref === 'number') {
      if (recording.has(v.$ref)) return;
      recording.add(v.$ref);
      record(refs.get(v.$ref)!.encoded);
      recording.delete(v.$ref);
      return;
    }
    if (isObj(v) && typeof v.$anchor === 'number') {
      recording.add(v.$anchor);
      record(v.$value);
      recording.delete(v.$anchor);
      return;
    }
    const items = Array.isArray(v) ? v : Array.isArray(v.$tuple) ? (v.$tuple as unknown[]) : null;
    if (items !== null) {
      if (!Array.isArray(v)) tuplePaths.push([...path]);
      items.forEach((x, i) => {
        path.push(i);
        record(x);
        path.pop();
      });
      return;
    }
    for (const [k, x] of Object.entries(v)) {
      path.push(k);
      record(x);
      path.pop();
    }
  };
  return { value: walk(encoded), tuplePaths, floatPaths };
}

const pathSet = (paths: readonly YamlPath[]) => {
  const s = new Set(paths.map((p) => JSON.stringify(p)));
  return (p: YamlPath) => s.has(JSON.stringify(p));
};

function optionsFor(d: Decoded, style: PyYamlDumpOptions['style']): PyYamlDumpOptions {
  return { style, tuple: pathSet(d.tuplePaths), float: pathSet(d.floatPaths) };
}

const sortPaths = (ps: readonly YamlPath[]) => ps.map((p) => JSON.stringify(p)).sort();

describe('dumpPyYaml matches PyYAML 6.0.3 byte for byte', () => {
  it('has fixtures', () => {
    expect(dumpCases.length).toBeGreaterThan(30);
  });
  for (const c of dumpCases) {
    const d = decode(c.value);
    it(`${c.name} (legacy, default_flow_style=None)`, () => {
      expect(dumpPyYaml(d.value, optionsFor(d, 'pyyaml-legacy'))).toBe(c.legacy);
    });
    it(`${c.name} (PyYAML >= 5.1, block)`, () => {
      expect(dumpPyYaml(d.value, optionsFor(d, 'pyyaml-5.1'))).toBe(c.block);
    });
  }
});

describe('loadKerasYaml(dumpPyYaml(x)) round-trips', () => {
  for (const c of dumpCases) {
    const d = decode(c.value);
    if (c.name.startsWith('cyclic')) {
      it(`${c.name}: a recursive alias cannot be loaded (ConfigError)`, () => {
        expect(() => loadKerasYaml(c.legacy)).toThrow(ConfigError);
      });
      continue;
    }
    for (const style of ['pyyaml-legacy', 'pyyaml-5.1'] as const) {
      it(`${c.name} (${style})`, () => {
        const text = dumpPyYaml(d.value, optionsFor(d, style));
        expect(loadKerasYaml(text)).toEqual(d.value);
        const doc = loadKerasYamlDocument(text);
        expect(doc.value).toEqual(d.value);
        expect(sortPaths(doc.tuplePaths)).toEqual(sortPaths(d.tuplePaths));
        expect(sortPaths(doc.floatPaths)).toEqual(sortPaths(d.floatPaths));
        // ... so the document can be written again, identically.
        expect(dumpPyYaml(doc.value, { style, tuple: doc.tuple, float: doc.float })).toBe(text);
      });
    }
  }
});

describe('loadKerasYaml reads what PyYAML FullLoader reads', () => {
  for (const c of loadCases) {
    it(c.name, () => {
      const d = decode(c.value);
      const doc = loadKerasYamlDocument(c.text);
      expect(doc.value).toEqual(d.value);
      expect(sortPaths(doc.tuplePaths)).toEqual(sortPaths(d.tuplePaths));
      expect(sortPaths(doc.floatPaths)).toEqual(sortPaths(d.floatPaths));
    });
  }
});

describe('the seed model (Keras 2.0.8) from key rules', () => {
  const seedCase = dumpCases.find((c) => c.name === 'seed-model');
  // What io-json would hand over: plain JSON, no tuple or float markers.
  const plain = JSON.parse(JSON.stringify(decode(seedCase?.value).value)) as YamlValue;
  const rules = { tupleKeys: KERAS2_TUPLE_KEYS, floatKeys: KERAS2_FLOAT_KEYS };

  it('renders like PyYAML < 5.1 (keras-samples/yaml_demo.txt)', () => {
    const out = dumpPyYaml(plain, { style: 'pyyaml-legacy', ...rules });
    expect(out).toBe(fixture('seed-legacy.yaml'));
    expect(out).toContain('    batch_input_shape: !!python/tuple [null, 1, 8]\n');
    expect(out).toContain('      config: {distribution: uniform, mode: fan_avg, scale: 1.0, seed: null}\n');
    expect(out.startsWith('backend: tensorflow\nclass_name: Sequential\nconfig:\n- class_name: LSTM\n')).toBe(true);
  });
  it('renders like PyYAML >= 5.1', () => {
    const out = dumpPyYaml(plain, { style: 'pyyaml-5.1', ...rules });
    expect(out).toBe(fixture('seed-5.1.yaml'));
    expect(out).toContain('    batch_input_shape: !!python/tuple\n    - null\n    - 1\n    - 8\n');
  });
  it('loads both renderings to the same config', () => {
    expect(loadKerasYaml(fixture('seed-legacy.yaml'))).toEqual(plain);
    expect(loadKerasYaml(fixture('seed-5.1.yaml'))).toEqual(plain);
  });
});

describe('dump options', () => {
  it('tuple callback decides before tupleKeys; undefined falls back', () => {
    const v = { a: [1, 2], b: [3], c: { d: [4] } };
    const out = dumpPyYaml(v, {
      style: 'pyyaml-legacy',
      tupleKeys: new Set(['a', 'b', 'd']),
      tuple: (p) => (p[0] === 'b' ? false : undefined),
    });
    expect(out).toBe('a: !!python/tuple [1, 2]\nb: [3]\nc:\n  d: !!python/tuple [4]\n');
  });
  it('tupleKeys apply to nested arrays under the key (tuple of tuples)', () => {
    const out = dumpPyYaml({ padding: [[1, 1], [2, 2]] }, { style: 'pyyaml-legacy', tupleKeys: new Set(['padding']) });
    expect(out).toBe('padding: !!python/tuple\n- !!python/tuple [1, 1]\n- !!python/tuple [2, 2]\n');
  });
  it('tuples inside lists via the path callback', () => {
    const out = dumpPyYaml({ shapes: [[null, 3], [null, 4]] }, { style: 'pyyaml-legacy', tuple: (p) => p.length === 2 });
    expect(out).toBe('shapes:\n- !!python/tuple [null, 3]\n- !!python/tuple [null, 4]\n');
  });
  it('integers are ints unless a float rule says otherwise; non-integers, -0, NaN, inf are floats', () => {
    const v = { a: 1, b: 1, c: [0, 2], d: 0.5, e: -0, f: NaN, g: -Infinity, h: 1e-7, i: 2 ** 60 };
    expect(dumpPyYaml(v, { style: 'pyyaml-legacy', floatKeys: new Set(['b', 'c']), float: (p) => (p[0] === 'i' ? true : undefined) })).toBe(
      'a: 1\nb: 1.0\nc: [0.0, 2.0]\nd: 0.5\ne: -0.0\nf: .nan\ng: -.inf\nh: 1.0e-07\ni: 1.152921504606847e+18\n',
    );
    expect(dumpPyYaml({ a: 1, b: 2 }, { style: 'pyyaml-legacy', floatKeys: new Set(['b']) })).toBe('{a: 1, b: 2.0}\n');
    expect(dumpPyYaml({ i: 2 ** 60, j: 1e21 }, { style: 'pyyaml-5.1' })).toBe('i: 1152921504606846976\nj: 1000000000000000000000\n');
  });
  it('sorts keys by code point like Python', () => {
    const keys = ['b', 'a', '\uffff', '\u{1f600}', '\ue000', 'B', '_'];
    expect([...keys].sort(compareCodePoints)).toEqual(['B', '_', 'a', 'b', '\ue000', '\uffff', '\u{1f600}']);
  });
  it('refuses values that are not JSON-like', () => {
    expect(() => dumpPyYaml({ a: undefined } as unknown as YamlValue, { style: 'pyyaml-5.1' })).toThrow(ConfigError);
    expect(() => dumpPyYaml({ a: { b: () => 1 } } as unknown as YamlValue, { style: 'pyyaml-5.1' })).toThrow(/\$\.a\.b/);
    expect(() => dumpPyYaml({ d: new Date(0) } as unknown as YamlValue, { style: 'pyyaml-5.1' })).toThrow(/Date/);
    expect(() => dumpPyYaml({}, { style: 'pyyaml-6' as 'pyyaml-5.1' })).toThrow(ConfigError);
  });
  it('aliases shared objects by identity like PyYAML, or not at all with aliases: false', () => {
    const shared = { class_name: 'Zeros', config: {} };
    const strides = [1, 1];
    const v = { a: shared, b: shared, s: strides, t: strides };
    const tupleKeys = new Set(['s', 't']);
    expect(dumpPyYaml(v, { style: 'pyyaml-legacy', tupleKeys })).toBe(
      'a: &id001\n  class_name: Zeros\n  config: {}\nb: *id001\ns: &id002 !!python/tuple [1, 1]\nt: *id002\n',
    );
    expect(dumpPyYaml(v, { style: 'pyyaml-legacy', tupleKeys, aliases: false })).toBe(
      'a:\n  class_name: Zeros\n  config: {}\nb:\n  class_name: Zeros\n  config: {}\ns: !!python/tuple [1, 1]\nt: !!python/tuple [1, 1]\n',
    );
    const cyclic: Record<string, YamlValue> = { x: 1 };
    cyclic.self = cyclic;
    expect(dumpPyYaml(cyclic, { style: 'pyyaml-5.1' })).toBe('&id001\nself: *id001\nx: 1\n');
    expect(() => dumpPyYaml(cyclic, { style: 'pyyaml-5.1', aliases: false })).toThrow(/cyclic/);
  });
});

describe('pyYamlFloat', () => {
  it('formats like PyYAML represent_float', () => {
    expect(pyYamlFloat(1)).toBe('1.0');
    expect(pyYamlFloat(0)).toBe('0.0');
    expect(pyYamlFloat(-0)).toBe('-0.0');
    expect(pyYamlFloat(1e-7)).toBe('1.0e-07');
    expect(pyYamlFloat(0.0010000000474974513)).toBe('0.0010000000474974513');
    expect(pyYamlFloat(1e16)).toBe('1.0e+16');
    expect(pyYamlFloat(1e15)).toBe('1000000000000000.0');
    expect(pyYamlFloat(0.0001)).toBe('0.0001');
    expect(pyYamlFloat(0.00001)).toBe('1.0e-05');
    expect(pyYamlFloat(1.5e300)).toBe('1.5e+300');
    expect(pyYamlFloat(5e-324)).toBe('5.0e-324');
    expect(pyYamlFloat(NaN)).toBe('.nan');
    expect(pyYamlFloat(Infinity)).toBe('.inf');
    expect(pyYamlFloat(-Infinity)).toBe('-.inf');
  });
});

describe('loadKerasYaml', () => {
  it('reads !!python/tuple as an array and Python 2 unicode tags as strings', () => {
    expect(loadKerasYaml('a: !!python/tuple [null, 1, 8]\nb: !!python/unicode x\n')).toEqual({ a: [null, 1, 8], b: 'x' });
  });
  it('turns non-string keys into strings (JavaScript objects only have string keys)', () => {
    expect(loadKerasYaml('1: a\n1.0: b\n1e-7: c\nnull: d\n')).toEqual({ '1': 'a', '1.0': 'b', '1e-7': 'c', null: 'd' });
  });
  it('returns null for an empty document', () => {
    expect(loadKerasYaml('')).toBeNull();
    expect(loadKerasYaml('# only a comment\n')).toBeNull();
  });
  it('keeps a __proto__ key as data', () => {
    const v = loadKerasYaml("'__proto__': {polluted: true}\n") as Record<string, unknown>;
    expect(Object.keys(v)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  const refused: [string, string, number][] = [
    ['a: 1\nb: !!python/object:keras.layers.Dense {units: 1}\n', '!!python/object:keras.layers.Dense', 2],
    ['a: !!python/name:os.system\n', '!!python/name:os.system', 1],
    ['x:\n  y:\n    - 1\n    - !!python/object/apply:os.system\n      - echo pwned\n', '!!python/object/apply:os.system', 4],
    ['!!python/object/new:subprocess.Popen [ls]\n', '!!python/object/new:subprocess.Popen', 1],
    ['a: !!python/module:os\n', '!!python/module:os', 1],
    ['a: !!python/complex 1+2j\n', '!!python/complex', 1],
    ['a: !!python/bytes AAAA\n', '!!python/bytes', 1],
    ['a: !<tag:yaml.org,2002:python/object:os.system> {}\n', '!!python/object:os.system', 1],
    ['%TAG !p! tag:yaml.org,2002:python/\n---\na: !p!object:x {}\n', '!!python/object:x', 3],
    ['a:\n  # comment!\n  &anchor !!python/object:x\n  k: 1\n', '!!python/object:x', 3],
    ['a: !!binary aGVsbG8=\n', '!!binary', 1],
    ['a: !!set {x: null}\n', '!!set', 1],
    ['a: !custom 1\n', '!custom', 1],
  ];
  for (const [text, tag, line] of refused) {
    it(`refuses ${tag} with UnsupportedError naming the tag and line ${line}`, () => {
      let err: unknown;
      try {
        loadKerasYaml(text, { fileName: 'model.yaml' });
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(UnsupportedError);
      const msg = (err as Error).message;
      expect(msg).toContain(tag);
      expect(msg).toContain(`line ${line}`);
      expect((err as UnsupportedError).where).toMatch(new RegExp(`^model\\.yaml:${line}:\\d+$`));
    });
  }

  it('reports syntax errors as ConfigError with line and column', () => {
    let err: unknown;
    try {
      loadKerasYaml('a: 1\nb: [1, 2\nc: 3\n', { fileName: 'bad.yaml' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).where).toMatch(/^bad\.yaml:\d+:\d+$/);
    expect((err as Error).message).toMatch(/line \d+, column \d+/);

    expect(() => loadKerasYaml('a: 1\n  b: 2\n')).toThrow(ConfigError);
    expect(() => loadKerasYaml('a: *missing\n')).toThrow(/line 1/);
    expect(() => loadKerasYaml('a: 1\n---\nb: 2\n')).toThrow(ConfigError);
    expect(() => loadKerasYaml('a: !!python/tuple 5\n')).toThrow(ConfigError);
    expect(() => loadKerasYaml('a: !!int abc\n')).toThrow(ConfigError);
    expect(() => loadKerasYaml('key: "unterminated\n')).toThrow(/<yaml>:\d+:\d+/);
  });
});

describe('loadKerasYaml resource limits', () => {
  it('refuses a "billion laughs" document instead of expanding it', () => {
    const lines = ['a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 12; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(', ')}]`);
    expect(() => loadKerasYaml(lines.join('\n') + '\n')).toThrow(/aliases expand/);
  });
});
