/**
 * NumPy's `.npz`: a ZIP of `.npy` files, one per array (`numpy.savez` stores them,
 * `numpy.savez_compressed` deflates them). The archive goes through `@kerasts/zip`'s checked reader
 * (limits before inflating, traversal, duplicates, CRC-32), the members through {@link readNpy}.
 */
import { FormatError } from '@kerasts/tensor';
import { writeZip, ZipArchive, type ZipLimits } from '@kerasts/zip';
import { readNpy, writeNpy, type NpyArray, type ReadNpyOptions, type WriteNpyOptions } from './npy.js';
import type { ArrayInput } from './tensors.js';

/** Options of {@link openNpz} and {@link readNpz}. */
export interface ReadNpzOptions extends ReadNpyOptions {
  /** Limits checked before anything is inflated (default: 2 GiB in all, 10 000 entries). */
  limits?: ZipLimits;
}

/** Options of {@link writeNpz}. */
export interface WriteNpzOptions extends Omit<WriteNpyOptions, 'dtype'> {
  /** Deflate the members, as `numpy.savez_compressed` (default false: stored, as `numpy.savez`). */
  compress?: boolean;
}

/** An opened `.npz`: array names as numpy lists them (member names without `.npy`), arrays read on demand. */
export class NpzArchive {
  /** The array names, in archive order (`np.load(f).files`). */
  readonly names: readonly string[];
  private readonly zip: ZipArchive;
  private readonly fileName: string;
  private readonly options: ReadNpzOptions;

  /** @internal use {@link openNpz}. */
  constructor(zip: ZipArchive, options: ReadNpzOptions) {
    this.zip = zip;
    this.options = options;
    this.fileName = options.fileName ?? '';
    // numpy strips '.npy' from member names; members that are not .npy files are not arrays.
    this.names = zip.entries.filter((e) => e.name.endsWith('.npy')).map((e) => e.name.slice(0, -4));
  }

  /** Is there an array of this name? */
  has(name: string): boolean {
    return this.zip.has(`${name}.npy`);
  }

  /**
   * The array of this name.
   *
   * @throws {FormatError} naming the arrays the archive has, when there is none of this name.
   */
  get(name: string): NpyArray {
    if (!this.has(name)) {
      throw new FormatError(`no array "${name}" in the .npz (it has: ${this.names.join(', ') || 'no arrays'})`, this.fileName);
    }
    const member = `${name}.npy`;
    return readNpy(this.zip.read(member), { ...this.options, fileName: this.fileName ? `${this.fileName}:${name}` : name });
  }
}

/**
 * Open a `.npz` (checks the ZIP directory; arrays are read by {@link NpzArchive.get}).
 *
 * @throws {FormatError} for a damaged or hostile archive (see `@kerasts/zip`).
 */
export function openNpz(bytes: Uint8Array, options: ReadNpzOptions = {}): NpzArchive {
  const zip = ZipArchive.open(bytes, { ...(options.fileName !== undefined ? { fileName: options.fileName } : {}), ...(options.limits ? { limits: options.limits } : {}) });
  return new NpzArchive(zip, options);
}

/** Every array of a `.npz`, by name, in archive order (`dict(np.load(f))`). */
export function readNpz(bytes: Uint8Array, options: ReadNpzOptions = {}): Map<string, NpyArray> {
  const z = openNpz(bytes, options);
  return new Map(z.names.map((n) => [n, z.get(n)]));
}

/**
 * The bytes of a `.npz` holding the arrays (`numpy.savez`, or `numpy.savez_compressed` with
 * `compress`), each as `<name>.npy`, in the order given.
 *
 * @throws {FormatError} for names that are unsafe as archive paths or repeated.
 */
export function writeNpz(arrays: Readonly<Record<string, ArrayInput>> | ReadonlyMap<string, ArrayInput>, options: WriteNpzOptions = {}): Uint8Array {
  const entries = arrays instanceof Map ? [...arrays.entries()] : Object.entries(arrays as Record<string, ArrayInput>);
  const { compress, ...npy } = options;
  return writeZip(
    entries.map(([name, a]) => ({ name: `${name}.npy`, data: writeNpy(a, npy) })),
    { compress: compress ?? false },
  );
}
