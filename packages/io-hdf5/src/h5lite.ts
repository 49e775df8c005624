/**
 * A small pure-TypeScript reader for the HDF5 files Keras writes (h5py's defaults), so that loading a
 * model does not have to start h5wasm: no ~30 MB of WebAssembly start-up, no ~130 ms compile on the
 * first load, and weights read straight from the file into their typed arrays.
 *
 * It reads exactly this subset and nothing else: superblock version 0 or 1, version-1 object headers
 * (with continuation blocks), old-style groups (symbol table: v1 B-tree + local heap), attributes of
 * fixed-length or variable-length strings (global heap) or of any other class (reported as `other`),
 * and datasets of little-endian IEEE floats or integers stored contiguous or compact. Anything else —
 * a newer superblock or object header, links, dense attribute storage, chunked or filtered data,
 * shared messages, a value that does not add up — throws {@link NotLiteError}, and the caller reads
 * the file with h5wasm instead, which also gives the canonical error for a corrupt file. Every read is
 * bounds-checked and every loop advances, so a corrupt file cannot make it hang.
 */
import type { H5DType } from './types.js';
import { type AttrValue, CLASS_NAMES, type DatasetInfo, type DatasetValue, KerasH5Reader, type ObjectKind, decodeFixed, dtypeOf, toTypedArray } from './h5read.js';
import type { Limits } from '@kerasts/tensor';

/** The file is outside what this reader handles (or does not add up): read it with h5wasm. @internal */
export class NotLiteError extends Error {
  override name = 'NotLiteError';
}

function notLite(why: string): never {
  throw new NotLiteError(why);
}

/** Exact reads of a file's bytes: exactly the bytes asked for, or a throw. @internal */
export interface LiteSource {
  readonly size: number;
  /** `len` bytes from `pos` (possibly a view that must not be kept). */
  read(pos: number, len: number): Uint8Array;
  /** Fills `dest` with the bytes from `pos`. */
  readInto(dest: Uint8Array, pos: number): void;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_MESSAGES = 100_000;
const MAX_BLOCKS = 10_000;
const MAX_BTREE_NODES = 100_000;
const utf8 = new TextDecoder('utf-8');

// Object header message types (HDF5 file format specification, IV.A.2).
const MSG_NIL = 0x00;
const MSG_DATASPACE = 0x01;
const MSG_LINK_INFO = 0x02;
const MSG_DATATYPE = 0x03;
const MSG_FILL_OLD = 0x04;
const MSG_FILL = 0x05;
const MSG_LINK = 0x06;
const MSG_EXTERNAL = 0x07;
const MSG_LAYOUT = 0x08;
const MSG_FILTERS = 0x0b;
const MSG_ATTRIBUTE = 0x0c;
const MSG_COMMENT = 0x0d;
const MSG_MTIME_OLD = 0x0e;
const MSG_SHARED_TABLE = 0x0f;
const MSG_CONTINUATION = 0x10;
const MSG_SYMBOL_TABLE = 0x11;
const MSG_MTIME = 0x12;
const MSG_BTREE_K = 0x13;
const MSG_DRIVER = 0x14;
const MSG_ATTR_INFO = 0x15;
const MSG_REFCOUNT = 0x16;
/** Messages that carry nothing this reader needs and change nothing it reads. */
const IGNORED = new Set([MSG_NIL, MSG_FILL_OLD, MSG_FILL, MSG_COMMENT, MSG_MTIME_OLD, MSG_MTIME, MSG_BTREE_K, MSG_DRIVER, MSG_REFCOUNT]);

/** Little-endian reads within one byte range; any read past its end means the file does not add up. */
class Bytes {
  private readonly view: DataView;
  constructor(
    readonly b: Uint8Array,
    readonly o: number,
    readonly l: number,
  ) {
    this.view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  }
  private check(at: number, n: number): void {
    if (at < 0 || at + n > this.b.length) notLite('read past the end of a structure');
  }
  u8(at: number): number {
    this.check(at, 1);
    return this.b[at]!;
  }
  u16(at: number): number {
    this.check(at, 2);
    return this.view.getUint16(at, true);
  }
  u32(at: number): number {
    this.check(at, 4);
    return this.view.getUint32(at, true);
  }
  /** An unsigned integer of `size` bytes; -1 for the undefined address (all bits set). */
  uint(at: number, size: number): number {
    this.check(at, size);
    let v = 0;
    let allOnes = true;
    for (let i = size - 1; i >= 0; i--) {
      const byte = this.b[at + i]!;
      if (byte !== 0xff) allOnes = false;
      v = v * 256 + byte;
    }
    if (allOnes) return -1;
    if (v > Number.MAX_SAFE_INTEGER) notLite('a size or address beyond 2^53');
    return v;
  }
  offset(at: number): number {
    return this.uint(at, this.o);
  }
  length(at: number): number {
    return this.uint(at, this.l);
  }
  sub(at: number, n: number): Uint8Array {
    this.check(at, n);
    return this.b.subarray(at, at + n);
  }
}

interface Message {
  type: number;
  flags: number;
  data: Uint8Array;
}

interface Datatype {
  cls: number;
  size: number;
  /** Fixed-point / float: little-endian; string: padding; vlen string: padding. */
  littleEndian: boolean;
  signed: boolean;
  strpad: number;
  vlenString: boolean;
  dtype: H5DType | null;
}

interface Dataspace {
  /** null: the null dataspace (no elements, no shape). */
  shape: number[] | null;
  count: number;
}

interface ObjectHeader {
  messages: Message[];
}

/** The reader: objects by path over a {@link LiteSource}. */
export class LiteH5Reader extends KerasH5Reader {
  private readonly o: number;
  private readonly l: number;
  private readonly base: number;
  private readonly rootAddr: number;
  private readonly headers = new Map<number, ObjectHeader>();
  private readonly groups = new Map<number, Map<string, number>>();
  private readonly heaps = new Map<number, Map<number, Uint8Array>>();

