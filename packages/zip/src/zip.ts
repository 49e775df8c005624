/**
 * ZIP archives, read defensively and written the way Keras writes them.
 *
 * Compression is fflate's (inflate and the archive writer). The central directory is walked here
 * rather than through fflate's `unzipSync`, because a safe reader must decide before inflating
 * anything and fflate's reader does not check what Python's `zipfile` and Keras check: it neither
 * verifies CRC-32s nor the local headers, silently truncates an entry that inflates past its declared
 * size, returns a short slice for a truncated stored entry, and keeps the last of duplicated names.
 * Tests hold this reader to fflate's `unzipSync` on every well-formed archive (same names, same bytes).
 *
 * What is refused, each with a {@link FormatError} naming the archive and the entry:
 * - not a ZIP (no end-of-central-directory record), truncated or corrupt directories, entries whose
 *   data lies outside the file or overlaps another entry (the "overlapping files" zip bomb);
 * - names that could escape a folder when extracted (`../`, absolute paths, drive letters,
 *   backslashes, NUL) and duplicated names (Python would silently use the last one);
 * - encrypted entries and compression methods other than stored (0) and deflate (8);
 * - zip bombs: more entries than `maxEntries`, declared sizes above `maxBytes` (checked before
 *   inflating), declared ratios deflate cannot produce, and entries that inflate to more or fewer
 *   bytes than declared or whose CRC-32 differs.
 */
import { FormatError, LimitError, UnsupportedError } from '@kerasts/tensor';
import { inflateSync, zipSync, type Zippable } from 'fflate';

/** Limits checked before anything is inflated. */
export interface ZipLimits {
  /**
   * Most bytes the archive may declare once inflated, over all its entries (default 2 GiB). Keras'
   * own guard refuses a member above 4 GiB that expands more than 100×; kerasts checks the total
   * against this limit before inflating anything.
   */
  maxBytes?: number;
  /** Most entries the archive may hold (default 10 000; a `.keras` holds 3 plus its assets). */
  maxEntries?: number;
}

/** Default {@link ZipLimits.maxBytes}: 2 GiB. */
export const DEFAULT_ZIP_MAX_BYTES = 2 ** 31;
/** Default {@link ZipLimits.maxEntries}. */
export const DEFAULT_ZIP_MAX_ENTRIES = 10_000;

/** Deflate cannot expand more than about 1032:1; a larger declared ratio is a lie (bomb or corruption). */
const MAX_DEFLATE_RATIO = 1040;

/** One entry of the central directory. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflate. */
  readonly method: number;
  readonly compressedSize: number;
  /** Declared inflated size. */
  readonly size: number;
  readonly crc32: number;
  /** Offset of the local file header. */
  readonly headerOffset: number;
  /** Offset of the entry's data (after the local header). */
  readonly dataOffset: number;
}

/** Options of {@link ZipArchive.open}. */
export interface OpenZipOptions {
  /** Name of the archive for messages. */
  fileName?: string;
  limits?: ZipLimits;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_LOC64 = 0x07064b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_LOCAL = 0x04034b50;

/** Does this look like a ZIP archive (a local header or an empty archive's end record at offset 0)? */
export function isZipSignature(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  const sig = (bytes[0]! | (bytes[1]! << 8) | (bytes[2]! << 16) | (bytes[3]! << 24)) >>> 0;
  return sig === SIG_LOCAL || sig === SIG_EOCD;
}

/** A ZIP archive whose directory has been read and checked; entries are inflated on demand. */
export class ZipArchive {
  /** Entries in central-directory order. */
  readonly entries: readonly ZipEntry[];
  private readonly byName: Map<string, ZipEntry>;

  private constructor(
    private readonly bytes: Uint8Array,
    entries: ZipEntry[],
    readonly fileName: string,
  ) {
    this.entries = entries;
    this.byName = new Map(entries.map((e) => [e.name, e]));
  }

