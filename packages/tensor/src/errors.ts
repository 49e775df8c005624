/**
 * Typed errors shared by every kerasts package. They live in the lowest package so that every layer
 * of the stack can throw and catch the same classes without depending upward.
 *
 * Each error carries a `where` string (file, HDF5 path, JSON path, layer name, ...) so that a message
 * always says what is wrong *and where*.
 */

/** Base class of all kerasts errors. */
export class KerastsError extends Error {
  /** Where the problem is: a file, an HDF5 path, a JSON path, a layer name; empty when not known. */
  readonly where: string;
  constructor(message: string, where = '') {
    super(where ? `${where}: ${message}` : message);
    this.name = new.target.name;
    this.where = where;
  }
}

/** A configuration (architecture JSON/YAML, layer options, training config) is malformed. */
export class ConfigError extends KerastsError {}

/** Something is valid Keras but not supported by kerasts (yet); the message names it. */
export class UnsupportedError extends KerastsError {}

/** A file is not in the format it should be in (not HDF5, not a Keras file, truncated, ...). */
export class FormatError extends KerastsError {}

/** Two shapes that must agree do not. */
export class ShapeMismatchError extends KerastsError {
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