  constructor(
    private readonly src: LiteSource,
    fileName: string | undefined,
    limits?: Limits,
  ) {
    super(fileName, limits);
    let sb = -1;
    for (let off = 0; off + 8 <= src.size; off = off === 0 ? 512 : off * 2) {
      const sig = src.read(off, 8);
      if (SIGNATURE.every((v, i) => sig[i] === v)) {
        sb = off;
        break;
      }
    }
    if (sb < 0) notLite('no HDF5 signature');
    const head = new Bytes(src.read(sb, Math.min(src.size - sb, 128)), 8, 8);
    const version = head.u8(8);
    if (version > 1) notLite(`superblock version ${version}`);
    if (head.u8(9) !== 0 || head.u8(10) !== 0 || head.u8(11) !== 0 || head.u8(12) !== 0 || head.u8(15) !== 0) notLite('unusual superblock fields');
    this.o = head.u8(13);
    this.l = head.u8(14);
    if (![2, 4, 8].includes(this.o) || ![2, 4, 8].includes(this.l)) notLite('unusual offset or length size');
    const h = new Bytes(head.b, this.o, this.l);
    const at = version === 0 ? 24 : 28;
    this.base = h.offset(at);
    if (this.base < 0) notLite('undefined base address');
    // HDF5 refuses a file shorter than its stored end-of-file address (truncated): so does this reader
    const eof = h.offset(at + 2 * this.o);
    if (eof < 0 || eof + this.base > src.size) notLite('the file is shorter than its end-of-file address');
    // root group symbol table entry after base, free-space, end-of-file and driver addresses
    const entry = at + 4 * this.o;
    this.rootAddr = this.addr(h.offset(entry + this.o));
  }

  /** An address from the file as a byte position (relative to the base address). */
  private addr(a: number): number {
    if (a < 0) notLite('undefined address where one is needed');
    const p = a + this.base;
    if (p >= this.src.size) notLite('address beyond the end of the file');
    return p;
  }

  /** Contiguous dataset bytes at file address `address`, straight into `out`. */
  private readData(address: number, out: Uint8Array): void {
    if (out.length === 0) return;
    const p = this.addr(address);
    if (p + out.length > this.src.size) notLite('dataset bytes past the end of the file');
    this.src.readInto(out, p);
  }