  /**
   * Read and check the central directory (see the module comment for what is refused).
   *
   * @throws {FormatError} for anything that is not a sound ZIP archive.
   * @throws {LimitError} for more entries than `maxEntries` or more declared inflated bytes than `maxBytes` (option named).
   * @throws {UnsupportedError} for encrypted entries, unknown compression methods, split archives.
   */
  static open(bytes: Uint8Array, options: OpenZipOptions = {}): ZipArchive {
    const file = options.fileName ?? '';
    const maxBytes = options.limits?.maxBytes ?? DEFAULT_ZIP_MAX_BYTES;
    const maxEntries = options.limits?.maxEntries ?? DEFAULT_ZIP_MAX_ENTRIES;
    const fail = (msg: string): never => {
      throw new FormatError(msg, file);
    };
    const n = bytes.length;
    const u16 = (o: number): number => bytes[o]! | (bytes[o + 1]! << 8);
    const u32 = (o: number): number => (bytes[o]! | (bytes[o + 1]! << 8) | (bytes[o + 2]! << 16) | (bytes[o + 3]! << 24)) >>> 0;
    const u64 = (o: number): number => {
      const v = u32(o) + u32(o + 4) * 2 ** 32;
      if (!Number.isSafeInteger(v)) fail(`a ZIP64 field at offset ${o} is too large`);
      return v;
    };
    if (n < 22) fail(n === 0 ? 'not a ZIP archive: the file is empty' : `not a ZIP archive: ${n} bytes is shorter than an end-of-central-directory record (truncated?)`);
    // The end-of-central-directory record is the last 22 bytes plus a comment of up to 65 535 bytes.
    let eocd = -1;
    for (let o = n - 22; o >= Math.max(0, n - 22 - 65535); o--) {
      if (u32(o) === SIG_EOCD && o + 22 + u16(o + 20) === n) {
        eocd = o;
        break;
      }
    }
    if (eocd < 0) {
      fail(
        isZipSignature(bytes)
          ? 'truncated or corrupt ZIP archive: it starts like a ZIP but has no end-of-central-directory record'
          : 'not a ZIP archive: no end-of-central-directory record',
      );
    }
    if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) throw new UnsupportedError('split (multi-disk) ZIP archives are not supported', file);
    let count = u16(eocd + 10);
    let cdSize = u32(eocd + 12);
    let cdOffset = u32(eocd + 16);
    if (u16(eocd + 8) !== count) fail('corrupt ZIP archive: the end record counts the entries twice, differently');
    if (eocd >= 20 && u32(eocd - 20) === SIG_LOC64) {
      const z = u64(eocd - 12);
      if (z + 56 > n || u32(z) !== SIG_EOCD64) fail('corrupt ZIP64 archive: the ZIP64 end record is missing');
      count = u64(z + 32);
      cdSize = u64(z + 40);
      cdOffset = u64(z + 48);
    }
    if (count > maxEntries) throw new LimitError('refusing a ZIP archive with too many entries', file, 'maxEntries', count, maxEntries, '');
    if (cdOffset + cdSize > n) fail(`truncated or corrupt ZIP archive: the central directory (${cdSize} bytes at ${cdOffset}) lies past the end of the file (${n} bytes)`);

