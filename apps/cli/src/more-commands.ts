/** `kerasts summary`, `weights` and `transfer`: looking at and moving weights between files. */
import { Option, type Command } from 'commander';
import { formatForPath, formatTransferReport, KerastsError, loadWeights, saveModel, type Model, type WeightTable } from 'kerasts';
import { fitToInputShape, readInput, UsageError } from './data.js';
import { readBytes, weightTableOf } from './files.js';
import { skipMismatchHint } from './hints.js';

/** Shared plumbing the commands need from main.ts. */
export interface CommandContext {
  out: (s: string) => void;
  err: (s: string) => void;
  /** A model from any model file (or an architecture + weights); `command` picks the hint for a weights-only file. */
  loadModelFile: (file: string, weights: string | undefined, command: string) => Promise<Model>;
  writeBytes: (path: string, bytes: Uint8Array, force: boolean | undefined) => Promise<void>;
}

interface WeightStats {
  layer: string;
  weight: string;
  shape: number[];
  min: number;
  max: number;
  mean: number;
  std: number;
}

function stats(table: WeightTable): WeightStats[] {
  return table.layers.flatMap((l) =>
    l.weights.map((w) => {
      const d = w.value.data;
      let min = Infinity, max = -Infinity, sum = 0, sq = 0;
      for (const v of d) {
        min = Math.min(min, v);
        max = Math.max(max, v);
        sum += v;
        sq += v * v;
      }
      const n = d.length || 1;
      const mean = sum / n;
      return { layer: l.layerName, weight: w.name, shape: [...w.value.shape], min, max, mean, std: Math.sqrt(Math.max(0, sq / n - mean * mean)) };
    }),
  );
}

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(4) : String(v));

/** The model format an output name asks for (`.keras`, `.h5`, `.json`, `.yaml`). */
function modelOutputFormat(path: string): 'keras' | 'h5' {
  const f = formatForPath(path);
  if (f === 'keras' || f === 'h5') return f;
  throw new UsageError(`the output must be a model file named .keras or .h5, got "${path}"`);
}

interface TrainOptions {
  x: string;
  y: string;
  output?: string;
  inPlace?: boolean;
  epochs: number;
  initialEpoch: number;
  batchSize: number;
  validationSplit: number;
  shuffle: boolean;
  seed?: number;
  optimizer?: string;
  loss?: string;
  force?: boolean;
  json?: boolean;
}

export { UsageError } from './data.js';

