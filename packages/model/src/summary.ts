/**
 * `model.summary()` as Keras prints it: Keras 3's table (rich's box drawing, "Connected to" for
 * graphs, memory sizes, the optimizer's parameters once it is built) or Keras 2's plain layout, for
 * models from Keras ≤ 2 files. Keras 3's layout is keras/src/utils/summary_utils.py rendered by
 * rich (column widths, word wrapping, ellipses), reproduced here character for character; tests
 * compare with Keras 3.15.1's output.
 */
import { type Layer, type Shape } from '@kerasts/layers';

/** Which Keras prints the table. */
export type SummaryStyle = 'keras-3' | 'keras-2';

/** Options of `model.summary()`. */
export interface SummaryOptions {
  /**
   * `'keras-3'` (Keras 3's table) or `'keras-2'` (Keras 2's plain layout). Default: Keras 2's for a
   * model that follows Keras ≤ 2 (one loaded from an old file), Keras 3's otherwise.
   */
  style?: SummaryStyle;
  /**
   * Total width. Default as Keras: Keras 3 takes 88 (a chain of layers) or 108 (a graph), at most the
   * terminal width minus 4 (`COLUMNS`, else the terminal's, else 80 — so 76 when piped); Keras 2 takes
   * 65 or 98.
   */
  lineLength?: number;
  /** Where the text goes (default `console.log`); `null` only returns it. */
  print?: ((text: string) => void) | null;
}

/** One layer of the table. */
export interface SummaryRow {
  layer: Layer;
  /** The output shapes of each call of the layer, in call order (one list per call). */
  nodeOutputs: Shape[][];
  /** The tensors the layer's calls in this model take, as `name[node][tensor]`. */
  connections: string[];
  /** Whether the layer has its weights (an unbuilt layer shows `?` and `0 (unbuilt)`, as Keras 3). */
  built: boolean;
}

/** What a summary shows. */
export interface SummaryData {
  modelName: string;
  rows: SummaryRow[];
  /** A chain (no "Connected to" column): Sequential, or a graph where every depth has one call of one input and no layer is shared. */
  sequentialLike: boolean;
  trainableParams: number;
  nonTrainableParams: number;
  /** The optimizer's variables (all of them, including the iteration count), once it is built; null before. */
  optimizerParams: number | null;
}

const keras3Shape = (s: Shape): string => `(${s.map((d) => (d === null ? 'None' : String(d))).join(', ')})`;
const keras2Shape = (s: Shape): string => {
  const parts = s.map((d) => (d === null ? 'None' : String(d)));
  return parts.length === 1 ? `(${parts[0]},)` : `(${parts.join(', ')})`;
};

/** Python's `round` (half to even), used by rich when it shares out widths. */
function pyRound(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}

/** Python's `'{:.2f}'.format(x)`: the exact decimal value of the double, rounded half to even. */
function pyFixed2(x: number): string {
  const exact = x.toFixed(60); // exact digits of the double (it has fewer than 60 fractional digits here)
  const [int, frac = ''] = exact.split('.');
  const keep = frac.slice(0, 2);
  const rest = frac.slice(2);
  let n = BigInt(int! + keep);
  const first = rest[0] ?? '0';
  const tail = rest.slice(1).replace(/0+$/, '');
  if (first > '5' || (first === '5' && (tail !== '' || n % 2n === 1n))) n += 1n;
  const s = n.toString().padStart(3, '0');
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

/** keras/src/utils/summary_utils.py `readable_memory_size`. */
function readableMemorySize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let size = bytes;
  for (const unit of units) {
    if (size / 1024 < 1) return `${pyFixed2(size)} ${unit}`;
    size /= 1024;
  }
  return `${pyFixed2(size)} PB`;
}

const thousands = (n: number): string => n.toLocaleString('en-US');

/** The terminal width Python's `shutil.get_terminal_size` reports (COLUMNS, the terminal, else 80). */
export function terminalColumns(): number {
  const proc = (globalThis as { process?: { env?: Record<string, string | undefined>; stdout?: { isTTY?: boolean; columns?: number } } }).process;
  const env = Number(proc?.env?.COLUMNS);
  if (Number.isInteger(env) && env > 0) return env;
  const cols = proc?.stdout?.isTTY ? proc.stdout.columns : undefined;
  return typeof cols === 'number' && cols > 0 ? cols : 80;
}