    const entries: ZipEntry[] = [];
    const seen = new Set<string>();
    let total = 0;
    let o = cdOffset;
    for (let i = 0; i < count; i++) {
      if (o + 46 > cdOffset + cdSize || u32(o) !== SIG_CENTRAL) fail(`corrupt ZIP archive: central directory entry ${i} is not where the directory says`);
      const flags = u16(o + 8);
      const method = u16(o + 10);
      const crc32 = u32(o + 16);
      let compressedSize = u32(o + 20);
      let size = u32(o + 24);
      const nameLen = u16(o + 28);
      const extraLen = u16(o + 30);
      const commentLen = u16(o + 32);
      let headerOffset = u32(o + 42);
      const nameEnd = o + 46 + nameLen;
      if (nameEnd + extraLen + commentLen > cdOffset + cdSize) fail(`corrupt ZIP archive: central directory entry ${i} runs past the directory`);
      const rawName = bytes.subarray(o + 46, nameEnd);
      // Bit 11: UTF-8 names; otherwise CP437, which agrees with Latin-1 on every name Keras writes.
      const name = new TextDecoder(flags & 0x800 ? 'utf-8' : 'latin1').decode(rawName);
      // ZIP64 sizes and offset live in extra field 0x0001, for the fields set to 0xFFFFFFFF.
      if (size === 0xffffffff || compressedSize === 0xffffffff || headerOffset === 0xffffffff) {
        let e = nameEnd;
        let found = false;
        while (e + 4 <= nameEnd + extraLen) {
          const id = u16(e);
          const len = u16(e + 2);
          if (id === 1) {
            let p = e + 4;
            if (size === 0xffffffff) (size = u64(p)), (p += 8);
            if (compressedSize === 0xffffffff) (compressedSize = u64(p)), (p += 8);
            if (headerOffset === 0xffffffff) headerOffset = u64(p);
            found = true;
            break;
          }
          e += 4 + len;
        }
        if (!found) fail(`corrupt ZIP archive: entry "${name}" needs a ZIP64 extra field and has none`);
      }
      o = nameEnd + extraLen + commentLen;

      const problem = unsafeNameProblem(name);
      if (problem) fail(`refusing ZIP entry "${name}": ${problem}`);
      if (seen.has(name)) fail(`refusing a ZIP archive with the entry "${name}" twice (which one would be read is ambiguous)`);
      seen.add(name);
      if (flags & 0x1) throw new UnsupportedError(`ZIP entry "${name}" is encrypted`, file);
      if (method !== 0 && method !== 8) throw new UnsupportedError(`ZIP entry "${name}" uses compression method ${method} (only stored and deflate are read)`, file);
      if (method === 0 && size !== compressedSize) fail(`corrupt ZIP archive: stored entry "${name}" declares ${size} bytes but stores ${compressedSize}`);
      if (method === 8 && size > 1 << 20 && size > MAX_DEFLATE_RATIO * compressedSize) {
        fail(`refusing ZIP entry "${name}": it declares ${size} bytes from ${compressedSize} compressed bytes, more than deflate can expand (a zip bomb or a corrupt header)`);
      }
      total += size;
      if (total > maxBytes) throw new LimitError(`refusing a ZIP archive that declares more than ${maxBytes} inflated bytes (entry "${name}" brings it over)`, file, 'maxBytes', total, maxBytes, 'bytes');

      // The local header must agree with the directory (Python's zipfile checks the name too).
      if (headerOffset + 30 > n || u32(headerOffset) !== SIG_LOCAL) fail(`truncated or corrupt ZIP archive: the local header of "${name}" is missing at offset ${headerOffset}`);
      const localNameLen = u16(headerOffset + 26);
      const localExtraLen = u16(headerOffset + 28);
      const localName = bytes.subarray(headerOffset + 30, headerOffset + 30 + localNameLen);
      if (localNameLen !== nameLen || !localName.every((b, k) => b === rawName[k])) fail(`corrupt ZIP archive: the local header of "${name}" names another file`);
      if (u16(headerOffset + 8) !== method) fail(`corrupt ZIP archive: the local header of "${name}" declares another compression method`);
      const dataOffset = headerOffset + 30 + localNameLen + localExtraLen;
      if (dataOffset + compressedSize > cdOffset) {
        fail(
          dataOffset + compressedSize > n
            ? `truncated ZIP archive: the data of "${name}" (${compressedSize} bytes at ${dataOffset}) runs past the end of the file (${n} bytes)`
            : `corrupt ZIP archive: the data of "${name}" runs into the central directory`,
        );
      }
      entries.push({ name, method, compressedSize, size, crc32, headerOffset, dataOffset });
    }
    // Overlapping entries let a small file inflate to many large ones: each entry's header and data
    // must end before the next one starts.
    const byOffset = [...entries].sort((a, b) => a.headerOffset - b.headerOffset);
    for (let k = 1; k < byOffset.length; k++) {
      const prev = byOffset[k - 1]!;
      if (prev.dataOffset + prev.compressedSize > byOffset[k]!.headerOffset) {
        fail(`refusing a ZIP archive whose entries "${prev.name}" and "${byOffset[k]!.name}" overlap (an overlapping-files zip bomb or a corrupt archive)`);
      }
    }
    return new ZipArchive(bytes, entries, file);
  }

