/**
 * Numeric CSV tables into tensors (rows × columns) and back. Reads what people and numpy write:
 * comma, semicolon, tab or whitespace separated (`numpy.savetxt`'s default is a space), an optional
 * header line (its names are returned), `#` comment lines (`savetxt`'s `header=` writes one),
 * quoted cells, `nan`/`inf`, a UTF-8 byte order mark, CRLF line ends.
 */
import { ConfigError, FormatError, Tensor } from '@kerasts/tensor';
import type { NpyArray } from './npy.js';
import { asNpyArray, type ArrayInput } from './tensors.js';

/** Options of {@link readCsv}. */
export interface ReadCsvOptions {
  /** Name for error messages. */
  fileName?: string;
  /** The separator (default: detected from the first line: `,`, else `;`, else tab, else runs of whitespace). */
  delimiter?: string;
  /** Whether the first row is a header (default `'auto'`: it is when any of its cells is not a number). */
  header?: boolean | 'auto';
  /** Lines starting with this are skipped (default `'#'`; `null` keeps them). */
  comments?: string | null;
}

/** A CSV table: its column names (when it has a header) and its values as a (rows, columns) tensor. */
export interface CsvTable {
  columns: string[] | null;
  tensor: Tensor;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** A cell as a number, or null when it is not one (`nan`, `inf`, `-inf` as numpy writes them). */
function cellValue(c: string): number | null {
  if (NUMBER.test(c)) return Number(c);
  const l = c.toLowerCase();
  if (l === 'nan' || l === '+nan' || l === '-nan') return NaN;
  if (l === 'inf' || l === '+inf' || l === 'infinity' || l === '+infinity') return Infinity;
  if (l === '-inf' || l === '-infinity') return -Infinity;
  return null;
}

function splitLine(line: string, delimiter: string | null): string[] {
  if (delimiter === null) return line.trim().split(/\s+/);
  const cells: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"' && cur.trim() === '') {
      quoted = true;
      cur = '';
    } else if (line.startsWith(delimiter, i)) {
      cells.push(cur.trim());
      cur = '';
      i += delimiter.length - 1;
    } else cur += ch;
  }
  cells.push(cur.trim());
  return cells;
}

/**
 * A numeric CSV as its header and a (rows, columns) float32 tensor.
 *
 * @throws {FormatError} naming the line and column of a cell that is not a number, or a row of
 *   another length.
 */
export function readCsvTable(input: string | Uint8Array, options: ReadCsvOptions = {}): CsvTable {
  const file = options.fileName ?? '';
  let text = typeof input === 'string' ? input : new TextDecoder('utf-8').decode(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const comments = options.comments === undefined ? '#' : options.comments;
  const lines: { n: number; text: string }[] = [];
  text.split(/\r?\n|\r/).forEach((t, i) => {
    if (t.trim() === '') return;
    if (comments && t.trimStart().startsWith(comments)) return;
    lines.push({ n: i + 1, text: t });
  });
  if (lines.length === 0) throw new FormatError('the CSV has no rows', file);
  const first = lines[0]!.text;
  const bare = first.replace(/"[^"]*"/g, '""'); // separators inside quotes do not count
  const delimiter = options.delimiter ?? (bare.includes(',') ? ',' : bare.includes(';') ? ';' : bare.includes('\t') ? '\t' : null);
  let rows = lines.map((l) => ({ n: l.n, cells: splitLine(l.text, delimiter) }));
  let columns: string[] | null = null;
  const header = options.header ?? 'auto';
  if (header === true || (header === 'auto' && rows[0]!.cells.some((c) => c !== '' && cellValue(c) === null))) {
    columns = rows[0]!.cells;
    rows = rows.slice(1);
  }
  const cols = columns?.length ?? rows[0]?.cells.length ?? 0;
  const values = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => {
    if (r.cells.length !== cols) throw new FormatError(`line ${r.n} has ${r.cells.length} values, expected ${cols}${columns ? ' (as many as the header names)' : ' (as many as the first row)'}`, file);
    r.cells.forEach((c, j) => {
      const v = cellValue(c);
      if (v === null) throw new FormatError(`line ${r.n}, column ${j + 1}${columns ? ` (${columns[j]})` : ''}: ${c === '' ? 'the cell is empty' : `"${c}" is not a number`}`, file);
      values[i * cols + j] = v;
    });
  });
  return { columns, tensor: new Tensor(values, [rows.length, cols]) };
}

/** A numeric CSV as a (rows, columns) float32 tensor (a header line, if any, is skipped). See {@link readCsvTable}. */
export function readCsv(input: string | Uint8Array, options: ReadCsvOptions = {}): Tensor {
  return readCsvTable(input, options).tensor;
}

/** Options of {@link writeCsv}. */
export interface WriteCsvOptions {
  /** Separator (default `,`). */
  delimiter?: string;
  /** Column names for a header line. */
  columns?: readonly string[];
}

/** The shortest decimal that reads back as the same float32 (`0.1`, not `0.10000000149011612`). */
export function float32ToString(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  const f = Math.fround(v);
  for (let p = 1; p <= 9; p++) {
    const s = f.toPrecision(p);
    if (Math.fround(Number(s)) === f) return String(Number(s));
  }
  return String(f);
}

/**
 * A rank-1 (one column) or rank-2 array as CSV text, one row per line. float32 values are written as
 * the shortest decimal that reads back exactly; other dtypes as their exact values.
 *
 * @throws {ConfigError} for arrays of another rank, or columns that do not match.
 */
export function writeCsv(array: ArrayInput, options: WriteCsvOptions = {}): string {
  const a: NpyArray = asNpyArray(array);
  if (a.shape.length !== 1 && a.shape.length !== 2) throw new ConfigError(`a CSV holds a table: rank 1 or 2, found shape [${a.shape.join(', ')}]`, 'writeCsv');
  const rows = a.shape[0]!;
  const cols = a.shape.length === 2 ? a.shape[1]! : 1;
  const sep = options.delimiter ?? ',';
  if (options.columns && options.columns.length !== cols) throw new ConfigError(`${options.columns.length} column names for ${cols} columns`, 'writeCsv');
  const fmt = (v: number | bigint): string => {
    if (typeof v === 'bigint') return String(v);
    if (a.dtype === 'float32' || a.dtype === 'float16') return float32ToString(v);
    return Number.isFinite(v) ? String(v) : float32ToString(v);
  };
  const lines: string[] = [];
  if (options.columns) lines.push(options.columns.map((c) => (/[",\n;\t]/.test(c) || c.includes(sep) ? `"${c.replace(/"/g, '""')}"` : c)).join(sep));
  for (let r = 0; r < rows; r++) {
    const cells: string[] = [];
    for (let c = 0; c < cols; c++) cells.push(fmt(a.data[r * cols + c]!));
    lines.push(cells.join(sep));
  }
  return lines.join('\n') + '\n';
}