  private bytes(pos: number, len: number): Bytes {
    if (len < 0 || pos < 0 || pos + len > this.src.size) notLite('a structure runs past the end of the file');
    return new Bytes(this.src.read(pos, len), this.o, this.l);
  }

  // ------------------------------------------------------------------------------------------------
  // Object headers

  private header(pos: number): ObjectHeader {
    const cached = this.headers.get(pos);
    if (cached) return cached;
    const prefix = this.bytes(pos, 16);
    if (prefix.u8(0) !== 1 || prefix.u8(1) !== 0) notLite('an object header that is not version 1');
    const total = prefix.u16(2);
    const size = prefix.u32(8);
    const messages: Message[] = [];
    const blocks: [number, number][] = [[pos + 16, size]];
    const seen = new Set<number>();
    for (let bi = 0; bi < blocks.length; bi++) {
      if (bi >= MAX_BLOCKS) notLite('too many object header blocks');
      const [start, len] = blocks[bi]!;
      if (seen.has(start)) notLite('an object header block seen twice');
      seen.add(start);
      const b = this.bytes(start, len);
      let p = 0;
      // Like HDF5, read every message up to the end of the block, whatever the stored count says
      // (HDF5 parses to the end and does not enforce the count): stopping at the count could hide
      // messages HDF5 sees, and the two readers would then give different answers.
      while (p + 8 <= len) {
        const type = b.u16(p);
        const msize = b.u16(p + 2);
        const flags = b.u8(p + 4);
        if (b.u8(p + 5) !== 0 || b.u8(p + 6) !== 0 || b.u8(p + 7) !== 0 || msize % 8 !== 0) notLite('an unusual message header');
        const data = b.sub(p + 8, msize);
        p += 8 + msize;
        if (messages.length >= MAX_MESSAGES) notLite('too many object header messages');
        messages.push({ type, flags, data });
        if (type === MSG_CONTINUATION) {
          const c = new Bytes(data, this.o, this.l);
          blocks.push([this.addr(c.offset(0)), c.length(this.o)]);
        }
      }
      if (p !== len) notLite('an object header block that does not end on a message boundary');
    }
    if (messages.length !== total) notLite('an object header whose message count does not add up');
    const header = { messages };
    this.headers.set(pos, header);
    return header;
  }

  /** The messages of an object, refusing what this reader does not understand. */
  private messagesOf(pos: number): Message[] {
    const { messages } = this.header(pos);
    for (const m of messages) {
      if ((m.flags & 0x02) !== 0) notLite('a shared object header message');
      if (m.type === MSG_LINK || m.type === MSG_LINK_INFO) notLite('new-style (link message) groups');
      if (m.type === MSG_ATTR_INFO) notLite('attribute info (dense or ordered attributes)');
      if (m.type === MSG_SHARED_TABLE || m.type === MSG_EXTERNAL || m.type === MSG_FILTERS) notLite(`object header message 0x${m.type.toString(16)}`);
      if (!IGNORED.has(m.type) && ![MSG_DATASPACE, MSG_DATATYPE, MSG_LAYOUT, MSG_ATTRIBUTE, MSG_CONTINUATION, MSG_SYMBOL_TABLE].includes(m.type)) {
        notLite(`object header message 0x${m.type.toString(16)}`);
      }
    }
    return messages;
  }

  private kindAt(pos: number): ObjectKind {
    const ms = this.messagesOf(pos);
    if (ms.some((m) => m.type === MSG_SYMBOL_TABLE)) return 'group';
    if (ms.some((m) => m.type === MSG_LAYOUT)) return 'dataset';
    return 'other';
  }

  // ------------------------------------------------------------------------------------------------
  // Groups: symbol table (v1 B-tree of symbol nodes, names in a local heap)

