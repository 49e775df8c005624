/**
 * Typed errors shared by every kerasts package. They live in the lowest package so that every layer
 * of the stack can throw and catch the same classes without depending upward.
 *
 * Each error carries a `where` string (file, HDF5 path, JSON path, layer name, ...) so that a message
 * always says what is wrong *and where*.
 *
 * Every class sets its `name` from a string literal, never from `new.target.name` or
 * `constructor.name`: minifiers rename classes, and `String(err)` in a bundled page would read
 * `l: ...` instead of `FormatError: ...`. A subclass (here or in any package) declares its own
 * `override name = '<ClassName>'`.
 */

/** Base class of all kerasts errors. */
export class KerastsError extends Error {
  override name = 'KerastsError';
  /** Where the problem is: a file, an HDF5 path, a JSON path, a layer name; empty when not known. */
  readonly where: string;
  constructor(message: string, where = '') {
    super(where ? `${where}: ${message}` : message);
    this.where = where;
  }
}

/** A configuration (architecture JSON/YAML, layer options, training config) is malformed. */
export class ConfigError extends KerastsError {
  override name = 'ConfigError';
}

/** Something is valid Keras but not supported by kerasts (yet); the message names it. */
export class UnsupportedError extends KerastsError {
  override name = 'UnsupportedError';
}

/** A file is not in the format it should be in (not HDF5, not a Keras file, truncated, ...). */
export class FormatError extends KerastsError {
  override name = 'FormatError';
}

/**
 * A file could not be read or written: a file-system error in Node (`code` is Node's `ENOENT`,
 * `EACCES`, ...), an HTTP error or network failure when fetching a URL (`code` `HTTP_404`,
 * `FETCH_FAILED`, ...), or a file path given where there is no file system (a browser: `code`
 * `NO_FILE_SYSTEM`; pass the bytes, a `File`, a `Blob`, a `Response` or a URL instead).
 */
export class FileAccessError extends KerastsError {
  override name = 'FileAccessError';
  /** The system's error code (`ENOENT`, `EACCES`, `EEXIST`, `HTTP_404`, `NO_FILE_SYSTEM`, ...), when known. */
  readonly code: string | undefined;
  constructor(message: string, where: string, code?: string) {
    super(message, where);
    this.code = code;
  }
}

/** The output file already exists and `overwrite: true` was not given. */
export class FileExistsError extends FileAccessError {
  override name = 'FileExistsError';
  constructor(where: string) {
    super('the output file already exists; pass overwrite: true to replace it', where, 'EEXIST');
  }
}

/** Two shapes that must agree do not. */
export class ShapeMismatchError extends KerastsError {
  override name = 'ShapeMismatchError';
  readonly expected: readonly (number | null)[];
  readonly found: readonly (number | null)[];
  constructor(
    message: string,
    expected: readonly (number | null)[],
    found: readonly (number | null)[],
    where = '',
  ) {
    super(`${message} (expected shape [${expected.map(fmtDim).join(', ')}], found [${found.map(fmtDim).join(', ')}])`, where);
    this.expected = expected;
    this.found = found;
  }
}

function fmtDim(d: number | null): string {
  return d === null ? 'null' : String(d);
}

/**
 * An input asks for more than a resource limit allows (memory, array or model size, nesting depth):
 * refused before anything is allocated. `option` names the limit ({@link Limits}) that a caller who
 * trusts the input can raise, `requested` and `limit` are in that option's unit.
 */
export class LimitError extends KerastsError {
  override name = 'LimitError';
  /** The option that sets the limit (`maxBytes`, `maxParameters`, `maxMetadataBytes`, `maxDepth`, ...). */
  readonly option: string;
  /** What the input asked for, in the option's unit. */
  readonly requested: number;
  /** The limit in force. */
  readonly limit: number;
  constructor(what: string, where: string, option: string, requested: number, limit: number, unit: 'bytes' | 'values' | 'levels' | '' = '') {
    const fmt = (n: number) => (unit === 'bytes' ? formatBytes(n) : Number.isFinite(n) ? n.toLocaleString('en-US') : String(n));
    super(`${what}: ${fmt(requested)}${unit && unit !== 'bytes' ? ` ${unit}` : ''} is over the limit of ${fmt(limit)}${unit && unit !== 'bytes' ? ` ${unit}` : ''} (option ${option}; raise it if you trust this input)`, where);
    this.option = option;
    this.requested = requested;
    this.limit = limit;
  }
}

/** "1.5 GiB (1,610,612,736 bytes)". */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return `${n} bytes`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let u = '';
  for (const x of units) {
    if (v < 1024) break;
    v /= 1024;
    u = x;
  }
  const exact = `${n.toLocaleString('en-US')} bytes`;
  return u === '' ? exact : `${v.toFixed(v < 10 ? 2 : 1)} ${u} (${exact})`;
}

/**
 * Put an outer location (a file, a layer) in front of a typed error's message and `where`, unless
 * the message already has it. Used where errors from deep inside (a layer's options) pass a place
 * that knows the file.
 */
export function withContext<E extends KerastsError>(err: E, context: string): E {
  if (context === '' || err.message.includes(context)) return err;
  err.message = `${context}: ${err.message}`;
  (err as { where: string }).where = err.where ? `${context}: ${err.where}` : context;
  return err;
}
