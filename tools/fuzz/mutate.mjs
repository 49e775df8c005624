// Seeded mutators of the fuzz harness: HDF5 bytes, architecture JSON values, YAML text, and the
// fixed list of size/depth/name abuse. Everything is deterministic for a given seed.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = join(ROOT, 'tools', 'oracle', 'fixtures');

/** A deterministic generator of numbers in [0, 1). */
export function lcg(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const pick = (rnd, xs) => xs[Math.floor(rnd() * xs.length)];
const int = (rnd, n) => Math.floor(rnd() * n);

/** Every file under `dir` (recursively, sorted) whose name ends with `ext`. */
function filesUnder(dir, ext) {
  const out = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop();
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith(ext)) out.push(p);
    }
  }
  return out.sort();
}

/**
 * The committed HDF5 fixtures the HDF5 mutants start from: every `.h5` under tools/oracle/fixtures
 * (Keras 3.15.1 full models and weights files, Keras 3 native `.weights.h5`, crafted era files,
 * compiled models with optimizer state). Small files only (a mutant is read whole many times).
 */
export function hdf5Sources() {
  return filesUnder(FIXTURES, '.h5').filter((p) => statSync(p).size <= 512 * 1024);
}

/** The committed `.keras` archives (Keras 3.15.1) the archive mutants start from. */
export function kerasSources() {
  return filesUnder(FIXTURES, '.keras').filter((p) => statSync(p).size <= 512 * 1024);
}

/**
 * Training configurations the training mutants start from, besides the `training_config` attributes
 * of the committed `.h5` files (run.mjs reads those): one per other optimizer and a few losses.
 */
export function trainingSources() {
  const out = new Set();
  for (const [opt, loss] of [['SGD', 'mean_absolute_error'], ['RMSprop', 'mse'], ['Adagrad', 'binary_crossentropy'], ['Adadelta', 'huber'], ['Nadam', 'logcosh'], ['Adamax', 'mean_squared_logarithmic_error']]) {
    out.add(JSON.stringify({ optimizer_config: { class_name: opt, config: { learning_rate: 0.01 } }, loss, metrics: ['mae'], loss_weights: null, weighted_metrics: null, sample_weight_mode: null }));
  }
  return [...out];
}

/**
 * One HDF5 mutant: most mutations hit the first 8 KiB (superblock, object headers, heaps, B-trees),
 * some the whole file. Kinds: random bytes, 0xFF runs, bit flips, a large little-endian integer
 * written over a size or address, zeroed runs, a spliced copy of another part, a truncation.
 */
export function mutateHdf5(src, rnd) {
  const kind = int(rnd, 7);
  if (kind === 6) return src.slice(0, 1 + int(rnd, src.length - 1));
  const b = src.slice();
  const region = rnd() < 0.7 ? Math.min(b.length, 8192) : b.length;
  const n = 1 + int(rnd, 6);
  for (let j = 0; j < n; j++) {
    const at = int(rnd, region);
    switch (kind) {
      case 0:
        b[at] = int(rnd, 256);
        break;
      case 1:
        for (let k = 0; k < 1 + int(rnd, 4) && at + k < b.length; k++) b[at + k] = 0xff;
        break;
      case 2:
        b[at] ^= 1 << int(rnd, 8);
        break;
      case 3: {
        // a big number where a size or address may be: 2^k - small, 4 or 8 bytes little-endian
        const v = BigInt(2) ** BigInt(16 + int(rnd, 47)) - BigInt(int(rnd, 3));
        for (let k = 0; k < (rnd() < 0.5 ? 4 : 8) && at + k < b.length; k++) b[at + k] = Number((v >> BigInt(8 * k)) & 255n);
        break;
      }
      case 4:
        b.fill(0, at, Math.min(b.length, at + 1 + int(rnd, 64)));
        break;
      case 5: {
        const from = int(rnd, b.length);
        const len = Math.min(1 + int(rnd, 256), b.length - from, b.length - at);
        b.copyWithin(at, from, from + len);
        break;
      }
    }
  }
  return b;
}