  private members(pos: number): Map<string, number> {
    const cached = this.groups.get(pos);
    if (cached) return cached;
    const st = this.messagesOf(pos).find((m) => m.type === MSG_SYMBOL_TABLE);
    if (!st) notLite('not a group');
    const sb = new Bytes(st.data, this.o, this.l);
    const btree = this.addr(sb.offset(0));
    const heapData = this.localHeap(this.addr(sb.offset(this.o)));
    const out = new Map<string, number>();
    const queue = [btree];
    const seen = new Set<number>();
    const entrySize = 2 * this.o + 24;
    while (queue.length > 0) {
      const node = queue.shift()!;
      if (seen.has(node)) notLite('a B-tree node seen twice');
      seen.add(node);
      if (seen.size > MAX_BTREE_NODES) notLite('too many B-tree nodes');
      const hdr = this.bytes(node, 8 + 2 * this.o);
      if (utf8.decode(hdr.sub(0, 4)) !== 'TREE' || hdr.u8(4) !== 0) notLite('not a group B-tree node');
      const level = hdr.u8(5);
      const used = hdr.u16(6);
      // keys and children alternate: key0, child0, key1, ..., child(used-1), key(used)
      const body = this.bytes(node + 8 + 2 * this.o, used * (this.l + this.o) + this.l);
      for (let i = 0; i < used; i++) {
        const child = this.addr(body.offset(this.l + i * (this.l + this.o)));
        if (level > 0) {
          queue.push(child);
          continue;
        }
        const snod = this.bytes(child, 8);
        if (utf8.decode(snod.sub(0, 4)) !== 'SNOD' || snod.u8(4) !== 1 || snod.u8(5) !== 0) notLite('not a symbol table node');
        const n = snod.u16(6);
        const entries = this.bytes(child + 8, n * entrySize);
        for (let e = 0; e < n; e++) {
          const at = e * entrySize;
          const nameOff = entries.offset(at);
          const cacheType = entries.u32(at + 2 * this.o);
          if (cacheType > 1 || entries.u32(at + 2 * this.o + 4) !== 0) notLite('a soft link or an unusual symbol table entry');
          const name = cString(heapData, nameOff);
          if (out.has(name)) notLite('a name listed twice');
          out.set(name, this.addr(entries.offset(at + this.o)));
        }
      }
    }
    this.groups.set(pos, out);
    return out;
  }

  private localHeap(pos: number): Uint8Array {
    const h = this.bytes(pos, 8 + 2 * this.l + this.o);
    if (utf8.decode(h.sub(0, 4)) !== 'HEAP' || h.u8(4) !== 0 || h.u8(5) !== 0 || h.u8(6) !== 0 || h.u8(7) !== 0) notLite('not a local heap');
    const size = h.length(8);
    const data = this.addr(h.offset(8 + 2 * this.l));
    return this.bytes(data, size).b;
  }

  /** The object header position at an absolute path, or null when a component is missing. */
  private resolve(path: string): number | null {
    let pos = this.rootAddr;
    for (const part of path.split('/').filter((p) => p !== '')) {
      if (this.kindAt(pos) !== 'group') return null;
      const next = this.members(pos).get(part);
      if (next === undefined) return null;
      pos = next;
    }
    return pos;
  }

  private objectAt(path: string): number {
    const pos = this.resolve(path);
    if (pos === null) notLite(`nothing at ${path}`);
    return pos;
  }

  kindOf(path: string): ObjectKind {
    const pos = this.resolve(path);
    return pos === null ? 'missing' : this.kindAt(pos);
  }

  children(path: string): string[] {
    const pos = this.objectAt(path);
    return [...this.members(pos).keys()].sort(byUtf8);
  }

  // ------------------------------------------------------------------------------------------------
  // Attributes

