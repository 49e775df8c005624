#!/usr/bin/env node
/**
 * The `kerasts` command: inspect, validate and convert Keras model files without Python.
 * Exit codes: 0 success, 1 bad input, 2 usage error.
 */
import { existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extname, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import {
  DIALECTS,
  exportOnnxWithInfo,
  formatForPath,
  formatIssue,
  formatShape,
  KerastsError,
  parseModelConfig,
  modelFromConfig,
  rescaleHardSigmoidForKeras3,
  rescaleHardSigmoidForKeras2,
  TFJS_LAYERS_VERSION,
  saveModel,
  saveTfjsModel,
  saveWeights,
  concatRows,
  sliceRows,
  toJSON,
  toYAML,
  type Dialect,
  type Functional,
  type Model,
  type Sequential,
  type Tensor,
} from 'kerasts';
import { writeFileAtomic } from '@kerasts/tensor/node';
import { encodeOutputs, fitToInputShape, outputsJson, readInput, uniqueNames } from './data.js';
import { architectureOf, detectFile, loadModelFile, modelOf } from './files.js';
import { inspectFile } from './inspect.js';
import { addMoreCommands, UsageError } from './more-commands.js';
import { weightsOnlyError } from './hints.js';
import { validateAll } from './validate.js';
import { supportMarkdown } from './support.js';


export function buildProgram(out: (s: string) => void, err: (s: string) => void): Command {
  const program = new Command();
  program
    .name('kerasts')
    .description('Keras models in TypeScript: inspect, run, convert, train and transfer Keras files of any era (1.x to 3.x) without Python.')
    .addHelpText('after', '\nStart with:\n  kerasts inspect my_model.h5\n  kerasts predict my_model.h5 -i x.npy\n  kerasts <command> --help\n(in a clone of the repository: pnpm kerasts <command>)')
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError();

  program
    .command('validate')
    .description('Check a Keras architecture file (JSON or YAML, any Keras era) against the schema and the supported layers.')
    .argument('<file>', 'an architecture .json or .yaml, or the architecture inside a .keras or .h5 model')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExamples:\n  kerasts validate my_model_architecture.json\n  kerasts validate model.keras')
    .action(async (file: string, opts: { json?: boolean }) => {
      const raw = await architectureOf(file);
      const result = validateAll(raw, file);
      if (!result.valid) {
        const issues = result.issues;
        if (opts.json) out(JSON.stringify({ valid: false, issues }, null, 2) + '\n');
        else {
          err(`${file}: invalid Keras architecture (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n`);
          for (const i of issues) err(`  - ${formatIssue(i)}\n`);
        }
        process.exitCode = 1;
        return;
      }
      const { model, parsed } = result;
      const info = {
        valid: true,
        model: model.name,
        className: parsed.config.className,
        layers: model.layers.map((l) => ({ name: l.name, className: l.className })),
        kerasVersion: parsed.config.kerasVersion,
        dialect: parsed.dialect,
        params: model.built ? model.countParams() : null,
      };
      if (opts.json) out(JSON.stringify(info, null, 2) + '\n');
      else {
        out(`${file}: valid ${parsed.dialect} architecture, Keras ${parsed.config.kerasVersion}${parsed.versionStated ? '' : ' (inferred)'}\n`);
        if (model.built) out(model.summary(null) + '\n');
        else out(`Sequential "${model.name}": ${model.layers.map((l) => `${l.name} (${l.className})`).join(', ')} (input shape not declared)\n`);
      }
    });

  program
    .command('inspect')
    .description('Describe a Keras file of any era and format (detected by content): format, keras_version, backend, layers with output shapes and parameters, training config, optimizer state.')
    .argument('<file>', 'a .keras archive, a .weights.h5, a Keras .h5 (full model or weights) or an architecture .json/.yaml')
    .option('--json', 'print the description as JSON')
    .addHelpText('after', '\nExamples:\n  kerasts inspect my_model.keras\n  kerasts inspect my_model.h5 --json')
    .action(async (file: string, opts: { json?: boolean }) => {
      const info = await inspectFile(file);
      out(opts.json ? JSON.stringify(info.json, null, 2) + '\n' : info.text + '\n');
    });

  program
    .command('predict')
    .description('Run a Keras model on data: one --input per model input, in model order; prints {"outputs": [...]} as JSON.')
    .argument('<model>', 'a .keras, a full-model .h5 or an architecture; or a weights file (.weights.h5, .h5) with --arch')
    .requiredOption('-i, --input <file...>', 'input data (.npy, data.npz:name, .csv or .json nested arrays), once per model input, in model order')
    .option('--arch <file>', 'the architecture (.json, .yaml, .keras, .h5) for a weights file')
    .option('-o, --output <file>', 'write the results to this file instead of standard output: .npz (one array per output name), .json, or .npy/.csv (one output)')
    .option('--batch-size <n>', 'samples per batch', (v) => Number(v), 32)
    .option('--force', 'overwrite the output file if it exists')
    .addHelpText('after', '\nExamples:\n  kerasts predict model.keras --input x.npy\n  kerasts predict w.weights.h5 --arch arch.json --input x.json -o y.json')
    .action(async (file: string, opts: { input: string[]; arch?: string; output?: string; batchSize: number; force?: boolean }) => {
      const warn = (m: string) => err(`warning: ${m}\n`);
      if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new UsageError(`--batch-size must be a positive integer, got ${String(opts.batchSize)}`);
      if (opts.output) guardOverwrite(opts.output, opts.force);
      const model = opts.arch ? await modelFor('predict', opts.arch, file, warn) : await modelFor('predict', file, undefined, warn);
      const inputs = opts.input.map((f, i) => fitToInputShape(readInput(f), model.inputShapes?.[i] ?? undefined));
      const outputs = predictWithProgress(model, inputs, opts.batchSize, err);
      const names = model.outputNames;
      if (opts.output) {
        const bytes = encodeOutputs(opts.output, outputs, names);
        await writeOutput(opts.output, bytes, err);
        err(`wrote ${opts.output}: ${outputs.length === 1 ? formatShape(outputs[0]!.shape) : outputs.map((t, i) => `${uniqueNames(names)[i]} ${formatShape(t.shape)}`).join(', ')}\n`);
      } else out(outputsJson(outputs, names));
    });

  program
    .command('convert')
    .description('Convert between Keras formats, any to any, export to ONNX, or to and from TensorFlow.js: the output name says the format (.keras, .h5, .weights.h5, .json, .yaml, .onnx; --to tfjs for a TensorFlow.js model.json + shards); the input is detected by content. Keras <= 2 numerics are kept for Keras 3 targets (hard_sigmoid gates rescaled) and in ONNX.')
    .argument('<input>', 'a .keras, a Keras .h5 (any era), an architecture .json/.yaml (with --weights), or a TensorFlow.js model.json (shards beside it)')
    .argument('[output]', 'output file: .keras, .h5, .weights.h5, .json, .yaml or .onnx; with --to tfjs the model.json to write (or its folder); standard output for JSON/YAML when omitted')
    .addOption(new Option('--to <format>', 'output format: json or yaml when writing to standard output; tfjs for a TensorFlow.js layers model (model.json + group1-shard1of1.bin)').choices(['json', 'yaml', 'tfjs']))
    .addOption(new Option('--dialect <dialect>', 'Keras dialect of .h5/.json/.yaml output (.keras and .weights.h5 are always Keras 3)').choices([...DIALECTS]).default('keras-2'))
    .addOption(new Option('--yaml-style <style>', 'PyYAML style for YAML output').choices(['pyyaml-5.1', 'pyyaml-legacy']).default('pyyaml-5.1'))
    .option('-o, --output <path>', 'same as the [output] argument')
    .option('-w, --weights <file>', 'weights file (.weights.h5 or .h5): read with a .json/.yaml input, written with a .json/.yaml output from a model file')
    .option('--force', 'overwrite output files that exist')
    .option('--allow-numerics-change', 'write even if the target Keras would compute a different function (hard_sigmoid)')
    .addHelpText('after', '\nExamples:\n  kerasts convert old_keras2.h5 new.keras         # Keras 3 loads it and predicts what Keras 2 did\n  kerasts convert model.keras model.h5\n  kerasts convert model.h5 w.weights.h5\n  kerasts convert model.h5 model.onnx           # for ONNX Runtime (opset 17, dynamic batch)\n  kerasts convert model.keras arch.json --weights w.weights.h5\n  kerasts convert arch.yaml model.keras --weights w.h5\n  kerasts convert seed.json --to yaml\n  kerasts convert model.h5 web/model.json --to tfjs   # for tf.loadLayersModel\n  kerasts convert web/model.json model.keras       # a tfjs model into Keras 3')
    .action(async (input: string, outputArg: string | undefined, opts: ConvertOptions) => {
      await convert(input, outputArg ?? opts.output, opts, out, err);
    });
  program
    .command('supported')
    .description('List what kerasts supports (layers, activations, optimizers, losses, file formats, Keras versions), from its registries.')
    .addHelpText('after', '\nExample:\n  kerasts supported')
    .action(() => out(supportMarkdown() + '\n'));

  addMoreCommands(program, {
    out,
    err,
    loadModelFile: (file: string, weights: string | undefined, command: string) => modelFor(command, file, weights, (m) => err(`warning: ${m}\n`)),
    writeBytes: async (path: string, bytes: Uint8Array, force: boolean | undefined) => {
      guardOverwrite(path, force);
      await writeOutput(path, bytes, err);
    },
  });
  return program;
}

/**
 * {@link modelOf} for a command: a weights-only file given where a model is needed gets a hint that
 * fits the command (`--arch` where it exists, `kerasts convert` elsewhere).
 */
async function modelFor(command: string, file: string, weights: string | undefined, warn: (m: string) => void): Promise<Sequential | Functional> {
  try {
    return await modelOf(file, weights, warn);
  } catch (e) {
    if (!weights && e instanceof KerastsError) {
      const detected = await detectFile(file).then((d) => d.detected, () => null);
      if (detected && (detected.format === 'h5-weights' || detected.format === 'weights-h5')) throw weightsOnlyError(file, command, detected.description);
    }
    throw e;
  }
}

interface ConvertOptions {
  to?: 'json' | 'yaml' | 'tfjs';
  dialect: Dialect;
  yamlStyle: 'pyyaml-5.1' | 'pyyaml-legacy';
  output?: string;
  weights?: string;
  force?: boolean;
  allowNumericsChange?: boolean;
}

function guardOverwrite(path: string, force: boolean | undefined): void {
  if (existsSync(path) && !force) throw new UsageError(`${path} exists; pass --force to overwrite it`);
}

/**
 * Every output goes through the writer all kerasts packages share: a temporary file unique per
 * save, flushed to disk, renamed into place, directory flushed; temporary files that killed
 * earlier saves left are removed (and said so on stderr). Existence was checked by guardOverwrite.
 */
async function writeOutput(path: string, data: Uint8Array | string, err: (s: string) => void): Promise<void> {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  const r = await writeFileAtomic(path, bytes, { overwrite: true });
  for (const f of r.removedLeftovers) err(`note: removed ${f}, left by an earlier save that was interrupted\n`);
}

/** The format an output name asks for (a usage error when it names none). */
function outputFormat(path: string): 'keras' | 'h5' | 'weights-h5' | 'json' | 'yaml' | 'onnx' {
  const f = formatForPath(path);
  if (f === null) throw new UsageError(`cannot tell the output format from "${path}": name it .keras, .h5, .weights.h5, .json, .yaml or .onnx`);
  return f;
}

async function convert(input: string, output: string | undefined, opts: ConvertOptions, out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const warn = (m: string) => err(`warning: ${m}\n`);
  const { detected } = await detectFile(input);
  const isArchitecture = detected.format === 'json' || detected.format === 'yaml';
  const loaded = await loadModelFile(input, { ...(isArchitecture && opts.weights ? { weights: opts.weights } : {}), warn });
  const model = loaded.model;
  const hasWeights = !isArchitecture || opts.weights !== undefined;
  if (opts.to === 'tfjs') {
    if (!output) throw new UsageError('--to tfjs writes several files: give the model.json to write (or its folder) as the output');
    if (!model.built) throw new KerastsError('the model has no input shape, so it has no weights to save', input);
    if (!hasWeights) warn(`no --weights given: ${output} holds freshly initialized weights`);
    const target = output.toLowerCase().endsWith('.json') ? output : join(output, 'model.json');
    guardOverwrite(target, opts.force);
    // tfjs computes Keras 2's hard_sigmoid: rescale a Keras 3 model's gates so that tfjs computes what it computed
    if (hasWeights) {
      const down = rescaleHardSigmoidForKeras2(model, `tfjs-layers ${TFJS_LAYERS_VERSION}`);
      for (const r of down.rescaled) err(`note: ${r}, so that TensorFlow.js (whose hard_sigmoid is clip(0.2x+0.5)) computes what Keras 3 computed\n`);
      if (down.impossible.length && !opts.allowNumericsChange) {
        throw new KerastsError(`cannot keep the Keras 3 hard_sigmoid of ${down.impossible.join(', ')} in a TensorFlow.js model: tfjs computes clip(0.2x+0.5) instead of clip(x/6+0.5), so predictions would change. Pass --allow-numerics-change to accept the change.`, input);
      }
    }
    const saved = await saveTfjsModel(model, target, { numerics: opts.allowNumericsChange ? 'warn' : 'error', overwrite: true, warn });
    const shards = [...saved.files.keys()].slice(1);
    err(`wrote ${target} and ${shards.length} shard(s) beside it (${shards.join(', ') || 'no weights'}; TensorFlow.js layers model, tfjs numerics: hard_sigmoid clip(0.2x+0.5))\n`);
    return;
  }
  const format = output ? outputFormat(output) : (opts.to ?? 'json');
  const numerics = opts.allowNumericsChange ? ('warn' as const) : ('error' as const);
  // A Keras 3 target (.keras and .weights.h5 always; .h5/.json/.yaml unless keras-2.0) from a Keras <= 2
  // model: rescale the hard_sigmoid gates so that Keras 3 computes what Keras 2 computed.
  const keras3Target = format === 'keras' || format === 'weights-h5' || (format !== 'onnx' && opts.dialect !== 'keras-2.0');
  if (keras3Target && hasWeights) {
    const up = rescaleHardSigmoidForKeras3(model);
    for (const r of up.rescaled) err(`note: ${r}, so that Keras 3 (whose hard_sigmoid is clip(x/6+0.5)) computes what Keras 2 computed; tf.keras 2.x would now compute differently — use --dialect keras-2.0 with a .h5 for a Keras 2 file\n`);
    if (up.impossible.length && !opts.allowNumericsChange) {
      throw new KerastsError(`cannot keep the Keras 2 hard_sigmoid of ${up.impossible.join(', ')} in a Keras 3 file: Keras 3 computes clip(x/6+0.5) instead of clip(0.2x+0.5), so predictions would change. Write a .h5 with --dialect keras-2.0, or pass --allow-numerics-change to accept the change.`, input);
    }
  }
  const common = { dialect: opts.dialect, numerics, warn };
  if (format === 'onnx') {
    // ONNX computes the model's own Keras numerics (hard_sigmoid 0.2x+0.5 for Keras <= 2 files): nothing to rescale.
    if (!model.built) throw new KerastsError('the model has no input shape, so it cannot be exported', input);
    if (!hasWeights) warn(`no --weights given: the ${output} holds freshly initialized weights`);
    guardOverwrite(output!, opts.force);
    const ex = exportOnnxWithInfo(model, { warn });
    await writeOutput(output!, ex.bytes, err);
    err(`wrote ${output} (ONNX opset ${ex.opset}, Keras ${model.kerasVersion} numerics; inputs ${ex.inputNames.join(', ')}; outputs ${ex.outputNames.join(', ')})\n`);
    return;
  }
  if (format === 'keras' || format === 'h5' || format === 'weights-h5') {
    if (!model.built) throw new KerastsError('the model has no input shape, so it has no weights to save', input);
    if (!hasWeights) warn(`no --weights given: the ${output} holds freshly initialized weights`);
    guardOverwrite(output!, opts.force);
    const bytes = format === 'weights-h5' ? await saveWeights(model, null, { format: 'weights-h5' }) : await saveModel(model, null, { ...common, format });
    await writeOutput(output!, bytes, err);
    const what = format === 'keras' ? 'Keras 3 .keras archive' : format === 'weights-h5' ? 'Keras 3 .weights.h5' : `full model .h5, ${opts.dialect} dialect`;
    err(`wrote ${output} (${what}, Keras ${model.kerasVersion} numerics${model.isCompiled && format !== 'weights-h5' ? ', compiled with its optimizer state' : ''})\n`);
    return;
  }
  const text = format === 'yaml' ? toYAML(model, { ...common, style: opts.yamlStyle }) : toJSON(model, common) + '\n';
  if (output) {
    guardOverwrite(output, opts.force);
    await writeOutput(output, text, err);
    err(`wrote ${output} (${format}, ${opts.dialect})\n`);
  } else out(text);
  if (opts.weights && !isArchitecture) {
    const wf = outputFormat(opts.weights);
    if (wf !== 'weights-h5' && wf !== 'h5') throw new UsageError(`--weights ${opts.weights}: weights are written as .weights.h5 (Keras 3) or .h5 (legacy)`);
    guardOverwrite(opts.weights, opts.force);
    await writeOutput(opts.weights, await saveWeights(model, null, { format: wf, dialect: opts.dialect }), err);
    err(`wrote ${opts.weights} (${wf === 'weights-h5' ? 'Keras 3 .weights.h5' : 'legacy weights .h5'})\n`);
  }
}

/**
 * Predict in chunks so that a long run shows a progress bar on a terminal (stderr); quiet when piped.
 */
function predictWithProgress(model: Model, inputs: Tensor[], batchSize: number, err: (s: string) => void): Tensor[] {
  const n = inputs[0]!.shape[0]!;
  const tty = process.stderr.isTTY === true;
  const chunk = Math.max(batchSize, batchSize * 64);
  if (!tty || n <= chunk) return model.predictOutputs(inputs.length === 1 ? inputs[0]! : inputs, { batchSize });
  const parts: Tensor[][] = [];
  const t0 = Date.now();
  for (let start = 0; start < n; start += chunk) {
    const end = Math.min(n, start + chunk);
    const slice = inputs.map((t) => sliceRows(t, start, end));
    parts.push(model.predictOutputs(slice.length === 1 ? slice[0]! : slice, { batchSize }));
    const done = Math.round((20 * end) / n);
    err(`\r${end}/${n} ${'━'.repeat(done)}${' '.repeat(20 - done)} ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  }
  err('\n');
  return parts[0]!.map((_, k) => concatRows(parts.map((p) => p[k]!)));
}

/** Run the CLI; returns the exit code. */
export async function run(argv: string[], out = (s: string) => void process.stdout.write(s), err = (s: string) => void process.stderr.write(s)): Promise<number> {
  const program = buildProgram(out, err);
  const debug = argv.includes('--debug');
  try {
    await program.parseAsync(argv, { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      return 2;
    }
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n`);
      return 2;
    }
    if (e instanceof KerastsError) {
      err(`error: ${e.message}\n`);
      if (debug) err(`${e.stack ?? ''}\n`);
      return 1;
    }
    err(`error: ${(e as Error).message ?? String(e)}\n`);
    if (debug) err(`${(e as Error).stack ?? ''}\n`);
    return 1;
  }
}

/**
 * The directory relative paths mean: the caller's. `kerasts …` (the repository's script) runs
 * in the repository root, so there the folder the user typed the command in is `INIT_CWD`, which
 * npm and pnpm set for scripts; a bin link (`npx kerasts`, an installed `kerasts`) or `node main.js`
 * already runs in the caller's folder.
 */
export function callerDirectory(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env.npm_lifecycle_event === 'kerasts' && env.INIT_CWD ? env.INIT_CWD : cwd;
}

/** Run as the `kerasts` command: the caller's folder, process exit code, a closed pipe is not an error. */
export function runAsCommand(): void {
  const dir = callerDirectory();
  if (dir !== process.cwd()) process.chdir(dir);
  // `kerasts weights big.h5 | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
    throw e;
  });
  void run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}

/** Is this module the program node started (directly, or through a bin link or shim)? */
function startedDirectly(): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (startedDirectly()) runAsCommand();