/**
 * One `.keras` mutant. Half are byte mutants of the archive (as {@link mutateHdf5}: local headers,
 * the central directory, sizes, CRCs, names), half are rebuilt archives whose members were mutated:
 * `config.json` or `metadata.json` as architecture JSON, `model.weights.h5` as HDF5, a member dropped
 * or duplicated under another name, or everything deflated. `zip` = `{ ZipArchive, writeZip }` of
 * @kerasts/zip (passed in so this module loads before the build).
 */
export function mutateKeras(src, rnd, zip) {
  if (rnd() < 0.5) return mutateHdf5(src, rnd);
  const archive = zip.ZipArchive.open(src);
  const entries = archive.entries.filter((e) => !e.name.endsWith('/')).map((e) => ({ name: e.name, data: archive.read(e.name) }));
  const find = (name) => entries.find((e) => e.name === name);
  const text = (e) => new TextDecoder().decode(e.data);
  let compress = false;
  switch (int(rnd, 6)) {
    case 0:
    case 1: {
      const e = find('config.json');
      if (e) e.data = new TextEncoder().encode(mutateJson(text(e), rnd));
      break;
    }
    case 2: {
      const e = find('metadata.json');
      if (e) e.data = new TextEncoder().encode(mutateJson(text(e), rnd));
      break;
    }
    case 3: {
      const e = find('model.weights.h5');
      if (e) e.data = mutateHdf5(e.data, rnd);
      break;
    }
    case 4:
      if (rnd() < 0.5) entries.splice(int(rnd, entries.length), 1);
      else entries.push({ name: pick(rnd, ['assets/x', 'model.weights.npz', 'config.json.bak', 'a/b/c.h5']), data: pick(rnd, entries).data });
      break;
    default: {
      compress = true;
      const e = pick(rnd, entries);
      if (e.name.endsWith('.h5')) e.data = mutateHdf5(e.data, rnd);
    }
  }
  return zip.writeZip(entries, { compress });
}

/** Architecture JSON texts the JSON/YAML mutants start from: the seed model and the functional fixtures. */
export function jsonSources() {
  const out = [readFileSync(join(FIXTURES, 'seed', 'keras-2.0.8-seed-model.json'), 'utf8')];
  const dir = join(FIXTURES, 'functional');
  for (const f of readdirSync(dir).filter((x) => x.endsWith('.json') && x !== 'index.json').sort()) {
    const fx = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    if (fx.model_json) out.push(JSON.stringify(fx.model_json));
  }
  return out;
}

export const OBJECT_NAMES = ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', '__defineGetter__', 'propertyIsEnumerable', 'toLocaleString', 'prototype'];

/** Values a hostile config puts anywhere. */
function hostileValue(rnd) {
  switch (int(rnd, 14)) {
    case 0: return pick(rnd, [2e8, 1e9, 2 ** 31, 2 ** 53, 1e300, 1e12]);
    case 1: return pick(rnd, [-1, -(2 ** 31), 0]);
    case 2: return pick(rnd, ['__NaN__', '__Infinity__', '__-Infinity__']);
    case 3: return pick(rnd, OBJECT_NAMES);
    case 4: return pick(rnd, [null, true, false, '', 'x'.repeat(10000)]);
    case 5: return [];
    case 6: return {};
    case 7: return pick(rnd, [[null, 1e9, 1e9], [1e9, 1e9], [null, -5], [null, 1.5], Array(2000).fill(1)]);
    case 8: return { class_name: pick(rnd, OBJECT_NAMES), config: {} };
    case 9: return pick(rnd, ['relu', 'linear', 'tanh', 'softmax', 'hard_sigmoid', 'nope']);
    case 10: return 1 + int(rnd, 8);
    case 11: return 0.5;
    case 12: return { class_name: 'Dense', config: { units: 1 } };
    default: return pick(rnd, ['float32', 'float64', 'int8', 'bfloat16']);
  }
}

/** Every [container, key] pair of a parsed JSON value (iteratively). */
function slots(v) {
  const out = [];
  const stack = [v];
  while (stack.length) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object') continue;
    for (const k of Object.keys(x)) {
      out.push([x, k]);
      stack.push(x[k]);
    }
  }
  return out;
}