  /** Is there an entry of this name? */
  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** The entry of this name, or undefined. */
  entry(name: string): ZipEntry | undefined {
    return this.byName.get(name);
  }

  /**
   * An entry's bytes, inflated and checked: exactly the declared size and the declared CRC-32.
   *
   * @throws {FormatError} when the entry is missing, corrupt, or inflates to another size.
   */
  read(name: string): Uint8Array {
    const e = this.byName.get(name);
    const where = this.fileName ? `${this.fileName}, entry ${name}` : `entry ${name}`;
    if (!e) throw new FormatError(`the archive has no entry "${name}" (entries: ${this.entries.map((x) => x.name).join(', ') || 'none'})`, this.fileName);
    const raw = this.bytes.subarray(e.dataOffset, e.dataOffset + e.compressedSize);
    let out: Uint8Array;
    if (e.method === 0) out = raw;
    else {
      // One byte more than declared: fflate drops writes past a fixed buffer, so a full buffer means
      // the entry inflates to more than it declared.
      const buf = new Uint8Array(e.size + 1);
      try {
        out = inflateSync(raw, { out: buf });
      } catch (err) {
        throw new FormatError(`corrupt deflate data (${(err as Error).message})`, where);
      }
      if (out.length !== e.size) {
        throw new FormatError(`the entry inflates to ${out.length > e.size ? 'more than' : out.length} bytes, but declares ${e.size}`, where);
      }
    }
    if (crc32(out) !== e.crc32) throw new FormatError('corrupt entry: its CRC-32 does not match', where);
    return out;
  }

  /** An entry as UTF-8 text. */
  readText(name: string): string {
    const bytes = this.read(name);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new FormatError('expected UTF-8 text', this.fileName ? `${this.fileName}, entry ${name}` : `entry ${name}`);
    }
  }
}

/** Why a name must not be used as a path inside an archive, or null when it is safe. */
export function unsafeNameProblem(name: string): string | null {
  if (name.length === 0) return 'the name is empty';
  if (name.includes('\0')) return 'the name contains a NUL character';
  if (name.includes('\\')) return 'the name contains a backslash (a Windows path separator)';
  if (name.startsWith('/')) return 'the name is an absolute path';
  if (/^[A-Za-z]:/.test(name)) return 'the name starts with a drive letter';
  if (name.split('/').some((p) => p === '..')) return "the name has a '..' component (path traversal)";
  return null;
}

/** One file to put in an archive. */
export interface ZipInput {
  name: string;
  data: Uint8Array;
}

/** Options of {@link writeZip}. */
export interface WriteZipOptions {
  /**
   * Deflate the entries (as `numpy.savez_compressed` does) instead of storing them (as Keras writes
   * `.keras` archives and `numpy.savez` writes `.npz`). Default false.
   */
  compress?: boolean;
}

/**
 * An archive of stored (uncompressed) entries, as Keras writes `.keras` files, or of deflated ones
 * with `compress`; entry dates are 1980-01-01 (Python's default for `ZipFile.open(name, 'w')`) so
 * equal contents give equal bytes.
 *
 * @throws {FormatError} for unsafe or duplicated names.
 */
export function writeZip(files: readonly ZipInput[], options: WriteZipOptions = {}): Uint8Array {
  const z: Zippable = {};
  const seen = new Set<string>();
  for (const f of files) {
    const problem = unsafeNameProblem(f.name);
    if (problem) throw new FormatError(`cannot write ZIP entry "${f.name}": ${problem}`, 'writeZip');
    if (seen.has(f.name)) throw new FormatError(`cannot write the ZIP entry "${f.name}" twice`, 'writeZip');
    seen.add(f.name);
  }
  const level = options.compress ? 6 : 0;
  // A flat key holding '/' stays one entry (fflate adds folder entries only for nested objects).
  for (const f of files) z[f.name] = [f.data, { level, mtime: new Date(1980, 0, 1, 0, 0, 0) }];
  return zipSync(z, { level });
}

const CRC_TABLE = (() => {
  const t = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[i] = c;
  }
  return t;
})();

/** CRC-32 (ZIP's polynomial), as an unsigned number. fflate computes it internally but does not export it. */
export function crc32(data: Uint8Array): number {
  let c = -1;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}
