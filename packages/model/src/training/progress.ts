/**
 * The progress display of `fit` (Keras' `ProgbarLogger`): a live bar redrawn in place on a terminal,
 * one line per epoch otherwise. It writes through a stream-like object so that core code never imports
 * Node; by default it uses `process.stdout` when there is one, else `console.log`.
 */
import { Callback, type Logs } from './callbacks.js';

/** Where the progress display writes. */
export interface ProgressStream {
  /** Writes text as is (no newline added). */
  write(text: string): void;
  /** Whether it is a terminal (then the bar is redrawn in place). */
  isTTY?: boolean;
}

interface MaybeStdout {
  write?: unknown;
  isTTY?: unknown;
}

/** `process.stdout` when running under Node (looked up at run time), else a `console.log` line writer. */
export function defaultProgressStream(): ProgressStream {
  const proc = (globalThis as { process?: { stdout?: MaybeStdout } }).process;
  const out = proc?.stdout;
  if (out && typeof out.write === 'function') {
    const write = out.write as (s: string) => boolean;
    return { write: (s) => void write.call(out, s), isTTY: out.isTTY === true };
  }
  let pending = '';
  return {
    write(text: string): void {
      pending += text;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) console.log(l);
    },
    isTTY: false,
  };
}

/** Formats a logged value as Keras does: 4 decimals, or scientific notation for small magnitudes. */
export function formatLogValue(v: number): string {
  if (!Number.isFinite(v)) return String(v).toLowerCase().replace('infinity', 'inf');
  const a = Math.abs(v);
  if (a !== 0 && a < 1e-3) return v.toExponential(4).replace(/e([+-])(\d)$/, 'e$10$2');
  return v.toFixed(4);
}

function formatLogs(logs: Logs): string {
  return Object.entries(logs)
    .map(([k, v]) => ` - ${k}: ${formatLogValue(v)}`)
    .join('');
}

function formatTime(seconds: number): string {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  if (seconds >= 60) return `${Math.floor(seconds / 60)}:${String(Math.floor(seconds % 60)).padStart(2, '0')}`;
  return `${Math.round(seconds)}s`;
}

function perStep(seconds: number, steps: number): string {
  const t = steps > 0 ? seconds / steps : 0;
  if (t >= 1) return `${Math.round(t)}s/step`;
  if (t >= 1e-3) return `${Math.round(t * 1e3)}ms/step`;
  return `${Math.round(t * 1e6)}us/step`;
}

/**
 * Prints training progress. `verbose` 1: `Epoch 3/20` then a bar updated after every batch (on a
 * terminal; elsewhere just the final line of the epoch); `verbose` 2: one line per epoch.
 */
export class ProgbarLogger extends Callback {
  private readonly stream: ProgressStream;
  private readonly verboseMode: 1 | 2;
  private epochStart = 0;
  private lastDraw = 0;
  private readonly now: () => number;
  private epochs = 0;
  private steps = 0;
  private seen = 0;

  /**
   * @param verbose 1 for a bar, 2 for one line per epoch.
   * @param stream where to write (default {@link defaultProgressStream}).
   */
  constructor(verbose: 1 | 2 = 1, stream: ProgressStream = defaultProgressStream(), now: () => number = () => Date.now()) {
    super();
    this.verboseMode = verbose;
    this.stream = stream;
    this.now = now;
  }

  private get tty(): boolean {
    return this.verboseMode === 1 && this.stream.isTTY === true;
  }

  override onTrainBegin(): void {
    this.epochs = this.params?.epochs ?? 0;
    this.steps = this.params?.steps ?? 0;
  }

  override onEpochBegin(epoch: number): void {
    this.epochStart = this.now();
    this.lastDraw = 0;
    this.seen = 0;
    if (this.verboseMode === 1) this.stream.write(`Epoch ${epoch + 1}/${this.epochs}\n`);
  }

  override onBatchEnd(batch: number, logs: Logs): void {
    this.seen = batch + 1;
    if (!this.tty) return;
    const t = this.now();
    if (batch + 1 < this.steps && t - this.lastDraw < 50) return; // redraw at most 20 times a second
    this.lastDraw = t;
    this.stream.write(`\r${this.barLine(batch + 1, logs, false)}\x1b[K`);
  }

  private barLine(done: number, logs: Logs, final: boolean): string {
    const total = this.steps;
    const width = String(total).length;
    const elapsed = (this.now() - this.epochStart) / 1000;
    const barWidth = 20;
    const filled = total > 0 ? Math.round((barWidth * done) / total) : barWidth;
    const bar = '━'.repeat(filled) + (filled < barWidth ? '\x1b[2m' + '━'.repeat(barWidth - filled) + '\x1b[0m' : '');
    const timing = final || done >= total ? `${formatTime(elapsed)} ${perStep(elapsed, done)}` : `${formatTime(done > 0 ? (elapsed / done) * (total - done) : 0)}`;
    return `${String(done).padStart(width)}/${total} ${bar} ${timing}${formatLogs(logs)}`;
  }

  override onEpochEnd(_epoch: number, logs: Logs): void {
    const elapsed = (this.now() - this.epochStart) / 1000;
    const steps = this.seen || this.steps;
    if (this.tty) {
      this.stream.write(`\r${this.barLine(steps, logs, true)}\x1b[K\n`);
    } else if (this.verboseMode === 1) {
      this.stream.write(`${steps}/${this.steps} ━━━━━━━━━━━━━━━━━━━━ ${formatTime(elapsed)} ${perStep(elapsed, steps)}${formatLogs(logs)}\n`);
    } else {
      this.stream.write(`Epoch ${_epoch + 1}/${this.epochs} - ${steps}/${this.steps} - ${formatTime(elapsed)} - ${perStep(elapsed, steps)}${formatLogs(logs)}\n`);
    }
  }
}