  private attributes(pos: number): Map<string, { type: Datatype; space: Dataspace; data: Uint8Array }> {
    const out = new Map<string, { type: Datatype; space: Dataspace; data: Uint8Array }>();
    for (const m of this.messagesOf(pos)) {
      if (m.type !== MSG_ATTRIBUTE) continue;
      const b = new Bytes(m.data, this.o, this.l);
      const version = b.u8(0);
      if (version < 1 || version > 3) notLite(`attribute message version ${version}`);
      if (version >= 2 && (b.u8(1) & 0x03) !== 0) notLite('a shared attribute datatype or dataspace');
      if (version === 1 && b.u8(1) !== 0) notLite('an unusual attribute message');
      const nameSize = b.u16(2);
      const typeSize = b.u16(4);
      const spaceSize = b.u16(6);
      let p = version === 3 ? 9 : 8;
      const pad = (n: number): number => (version === 1 ? Math.ceil(n / 8) * 8 : n);
      const nameBytes = b.sub(p, nameSize);
      // the size counts one terminating NUL, and only that one
      if (nameSize < 1 || nameBytes[nameSize - 1] !== 0 || nameBytes.indexOf(0) !== nameSize - 1) notLite('an unusual attribute name');
      const name = cString(nameBytes, 0);
      p += pad(nameSize);
      const type = this.datatype(b.sub(p, typeSize));
      p += pad(typeSize);
      const space = this.dataspace(b.sub(p, spaceSize));
      p += pad(spaceSize);
      const elem = type.vlenString ? 4 + this.o + 4 : type.size;
      const n = space.shape === null ? 0 : space.count * elem;
      out.set(name, { type, space, data: b.sub(p, n) });
    }
    return out;
  }

  attrNames(path: string): string[] {
    return [...this.attributes(this.objectAt(path)).keys()].sort(byUtf8);
  }

  readAttr(path: string, name: string): AttrValue {
    const a = this.attributes(this.objectAt(path)).get(name);
    if (!a) notLite(`no attribute ${name} at ${path}`);
    if (a.space.shape === null) return { kind: 'empty-dataspace' };
    const shape = [...a.space.shape];
    const count = a.space.count;
    if (a.type.cls !== 3 && !a.type.vlenString) {
      return { kind: 'other', className: CLASS_NAMES[a.type.cls] ?? `class ${a.type.cls}`, count, shape };
    }
    const values: string[] = [];
    if (a.type.vlenString) {
      const b = new Bytes(a.data, this.o, this.l);
      const elem = 4 + this.o + 4;
      for (let i = 0; i < count; i++) {
        const len = b.u32(i * elem);
        const coll = b.offset(i * elem + 4);
        const index = b.u32(i * elem + 4 + this.o);
        if (coll < 0 || index === 0) notLite('a null variable-length string');
        const obj = this.globalHeapObject(this.addr(coll), index);
        if (len > obj.length) notLite('a variable-length string longer than its heap object');
        values.push(cString(obj.subarray(0, len), 0));
      }
    } else {
      for (let i = 0; i < count; i++) values.push(decodeFixed(a.data.subarray(i * a.type.size, (i + 1) * a.type.size), a.type.strpad));
    }
    return { kind: 'strings', values, shape };
  }

  /** Object `index` of the global heap collection at `pos` (every object's header checked, every step advancing). */
  private globalHeapObject(pos: number, index: number): Uint8Array {
    let objects = this.heaps.get(pos);
    if (!objects) {
      const hdr = this.bytes(pos, 8 + this.l);
      if (utf8.decode(hdr.sub(0, 4)) !== 'GCOL' || hdr.u8(4) !== 1 || hdr.u8(5) !== 0 || hdr.u8(6) !== 0 || hdr.u8(7) !== 0) notLite('not a global heap collection');
      const size = hdr.length(8);
      if (size < 8 + this.l) notLite('a global heap collection too small');
      const c = this.bytes(pos, size);
      objects = new Map();
      let p = 8 + this.l;
      while (p + 8 + this.l <= size) {
        const idx = c.u16(p);
        if (idx === 0) break; // free space: the rest of the collection
        if (c.u32(p + 4) !== 0 || objects.has(idx)) notLite('an unusual global heap object');
        const objSize = c.length(p + 8);
        const data = c.sub(p + 8 + this.l, objSize);
        objects.set(idx, data);
        p += 8 + this.l + Math.ceil(objSize / 8) * 8;
      }
      this.heaps.set(pos, objects);
    }
    const obj = objects.get(index);
    if (!obj) notLite('a variable-length string whose heap object is missing');
    return obj;
  }