/* ------------------------------------------------------------------ Keras 3 (rich) ---------- */

/** rich's `divide_line` (no folding) + truncation with an ellipsis: the lines of a cell. */
function wrapCell(text: string, width: number): string[] {
  const words = [...text.matchAll(/\s*\S+\s*/g)].map((m) => ({ start: m.index, word: m[0] }));
  const breaks: number[] = [];
  let offset = 0;
  for (const { start, word } of words) {
    const wordLength = word.trimEnd().length;
    if (width - offset >= wordLength) offset += word.length;
    else if (wordLength > width) {
      if (start) breaks.push(start);
      offset = word.length;
    } else if (offset && start) {
      breaks.push(start);
      offset = word.length;
    }
  }
  const lines: string[] = [];
  let from = 0;
  for (const b of [...breaks, text.length]) {
    let line = text.slice(from, b);
    from = b;
    // rich's rstrip_end: drop trailing spaces, but only those beyond the width; then crop with an ellipsis.
    if (line.length > width) {
      const trailing = line.length - line.trimEnd().length;
      line = line.slice(0, line.length - Math.min(trailing, line.length - width));
    }
    if (line.length > width) line = line.slice(0, width - 1) + '…';
    lines.push(line);
  }
  return lines.length ? lines : [''];
}

/** rich's `ratio_reduce`: take `total` away from the values in proportion to the ratios. */
function ratioReduce(total: number, ratios: number[], maximums: number[], values: number[]): number[] {
  let totalRatio = ratios.reduce((a, b) => a + b, 0);
  let remaining = total;
  return values.map((v, i) => {
    const ratio = ratios[i]!;
    if (ratio && totalRatio > 0) {
      const distributed = Math.min(maximums[i]!, pyRound((ratio * remaining) / totalRatio));
      remaining -= distributed;
      totalRatio -= ratio;
      return v - distributed;
    }
    return v;
  });
}

function keras3Table(header: string[], rows: string[][], align: ('left' | 'right')[], lineLength: number, positions: number[]): string[] {
  // Column widths as keras computes them, then as rich fits them into the table width.
  const widths: number[] = [];
  let current = 0;
  for (const p of positions) {
    const w = Math.floor(p * lineLength) - current;
    widths.push(w);
    current += w;
  }
  let cells = widths.map((w) => w + 2); // one space of padding each side
  const max = lineLength - (widths.length + 1);
  const sum = cells.reduce((a, b) => a + b, 0);
  if (sum > max) cells = ratioReduce(sum - max, cells.map(() => 1), cells, cells).map((w) => Math.max(0, w));
  const line = (l: string, mid: string, r: string, fill: string) => l + cells.map((w) => fill.repeat(w)).join(mid) + r;
  const render = (fields: string[], bar: string): string[] => {
    const wrapped = fields.map((f, i) => wrapCell(f, cells[i]! - 2));
    const height = Math.max(...wrapped.map((w) => w.length));
    const out: string[] = [];
    for (let k = 0; k < height; k++) {
      const parts = wrapped.map((w, i) => {
        const text = w[k] ?? '';
        const inner = cells[i]! - 2;
        return ' ' + (align[i] === 'right' && w[k] !== undefined ? text.trimEnd().padStart(inner) : text.padEnd(inner)) + ' ';
      });
      out.push(bar + parts.join(bar) + bar);
    }
    return out;
  };
  const out = [line('┏', '┳', '┓', '━'), ...render(header, '┃'), line('┡', '╇', '┩', '━')];
  rows.forEach((r, i) => {
    out.push(...render(r, '│'));
    out.push(i === rows.length - 1 ? line('└', '┴', '┘', '─') : line('├', '┼', '┤', '─'));
  });
  if (rows.length === 0) out.push(line('└', '┴', '┘', '─'));
  return out;
}