/** Serialize with NaN/Infinity written as Python's json writes them. */
function pythonJson(v) {
  return JSON.stringify(v).replace(/"__(NaN|-?Infinity)__"/g, '$1');
}

/** One JSON architecture mutant (text): values replaced, keys deleted or renamed, layers duplicated, class names changed. */
export function mutateJson(text, rnd) {
  const v = JSON.parse(text);
  const n = 1 + int(rnd, 3);
  for (let j = 0; j < n; j++) {
    const all = slots(v);
    if (all.length === 0) break;
    const [obj, key] = pick(rnd, all);
    switch (int(rnd, 6)) {
      case 0:
      case 1:
        obj[key] = hostileValue(rnd);
        break;
      case 2:
        if (Array.isArray(obj)) obj.splice(Number(key), 1);
        else delete obj[key];
        break;
      case 3:
        if (!Array.isArray(obj)) {
          const val = obj[key];
          delete obj[key];
          Object.defineProperty(obj, pick(rnd, [...OBJECT_NAMES, 'units', 'name', 'class_name', 'config']), { value: val, enumerable: true, writable: true, configurable: true });
        }
        break;
      case 4:
        if (Array.isArray(obj) && obj.length > 0) obj.push(JSON.parse(JSON.stringify(obj[int(rnd, obj.length)])));
        else obj[key] = hostileValue(rnd);
        break;
      default:
        if (key === 'class_name') obj[key] = pick(rnd, [...OBJECT_NAMES, 'Dense', 'LSTM', 'Lambda', 'Sequential', 'Model', 'Functional', 'InputLayer', 'Nope']);
        else obj[key] = hostileValue(rnd);
    }
  }
  return pythonJson(v);
}

/** One YAML mutant (text): line edits, indentation changes, anchors/aliases, tags, deep flow nesting. */
export function mutateYaml(text, rnd) {
  const lines = text.split('\n');
  const n = 1 + int(rnd, 3);
  for (let j = 0; j < n; j++) {
    const i = int(rnd, lines.length);
    const line = lines[i] ?? '';
    switch (int(rnd, 8)) {
      case 0:
        lines[i] = line.replace(/: .*$/, `: ${pick(rnd, ['2e8', '.inf', '.nan', '-1', 'constructor', '__proto__', '[1000000000, 1000000000]', '{}', '[]', '~', '!!python/object:os.system ls', '*nope'])}`);
        break;
      case 1:
        lines[i] = ' '.repeat(int(rnd, 5)) + line.trimStart();
        break;
      case 2:
        lines.splice(i, 1);
        break;
      case 3:
        lines.splice(i, 0, line);
        break;
      case 4:
        lines[i] = line.replace(/: (.*)$/, ': &a $1');
        lines.push(`extra: ${'[*a, '.repeat(20)}*a${']'.repeat(20)}`);
        break;
      case 5:
        lines[i] = line.replace(/: .*$/, `: ${'['.repeat(2000)}1${']'.repeat(2000)}`);
        break;
      case 6:
        lines[i] = line.replace(/(\w+):/, `${pick(rnd, OBJECT_NAMES)}:`);
        break;
      default:
        lines[i] = line.slice(0, int(rnd, line.length + 1)) + pick(rnd, ['\t', '"', "'", '{', '[', '&', '*', '!', '%', '@', '`', '\u0000']) + line.slice(int(rnd, line.length + 1));
    }
  }
  return lines.join('\n');
}