  // ------------------------------------------------------------------------------------------------
  // Datatypes, dataspaces, datasets

  private datatype(d: Uint8Array): Datatype {
    const b = new Bytes(d, this.o, this.l);
    const cls = b.u8(0) & 0x0f;
    const tversion = b.u8(0) >> 4;
    if (tversion < 1 || tversion > 3) notLite(`datatype version ${tversion}`);
    const bits0 = b.u8(1);
    const bits1 = b.u8(2);
    const size = b.u32(4);
    if (size === 0) notLite('a datatype of size 0');
    const t: Datatype = { cls, size, littleEndian: (bits0 & 1) === 0, signed: false, strpad: 0, vlenString: false, dtype: null };
    if (cls === 0) {
      t.signed = (bits0 & 0x08) !== 0;
      if (b.u16(8) !== 0 || b.u16(10) !== size * 8 || (bits0 & 0x06) !== 0) notLite('an integer type with padding bits');
      t.dtype = dtypeOf(0, size, t.signed) ?? notLite(`a ${size}-byte integer`);
    } else if (cls === 1) {
      if ((bits0 & 0x40) !== 0) notLite('a VAX float');
      const [expLoc, expSize, manLoc, manSize, bias] = [b.u8(12), b.u8(13), b.u8(14), b.u8(15), b.u32(16)];
      const ieee: Record<number, [number, number, number, number, number]> = {
        2: [10, 5, 0, 10, 15],
        4: [23, 8, 0, 23, 127],
        8: [52, 11, 0, 52, 1023],
      };
      const want = ieee[size];
      const normalized = ((bits0 >> 4) & 0x03) === 2 && bits1 === size * 8 - 1; // implied leading 1, sign in the top bit
      if (!want || want.join() !== [expLoc, expSize, manLoc, manSize, bias].join() || b.u16(8) !== 0 || b.u16(10) !== size * 8 || (bits0 & 0x0e) !== 0 || !normalized) {
        notLite('a float type that is not IEEE binary16/32/64');
      }
      t.dtype = size === 2 ? 'float16' : size === 4 ? 'float32' : 'float64';
    } else if (cls === 3) {
      t.strpad = bits0 & 0x0f;
      if (t.strpad > 2 || bits0 >> 4 > 1 || bits1 !== 0) notLite('an unusual string type');
    } else if (cls === 9) {
      // variable-length: a string (type 1) of 1-byte characters, or a sequence (not read)
      if ((bits0 & 0x0f) !== 1) notLite('a variable-length sequence');
      t.vlenString = true;
      t.strpad = (bits0 >> 4) & 0x0f;
      if (t.strpad > 2 || bits1 > 1 || size !== 4 + this.o + 4) notLite('an unusual variable-length string type');
      // its base type: 1-byte characters (fixed-point or string class)
      const base = b.u8(8) & 0x0f;
      if ((base !== 0 && base !== 3) || b.u32(12) !== 1 || (base === 0 && (b.u16(16) !== 0 || b.u16(18) !== 8))) {
        notLite('a variable-length string of other than 1-byte characters');
      }
    }
    return t;
  }

  private dataspace(d: Uint8Array): Dataspace {
    const b = new Bytes(d, this.o, this.l);
    const version = b.u8(0);
    const rank = b.u8(1);
    let type = 1;
    let at: number;
    if (version === 1) {
      at = 8;
      if ((b.u8(2) & 0x02) !== 0 || b.u8(3) !== 0 || b.u32(4) !== 0) notLite('an unusual dataspace');
      if (rank === 0) type = 0;
    } else if (version === 2) {
      type = b.u8(3);
      at = 4;
    } else {
      notLite(`dataspace version ${version}`);
    }
    if (type === 2) return { shape: null, count: 0 };
    if (type === 0) return { shape: [], count: 1 };
    const shape: number[] = [];
    let count = 1;
    for (let i = 0; i < rank; i++) {
      const n = b.length(at + i * this.l);
      if (n < 0) notLite('an unlimited current dimension');
      shape.push(n);
      count *= n;
    }
    if (!Number.isSafeInteger(count)) notLite('a dataspace too large');
    return { shape, count };
  }