/** Register the commands on the program. */
export function addMoreCommands(program: Command, ctx: CommandContext): void {
  program
    .command('summary')
    .description("Print Keras' model.summary() table for a model file or architecture: Keras 3's table, or Keras 2's layout for files from Keras 1/2.")
    .argument('<file>', 'a .keras, a full-model .h5, an architecture .json/.yaml, or a weights file with --arch')
    .option('--arch <file>', 'architecture (.json/.yaml, or a model file) for a weights-only file')
    .addOption(new Option('--style <style>', "whose layout: Keras 3's table or Keras 2's (default: by the Keras version that wrote the file)").choices(['keras-3', 'keras-2']))
    .option('--line-length <n>', 'total width (default as Keras: 88 or 108, at most the terminal width - 4)', (v) => Number(v))
    .addHelpText('after', '\nExamples:\n  kerasts summary my_model.keras\n  kerasts summary old_keras2_model.h5 --style keras-3\n  kerasts summary w.weights.h5 --arch arch.json')
    .action(async (file: string, opts: { arch?: string; style?: 'keras-3' | 'keras-2'; lineLength?: number }) => {
      if (opts.lineLength !== undefined && (!Number.isInteger(opts.lineLength) || opts.lineLength < 20)) throw new UsageError(`--line-length must be an integer of at least 20, got ${String(opts.lineLength)}`);
      const model = opts.arch ? await ctx.loadModelFile(opts.arch, file, 'summary') : await ctx.loadModelFile(file, undefined, 'summary');
      ctx.out(model.summary({ print: null, ...(opts.style ? { style: opts.style } : {}), ...(opts.lineLength !== undefined ? { lineLength: opts.lineLength } : {}) }) + '\n');
    });

  program
    .command('weights')
    .description('List the weights of a Keras file (.keras, .weights.h5, .h5) with shapes and statistics, or compare two files weight by weight.')
    .argument('<file>', 'a .keras, a .weights.h5 or a Keras .h5 (full model or weights)')
    .argument('[other]', 'a second file to compare with')
    .option('--json', 'print JSON')
    .addHelpText('after', '\nExamples:\n  kerasts weights model.h5\n  kerasts weights before.h5 after.h5')
    .action(async (file: string, other: string | undefined, opts: { json?: boolean }) => {
      const a = await weightTableOf(file);
      if (!other) {
        const s = stats(a);
        if (opts.json) ctx.out(JSON.stringify({ file, keras_version: a.kerasVersion, weights: s }, null, 2) + '\n');
        else {
          ctx.out(`${file}: ${s.length} weight arrays, ${s.reduce((n, w) => n + w.shape.reduce((x, y) => x * y, 1), 0).toLocaleString('en-US')} parameters\n`);
          for (const w of s) ctx.out(`  ${`${w.layer}/${w.weight.split('/').pop()!.replace(/:\d+$/, '')}`.padEnd(40)} ${`[${w.shape.join(', ')}]`.padEnd(14)} min ${fmt(w.min)}  max ${fmt(w.max)}  mean ${fmt(w.mean)}  std ${fmt(w.std)}\n`);
        }
        return;
      }
      const b = await weightTableOf(other);
      const rows: { layer: string; weight: string; status: string; maxAbsDiff: number | null }[] = [];
      const layersB = new Map(b.layers.map((l) => [l.layerName, l]));
      for (const la of a.layers) {
        const lb = layersB.get(la.layerName);
        la.weights.forEach((wa, i) => {
          const wb = lb?.weights[i];
          if (!wb) return rows.push({ layer: la.layerName, weight: wa.name, status: `only in ${file}`, maxAbsDiff: null });
          if (wa.value.shape.join() !== wb.value.shape.join()) return rows.push({ layer: la.layerName, weight: wa.name, status: `shape [${wa.value.shape.join(', ')}] vs [${wb.value.shape.join(', ')}]`, maxAbsDiff: null });
          let m = 0;
          wa.value.data.forEach((v, k) => (m = Math.max(m, Math.abs(v - wb.value.data[k]!))));
          return rows.push({ layer: la.layerName, weight: wa.name, status: m === 0 ? 'same' : 'differs', maxAbsDiff: m });
        });
      }
      for (const lb of b.layers) if (!a.layers.some((l) => l.layerName === lb.layerName)) for (const w of lb.weights) rows.push({ layer: lb.layerName, weight: w.name, status: `only in ${other}`, maxAbsDiff: null });
      if (opts.json) ctx.out(JSON.stringify({ a: file, b: other, weights: rows }, null, 2) + '\n');
      else for (const r of rows) ctx.out(`  ${`${r.layer}/${r.weight.split('/').pop()!.replace(/:\d+$/, '')}`.padEnd(40)} ${r.status}${r.maxAbsDiff !== null && r.maxAbsDiff > 0 ? `  max |Δ| ${fmt(r.maxAbsDiff)}` : ''}\n`);
    });

  program
    .command('train')
    .description('Train a model file on data (.npy, .npz, .csv, .json); a compiled file resumes from its optimizer state. Writes the trained model.')
    .argument('<model>', 'a .keras or full-model .h5 (compiled by Keras or kerasts, or give --optimizer and --loss)')
    .requiredOption('-x, --x <file>', 'inputs')
    .requiredOption('-y, --y <file>', 'targets')
    .option('-o, --output <file>', 'where to write the trained model (.keras or .h5, by its name)')
    .option('--in-place', 'overwrite the model file itself (written aside, then renamed)')
    .option('--epochs <n>', 'epochs to train', (v) => Number(v), 10)
    .option('--initial-epoch <n>', 'epoch to start at (for resuming a numbered run)', (v) => Number(v), 0)
    .option('--batch-size <n>', 'samples per batch', (v) => Number(v), 32)
    .option('--validation-split <f>', 'fraction of samples held out for validation', (v) => Number(v), 0)
    .option('--no-shuffle', 'keep the sample order')
    .option('--seed <n>', 'seed of the shuffles', (v) => Number(v))
    .option('--optimizer <name>', 'optimizer for an uncompiled model (e.g. adam, sgd, rmsprop)')
    .option('--loss <name>', 'loss for an uncompiled model (e.g. mean_squared_error)')
    .option('--force', 'overwrite the output file')
    .option('--json', 'print the history as JSON')
    .addHelpText('after', '\nExamples:\n  kerasts train my_model.keras -x x.npy -y y.npy --epochs 5 -o trained.keras\n  kerasts train data_model.h5 -x data.npz:x -y data.npz:y --in-place')
    .action(async (file: string, opts: TrainOptions) => {
      if (!opts.output && !opts.inPlace) throw new UsageError('give -o trained.keras (or .h5), or --in-place to replace the model file');
      const target = opts.output ?? file;
      const targetFormat = modelOutputFormat(target);
      for (const [k, v] of [['--epochs', opts.epochs], ['--batch-size', opts.batchSize]] as const) if (!Number.isInteger(v) || v < 1) throw new UsageError(`${k} must be a positive integer, got ${String(v)}`);
      const model = await ctx.loadModelFile(file, undefined, 'train');
      if (!model.isCompiled) {
        if (!opts.optimizer || !opts.loss) throw new KerastsError('this model file has no training config: give --optimizer and --loss', file);
        model.compile({ optimizer: opts.optimizer, loss: opts.loss });
      } else if (opts.optimizer || opts.loss) ctx.err('note: the file is compiled; --optimizer/--loss are ignored (its optimizer state is resumed)\n');
      const shape = model.inputShapes?.[0];
      const x = fitToInputShape(readInput(opts.x), shape ?? undefined);
      const y = readInput(opts.y);
      const history = await model.fit(x, y, {
        epochs: opts.initialEpoch + opts.epochs,
        initialEpoch: opts.initialEpoch,
        batchSize: opts.batchSize,
        validationSplit: opts.validationSplit,
        shuffle: opts.shuffle,
        ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
        verbose: opts.json ? 0 : 1,
        ...(opts.json ? {} : { progressStream: process.stderr }),
      });
      await ctx.writeBytes(target, await saveModel(model, null, { format: targetFormat }), opts.force || opts.inPlace);
      if (opts.json) ctx.out(JSON.stringify({ history: history.history, output: target }, null, 2) + '\n');
      else ctx.err(`wrote ${target} (optimizer state included: training can resume from it)\n`);
    });

  program
    .command('transfer')
    .description('Move weights by layer name from one file into an architecture (fine-tuning, transfer learning), write a full model, print what matched.')
    .argument('<weights>', 'source weights: .keras, .weights.h5 or .h5 (weights-only or full model)')
    .argument('<target>', 'target architecture .json/.yaml, or a .keras/.h5 model whose other weights are kept')
    .argument('<output>', 'the new model (.keras or .h5, by its name)')
    .option('--skip-mismatch', 'skip weights whose shape differs instead of failing')
    .option('--force', 'overwrite the output')
    .option('--json', 'print the report as JSON')
    .addHelpText('after', '\nExample (the tutorial: lstm_old is loaded, dense_new keeps its fresh weights):\n  kerasts transfer my_model_weights.h5 model_new.json model_new.h5')
    .action(async (weights: string, target: string, output: string, opts: { skipMismatch?: boolean; force?: boolean; json?: boolean }) => {
      const outFormat = modelOutputFormat(output);
      const model: Model = await ctx.loadModelFile(target, undefined, 'transfer');
      if (!model.built) throw new KerastsError('the target architecture declares no input shape, so it has no weights to fill', target);
      let report: Awaited<ReturnType<typeof loadWeights>>;
      try {
        report = await loadWeights(model, readBytes(weights), { byName: true, skipMismatch: opts.skipMismatch ?? false, fileName: weights });
      } catch (e) {
        throw opts.skipMismatch ? e : skipMismatchHint(e);
      }
      await ctx.writeBytes(output, await saveModel(model, null, { format: outFormat }), opts.force);
      if (opts.json) ctx.out(JSON.stringify(report, null, 2) + '\n');
      else ctx.out(formatTransferReport(report) + `\nwrote ${output}\n`);
      for (const w of report.warnings) ctx.err(`warning: ${w}\n`);
    });
}