/** The fixed size/depth/name abuse cases: [name, kind, text]. */
export function abuseCases(seedText) {
  const cases = [];
  const deep = (n) => '['.repeat(n) + ']'.repeat(n);
  const sub = (from, to) => seedText.replace(from, to);
  for (const [what, v] of [['2e8', '200000000'], ['1e12', '1000000000000'], ['Infinity', 'Infinity'], ['NaN', 'NaN'], ['-1', '-1'], ['1e300', '1e300'], ['1.5', '1.5'], ['"4"', '"4"']]) {
    cases.push([`Dense units ${what}`, 'json', sub('"units": 1,', `"units": ${v},`)]);
    cases.push([`LSTM units ${what}`, 'json', sub('"units": 4,', `"units": ${v},`)]);
  }
  for (const [what, s] of [['[1e9, 1e9]', '[null, 1000000000, 1000000000]'], ['Infinity', '[null, 1, Infinity]'], ['-3', '[null, 1, -3]'], ['100k dims', JSON.stringify([null, ...Array(100000).fill(1)])], ['deep', deep(100000)]]) {
    cases.push([`input shape ${what}`, 'json', sub('[null, 1, 8]', s)]);
  }
  cases.push(['100,000-deep value', 'json', sub('"units": 1,', `"units": ${deep(100000)},`)]);
  cases.push(['100,000-deep object', 'json', sub('"units": 1,', `"units": 1, "x": ${'{"a":'.repeat(100000)}1${'}'.repeat(100000)},`)]);
  cases.push(['100,000-deep YAML', 'yaml', `class_name: Sequential\nconfig:\n- class_name: Dense\n  config: {name: d, units: ${deep(100000)}}\n`]);
  cases.push(['YAML alias bomb', 'yaml', ['class_name: Sequential', 'a0: &a0 [x]', ...Array.from({ length: 12 }, (_, i) => `a${i + 1}: &a${i + 1} [${Array(10).fill(`*a${i}`).join(', ')}]`), 'config: []'].join('\n') + '\n']);
  cases.push(['__proto__ key', 'json', sub('"units": 1,', '"units": 1, "__proto__": {"units": 100000000},')]);
  for (const n of OBJECT_NAMES) {
    cases.push([`activation ${n}`, 'json', sub('"activation": "linear"', `"activation": "${n}"`)]);
    cases.push([`initializer ${n}`, 'json', sub('{"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": null}}', `{"class_name": "${n}", "config": {}}`)]);
    cases.push([`initializer name ${n}`, 'json', sub('"bias_initializer": {"class_name": "Zeros", "config": {}}', `"bias_initializer": "${n}"`)]);
    cases.push([`layer class ${n}`, 'json', sub('"class_name": "Dense"', `"class_name": "${n}"`)]);
    cases.push([`model class ${n}`, 'json', sub('"class_name": "Sequential"', `"class_name": "${n}"`)]);
    // kept as written for predict (as Keras keeps them); refused when the model trains
    cases.push([`regularizer ${n} (fit)`, 'json-fit', sub('"kernel_regularizer": null', `"kernel_regularizer": {"class_name": "${n}", "config": {}}`)]);
    cases.push([`constraint ${n} (fit)`, 'json-fit', sub('"bias_constraint": null', `"bias_constraint": {"class_name": "${n}", "config": {}}`)]);
  }
  // names in a training configuration (optimizer, loss, metrics) and a compile_config's values
  const training = (tc) => JSON.stringify({ loss: 'mse', metrics: ['mae'], loss_weights: null, sample_weight_mode: null, weighted_metrics: null, optimizer_config: { class_name: 'Adam', config: { learning_rate: 0.001 } }, ...tc });
  for (const n of OBJECT_NAMES) {
    cases.push([`optimizer ${n}`, 'training', training({ optimizer_config: { class_name: n, config: {} } })]);
    cases.push([`optimizer option ${n}`, 'training', training({ optimizer_config: { class_name: 'Adam', config: { [n]: 1 } } })]);
    cases.push([`loss ${n}`, 'training', training({ loss: n })]);
    cases.push([`loss class ${n}`, 'training', training({ loss: { class_name: n, config: {} } })]);
    cases.push([`loss per output ${n}`, 'training', training({ loss: { [n]: 'mse' } })]);
    cases.push([`metric ${n}`, 'training', training({ metrics: [n] })]);
  }
  for (const [what, v] of [['Infinity', '__Infinity__'], ['NaN', '__NaN__'], ['-1', -1], ['1e300', 1e300], ['"fast"', 'fast']]) {
    cases.push([`learning_rate ${what}`, 'training', pythonJson(JSON.parse(training({ optimizer_config: { class_name: 'SGD', config: { learning_rate: v, momentum: 0.9 } } })))]);
  }
  cases.push(['100,000-deep training config', 'training', training({ loss: 1 }).replace('"loss":1', `"loss":${'['.repeat(100000)}${']'.repeat(100000)}`)]);
  return cases;
}