  private datasetHeader(path: string): { type: { dtype: H5DType; size: number }; shape: number[]; count: number; layout: Uint8Array } {
    const ms = this.messagesOf(this.objectAt(path));
    const typeMsg = ms.find((m) => m.type === MSG_DATATYPE);
    const spaceMsg = ms.find((m) => m.type === MSG_DATASPACE);
    const layoutMsg = ms.find((m) => m.type === MSG_LAYOUT);
    if (!typeMsg || !spaceMsg || !layoutMsg) notLite('a dataset without type, space or layout');
    const type = this.datatype(typeMsg.data);
    const space = this.dataspace(spaceMsg.data);
    if (type.dtype === null || !type.littleEndian) notLite('not a little-endian numeric dataset');
    if (space.shape === null) notLite('a dataset with a null dataspace');
    return { type: { dtype: type.dtype, size: type.size }, shape: [...space.shape], count: space.count, layout: layoutMsg.data };
  }

  datasetInfo(path: string): DatasetInfo {
    const { type, shape } = this.datasetHeader(path);
    return { shape, dtype: type.dtype };
  }

  readDataset(path: string): DatasetValue {
    const { type, shape, count, layout } = this.datasetHeader(path);
    const space = { shape, count };
    const layoutMsg = { data: layout };
    const nbytes = space.count * type.size;
    // this reader reads only contiguous or compact data, which must lie in the file: a larger claim is
    // corrupt (h5wasm then reads the file and reports it); then the limits, before allocating
    if (!(nbytes <= this.src.size)) notLite('a dataset larger than the file');
    this.claimArray(path, shape, type.dtype, nbytes, 'stored', this.src.size);
    if (nbytes > 0x7fff0000) notLite('a dataset too large');
    // a fresh buffer of its own (offset 0): aligned, and nothing else keeps the file's bytes alive
    const own = new Uint8Array(nbytes);
    this.layoutBytes(layoutMsg.data, own);
    return { shape: [...space.shape], dtype: type.dtype, data: toTypedArray(own, type.dtype, space.count) };
  }

  /** Fills `out` with a dataset's stored bytes: contiguous (read from the file) or compact (in the message). */
  private layoutBytes(d: Uint8Array, out: Uint8Array): void {
    const nbytes = out.length;
    const b = new Bytes(d, this.o, this.l);
    const version = b.u8(0);
    if (version === 3) {
      const cls = b.u8(1);
      if (cls === 0) {
        const size = b.u16(2);
        if (size !== nbytes) notLite('compact data of the wrong size');
        out.set(b.sub(4, size));
        return;
      }
      if (cls === 1) {
        const address = b.offset(2);
        const size = b.length(2 + this.o);
        if (address < 0) notLite('contiguous data never written (fill value)');
        if (size !== nbytes) notLite('contiguous data of the wrong size');
        this.readData(address, out);
        return;
      }
      notLite('chunked or virtual storage');
    }
    if (version === 1 || version === 2) {
      const rank = b.u8(1);
      const cls = b.u8(2);
      if (cls === 1) {
        const address = b.offset(8);
        if (address < 0) notLite('contiguous data never written (fill value)');
        this.readData(address, out);
        return;
      }
      if (cls === 0) {
        const at = 8 + rank * 4;
        const size = b.u32(at);
        if (size !== nbytes) notLite('compact data of the wrong size');
        out.set(b.sub(at + 4, size));
        return;
      }
      notLite('chunked storage');
    }
    notLite(`layout message version ${version}`);
  }
}

/** The NUL-terminated UTF-8 string at `at` (to the end when there is no NUL). */
function cString(b: Uint8Array, at: number): string {
  if (at < 0 || at > b.length) notLite('a name outside its heap');
  let end = b.indexOf(0, at);
  if (end < 0) end = b.length;
  return utf8.decode(b.subarray(at, end));
}

const encoder = new TextEncoder();

/** HDF5 orders names by their bytes (strcmp). */
function byUtf8(a: string, b: string): number {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}