function formatKeras3(d: SummaryData, lineLength: number | undefined): string {
  const seq = d.sequentialLike;
  const length = lineLength ?? Math.min(seq ? 88 : 108, terminalColumns() - 4);
  const positions = seq ? [0.45, 0.8, 1.0] : [0.3, 0.56, 0.74, 1.0];
  const header = seq ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const align: ('left' | 'right')[] = seq ? ['left', 'left', 'right'] : ['left', 'left', 'right', 'left'];
  const rows = d.rows.map((r) => {
    const last = r.nodeOutputs[r.nodeOutputs.length - 1];
    const shape = !r.built || !last ? '?' : last.length === 1 ? keras3Shape(last[0]!) : `[${last.map(keras3Shape).join(', ')}]`;
    const params = r.built ? thousands(r.layer.countParams()) : '0 (unbuilt)';
    const fields = [`${r.layer.name} (${r.layer.className})`, shape, params];
    if (!seq) fields.push(r.connections.length ? r.connections.join(', ') : '-');
    return fields;
  });
  const f32 = (n: number) => readableMemorySize(n * 4);
  const opt = d.optimizerParams;
  const total = d.trainableParams + d.nonTrainableParams + (opt ?? 0);
  const out = [`Model: "${d.modelName}"`, ...keras3Table(header, rows, align, length, positions)];
  out.push(` Total params: ${thousands(total)} (${f32(total)})`);
  out.push(` Trainable params: ${thousands(d.trainableParams)} (${f32(d.trainableParams)})`);
  out.push(` Non-trainable params: ${thousands(d.nonTrainableParams)} (${f32(d.nonTrainableParams)})`);
  if (opt !== null) out.push(` Optimizer params: ${thousands(opt)} (${f32(opt)})`);
  return out.join('\n');
}

/* ------------------------------------------------------------------ Keras 2 ---------------- */

/** Keras 2's `print_row`: each field cut at its column's end, the previous one cut a character short. */
function keras2Row(fields: string[], positions: number[]): string {
  let line = '';
  fields.forEach((f, i) => {
    if (i > 0) line = line.slice(0, -1) + ' ';
    line += f;
    line = line.slice(0, positions[i]!);
    line += ' '.repeat(Math.max(0, positions[i]! - line.length));
  });
  return line.trimEnd();
}

function formatKeras2(d: SummaryData, lineLength: number | undefined): string {
  const seq = d.sequentialLike;
  const length = lineLength ?? (seq ? 65 : 98);
  const positions = (seq ? [0.45, 0.85, 1] : [0.33, 0.55, 0.67, 1]).map((p) => Math.floor(length * p));
  const header = seq ? ['Layer (type)', 'Output Shape', 'Param #'] : ['Layer (type)', 'Output Shape', 'Param #', 'Connected to'];
  const out = [`Model: "${d.modelName}"`, '_'.repeat(length), keras2Row(header, positions), '='.repeat(length)];
  d.rows.forEach((r, i) => {
    // Keras 2's layer.output_shape: the shape(s) when every call gives the same, else 'multiple'.
    const shapes = r.nodeOutputs.map((outs) => (outs.length === 1 ? keras2Shape(outs[0]!) : `[${outs.map(keras2Shape).join(', ')}]`));
    const shape = shapes.length === 0 ? 'multiple' : shapes.every((s) => s === shapes[0]) ? shapes[0]! : 'multiple';
    const fields = [`${r.layer.name} (${r.layer.className})`, shape, String(r.layer.countParams())];
    if (seq) out.push(keras2Row(fields, positions));
    else {
      out.push(keras2Row([...fields, r.connections[0] ?? ''], positions));
      for (const c of r.connections.slice(1)) out.push(keras2Row(['', '', '', c], positions));
    }
    out.push(i === d.rows.length - 1 ? '='.repeat(length) : '_'.repeat(length));
  });
  if (d.rows.length === 0) out.push('='.repeat(length));
  out.push(`Total params: ${thousands(d.trainableParams + d.nonTrainableParams)}`);
  out.push(`Trainable params: ${thousands(d.trainableParams)}`);
  out.push(`Non-trainable params: ${thousands(d.nonTrainableParams)}`);
  out.push('_'.repeat(length));
  return out.join('\n');
}

/** The summary text in the given style. */
export function formatSummary(data: SummaryData, options: { style: SummaryStyle; lineLength?: number }): string {
  return options.style === 'keras-2' ? formatKeras2(data, options.lineLength) : formatKeras3(data, options.lineLength);
}
