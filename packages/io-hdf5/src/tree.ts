/**
 * A whole HDF5 file as a plain tree of groups, attributes and datasets, through the same readers
 * (built-in first, h5wasm for the rest) and writer as the Keras legacy layout. For formats whose
 * layout is not the legacy `layer_names`/`weight_names` one, such as Keras 3's native `.weights.h5`
 * (read by `@kerasts/io-keras`): the caller gives the tree its meaning.
 */
import { FormatError, KerastsError } from '@kerasts/tensor';
import type { File as H5File } from 'h5wasm';
import { getEngine, noteEngineError, summarizeHdf5Error, uniqueMemfsName, unlinkQuietly } from './engine.js';
import type { KerasH5Reader } from './h5read.js';
import { LiteH5Reader, type LiteSource } from './h5lite.js';
import { joinPath, where } from './paths.js';
import { withH5File, withH5RandomAccessFile, type H5RandomAccessFile } from './read.js';
import type { H5Data, H5DType, ReadKerasH5Options } from './types.js';
import { TreeWriter } from './write.js';

/** An attribute as read: strings (scalar → one element), or the class and shape of anything else. */
export type H5TreeAttr =
  | { kind: 'strings'; values: string[]; scalar: boolean }
  | { kind: 'other'; className: string; shape: number[] };

/** A dataset: shape, dtype, values (row-major), attributes. */
export interface H5TreeDataset {
  kind: 'dataset';
  shape: number[];
  dtype: H5DType;
  data: H5Data;
  attrs: Record<string, H5TreeAttr>;
}

/** A group: attributes and members by name. */
export interface H5TreeGroup {
  kind: 'group';
  attrs: Record<string, H5TreeAttr>;
  members: Record<string, H5TreeNode>;
}

export type H5TreeNode = H5TreeGroup | H5TreeDataset;

/** Options of {@link readH5Tree}. */
export interface ReadH5TreeOptions extends ReadKerasH5Options {
  /** Most objects (groups + datasets) the file may hold (default 1 000 000). */
  maxObjects?: number;
}

/**
 * Read every group, attribute and dataset of an HDF5 file.
 *
 * @throws FormatError for bytes that are not readable HDF5, and for objects that are neither groups
 *   nor datasets (external links, named datatypes), which Keras refuses too.
 * @throws UnsupportedError for non-numeric datasets.
 */
export async function readH5Tree(bytes: Uint8Array, options: ReadH5TreeOptions = {}): Promise<H5TreeGroup> {
  const source: LiteSource = {
    size: bytes.length,
    read: (pos, len) => bytes.subarray(pos, pos + len),
    readInto: (dest, pos) => dest.set(bytes.subarray(pos, pos + dest.length)),
  };
  const mode = options.reader ?? 'auto';
  if (mode !== 'h5wasm') {
    try {
      return treeOf(new LiteH5Reader(source, options.fileName), options);
    } catch (err) {
      if (mode === 'builtin') throw err instanceof KerastsError ? err : new FormatError(String(err), options.fileName ?? '');
    }
  }
  return withH5File(bytes, options.fileName, (r) => treeOf(r, options));
}

function treeOf(r: KerasH5Reader, options: ReadH5TreeOptions): H5TreeGroup {
  const max = options.maxObjects ?? 1_000_000;
  let count = 0;
  const attrsOf = (path: string): Record<string, H5TreeAttr> => {
    const out: Record<string, H5TreeAttr> = {};
    for (const name of r.attrNames(path)) {
      const v = r.readAttr(path, name);
      if (v.kind === 'strings') out[name] = { kind: 'strings', values: v.values, scalar: v.shape.length === 0 };
      else if (v.kind === 'other') out[name] = { kind: 'other', className: v.className, shape: v.shape };
      else out[name] = { kind: 'other', className: 'null', shape: [] };
    }
    return out;
  };
  const group = (path: string): H5TreeGroup => {
    const members: Record<string, H5TreeNode> = {};
    for (const name of r.children(path)) {
      if (++count > max) throw new FormatError(`the file holds more than ${max} objects (limit maxObjects)`, where(r.fileName, path));
      const p = joinPath(path, name);
      const k = r.kindOf(p);
      if (k === 'group') members[name] = group(p);
      else if (k === 'dataset') members[name] = { kind: 'dataset', ...r.readDataset(p), attrs: attrsOf(p) };
      else throw new FormatError(`expected a group or a dataset, found ${k === 'missing' ? 'a dangling link' : 'a link or object of another kind'} (not allowed)`, where(r.fileName, p));
    }
    return { kind: 'group', attrs: attrsOf(path), members };
  };
  return group('/');
}

/** Options of {@link writeH5Tree}. */
export interface WriteH5TreeOptions {
  /** String attributes as variable-length (default, like h5py) or fixed-length ASCII. */
  stringEncoding?: 'vlen' | 'fixed-ascii';
}

/**
 * Write a tree of groups, string attributes and datasets as an HDF5 file (oldest object formats, as
 * h5py writes by default) and return its bytes. Members are created in the order given. Only string
 * attributes can be written (`other` attributes are refused).
 */
export async function writeH5Tree(root: H5TreeGroup, options: WriteH5TreeOptions = {}): Promise<Uint8Array> {
  const engine = await getEngine();
  const name = uniqueMemfsName(engine, 'w');
  let file: H5File | null = null;
  try {
    try {
      file = new engine.ns.File(name, 'w', { libver: ['earliest', 'v108'] });
    } catch (err) {
      noteEngineError(engine, err);
      throw new KerastsError(`could not create an in-memory HDF5 file (${summarizeHdf5Error(err)})`, 'writeH5Tree');
    }
    const w = new TreeWriter(engine, file, options.stringEncoding ?? 'vlen');
    const walk = (g: H5TreeGroup, path: string): void => {
      writeAttrs(w, path, g.attrs);
      for (const [n, m] of Object.entries(g.members)) {
        const p = joinPath(path, n);
        if (m.kind === 'group') {
          w.ensureGroup(p);
          walk(m, p);
        } else {
          w.dataset(path, { name: n, shape: m.shape, dtype: m.dtype, data: m.data, hdf5Path: p });
          writeAttrs(w, p, m.attrs);
        }
      }
    };
    walk(root, '/');
    const f = file;
    file = null;
    w.call('closing the file', '/', () => f.close());
    return engine.FS.readFile(name);
  } finally {
    if (file !== null && !engine.poisoned) {
      try {
        file.close();
      } catch (err) {
        noteEngineError(engine, err);
      }
    }
    unlinkQuietly(engine, name);
  }
}

function writeAttrs(w: TreeWriter, path: string, attrs: Record<string, H5TreeAttr>): void {
  for (const [a, v] of Object.entries(attrs)) {
    if (v.kind !== 'strings' || !v.scalar || v.values.length !== 1) {
      throw new FormatError(`only scalar string attributes can be written (attribute ${a})`, `writeH5Tree, HDF5 path ${path}`);
    }
    w.stringAttr(path, a, v.values[0]!);
  }
}

/** The root of an HDF5 file: attribute and member names only (cheap: no dataset is read). */
export interface H5RootSummary {
  attrs: string[];
  members: string[];
}

/**
 * The root's attribute and member names, to tell a file's layout apart (legacy Keras model or
 * weights, Keras 3 native weights, something else) before reading it.
 * @throws FormatError for bytes that are not readable HDF5.
 */
export async function inspectH5Root(bytes: Uint8Array, options: ReadKerasH5Options = {}): Promise<H5RootSummary> {
  const source: LiteSource = {
    size: bytes.length,
    read: (pos, len) => bytes.subarray(pos, pos + len),
    readInto: (dest, pos) => dest.set(bytes.subarray(pos, pos + dest.length)),
  };
  if ((options.reader ?? 'auto') !== 'h5wasm') {
    try {
      const r = new LiteH5Reader(source, options.fileName);
      return { attrs: r.attrNames('/'), members: r.children('/') };
    } catch {
      /* h5wasm decides */
    }
  }
  return withH5File(bytes, options.fileName, (r) => ({ attrs: r.attrNames('/'), members: r.children('/') }));
}

/**
 * {@link inspectH5Root} for a file read piecewise (Node: a file descriptor): only the blocks the root's
 * header and names live in are read, so telling a multi-GB file's layout apart costs kilobytes.
 * @internal
 */
export async function inspectH5RootRandomAccess(file: H5RandomAccessFile, options: ReadKerasH5Options = {}): Promise<H5RootSummary> {
  const read = (pos: number, len: number): Uint8Array => {
    const n = Math.max(0, Math.min(len, file.size - pos));
    const out = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const r = file.readInto(out, got, n - got, pos + got);
      if (r <= 0) break;
      got += r;
    }
    return got === n ? out : out.subarray(0, got);
  };
  const source: LiteSource = { size: file.size, read, readInto: (dest, pos) => dest.set(read(pos, dest.length)) };
  if ((options.reader ?? 'auto') !== 'h5wasm') {
    try {
      const r = new LiteH5Reader(source, options.fileName);
      return { attrs: r.attrNames('/'), members: r.children('/') };
    } catch {
      /* h5wasm decides */
    }
  }
  return withH5RandomAccessFile(file, options.fileName, (r) => ({ attrs: r.attrNames('/'), members: r.children('/') }));
}
