#!/usr/bin/env node
/**
 * The `kerasts` command: inspect, validate and convert Keras model files without Python.
 * Exit codes: 0 success, 1 bad input, 2 usage error.
 */
import { readFileSync, writeFileSync, renameSync, existsSync, realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { extname, basename, dirname, join } from 'node:path';
import { Command, CommanderError, Option } from 'commander';
import {
  DIALECTS,
  formatIssue,
  parseJsonText,
  parseModelConfig,
  toJSON,
  validateArchitecture,
  type Dialect,
} from '@kerasts/io-json';
import { loadKerasYaml, toYAML } from '@kerasts/io-yaml';
import { formatShape, type JsonValue } from '@kerasts/layers';
import { concatRows, modelFromConfig, sliceRows, type Functional, type Model, type Sequential } from '@kerasts/model';
import { KerastsError, type Tensor } from '@kerasts/tensor';
import { rescaleHardSigmoidForKeras3 } from '@kerasts/transfer';
import { loadWeightsFromBytes, modelFromContents, modelToH5Bytes, readKerasH5, weightsToH5Bytes } from '@kerasts/io-hdf5';
import { encodeOutputs, fitToInputShape, outputsJson, readInput, uniqueNames } from './data.js';
import { inspectFile } from './inspect.js';
import { addMoreCommands, UsageError } from './more-commands.js';
import { supportMarkdown } from './support.js';


function readArchitecture(file: string): JsonValue {
  if (!existsSync(file)) throw new KerastsError(`no such file; check the path`, file);
  const text = readFileSync(file, 'utf8');
  const ext = extname(file).toLowerCase();
  if (ext === '.yaml' || ext === '.yml') return loadKerasYaml(text, { fileName: file }) as JsonValue;
  if (ext === '.json') return parseJsonText(text, file);
  const trimmed = text.trimStart();
  return trimmed.startsWith('{') ? parseJsonText(text, file) : (loadKerasYaml(text, { fileName: file }) as JsonValue);
}

/** Write aside, then rename, so a failed write never leaves a half-written file. */
function writeAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

export function buildProgram(out: (s: string) => void, err: (s: string) => void): Command {
  const program = new Command();
  program
    .name('kerasts')
    .description('Keras models in TypeScript: inspect, run, convert, train and transfer Keras files of any era (1.x to 3.x) without Python.')
    .addHelpText('after', '\nStart with:\n  pnpm kerasts inspect my_model.h5\n  pnpm kerasts predict my_model.h5 -i x.npy\n  pnpm kerasts <command> --help')
    .option('--debug', 'print stack traces on errors')
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err })
    .showHelpAfterError();

  program
    .command('validate')
    .description('Check a Keras architecture file (JSON or YAML, any Keras era) against the schema and the supported layers.')
    .argument('<file>', 'architecture .json or .yaml')
    .option('--json', 'print the result as JSON')
    .addHelpText('after', '\nExample:\n  pnpm kerasts validate my_model_architecture.json')
    .action((file: string, opts: { json?: boolean }) => {
      const raw = readArchitecture(file);
      const issues = validateArchitecture(raw);
      if (issues.length) {
        if (opts.json) out(JSON.stringify({ valid: false, issues }, null, 2) + '\n');
        else {
          err(`${file}: invalid Keras architecture (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n`);
          for (const i of issues) err(`  - ${formatIssue(i)}\n`);
        }
        process.exitCode = 1;
        return;
      }
      const parsed = parseModelConfig(raw, { source: file });
      const model = modelFromConfig(parsed.config);
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
    .description('Describe a Keras file of any era: format era, keras_version, backend, layers with output shapes and parameters, training config, optimizer state.')
    .argument('<file>', 'a Keras .h5 (full model or weights) or an architecture .json/.yaml')
    .option('--json', 'print the description as JSON')
    .addHelpText('after', '\nExamples:\n  pnpm kerasts inspect my_model.h5\n  pnpm kerasts inspect my_model.h5 --json')
    .action(async (file: string, opts: { json?: boolean }) => {
      const info = await inspectFile(file);
      out(opts.json ? JSON.stringify(info.json, null, 2) + '\n' : info.text + '\n');
    });

  program
    .command('predict')
    .description('Run a Keras model on data: one --input per model input, in model order; prints {"outputs": [...]} as JSON.')
    .argument('<model>', 'a full-model .h5, or a weights .h5 with --arch')
    .requiredOption('-i, --input <file...>', 'input data (.npy, data.npz:name, .csv or .json nested arrays), once per model input, in model order')
    .option('--arch <file>', 'architecture .json/.yaml for a weights-only .h5')
    .option('-o, --output <file>', 'write the results to this file instead of standard output: .npz (one array per output name), .json, or .npy/.csv (one output)')
    .option('--batch-size <n>', 'samples per batch', (v) => Number(v), 32)
    .option('--force', 'overwrite the output file if it exists')
    .addHelpText('after', '\nExamples:\n  pnpm kerasts predict model.h5 --input x.npy\n  pnpm kerasts predict weights.h5 --arch arch.json --input x.json -o y.json')
    .action(async (file: string, opts: { input: string[]; arch?: string; output?: string; batchSize: number; force?: boolean }) => {
      if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) throw new UsageError(`--batch-size must be a positive integer, got ${String(opts.batchSize)}`);
      if (opts.output) guardOverwrite(opts.output, opts.force);
      const model = await loadForPredict(file, opts.arch, err);
      const inputs = opts.input.map((f, i) => fitToInputShape(readInput(f), model.inputShapes?.[i] ?? undefined));
      const outputs = predictWithProgress(model, inputs, opts.batchSize, err);
      const names = model.outputNames;
      if (opts.output) {
        const bytes = encodeOutputs(opts.output, outputs, names);
        writeAtomicBytes(opts.output, bytes);
        err(`wrote ${opts.output}: ${outputs.length === 1 ? formatShape(outputs[0]!.shape) : outputs.map((t, i) => `${uniqueNames(names)[i]} ${formatShape(t.shape)}`).join(', ')}\n`);
      } else out(outputsJson(outputs, names));
    });

  program
    .command('convert')
    .description('Convert Keras files: .h5 <-> .h5 in another dialect, .h5 -> architecture .json/.yaml (+ --weights w.h5), .json/.yaml (+ --weights) -> .h5, JSON <-> YAML.')
    .argument('<input>', 'a Keras .h5, or an architecture .json/.yaml (any Keras era)')
    .argument('[output]', 'output file (.h5, .json, .yaml); standard output for JSON/YAML when omitted')
    .addOption(new Option('--to <format>', 'output format when writing to standard output').choices(['json', 'yaml']))
    .addOption(new Option('--dialect <dialect>', 'Keras dialect to write').choices([...DIALECTS]).default('keras-2'))
    .addOption(new Option('--yaml-style <style>', 'PyYAML style for YAML output').choices(['pyyaml-5.1', 'pyyaml-legacy']).default('pyyaml-5.1'))
    .option('-o, --output <path>', 'same as the [output] argument')
    .option('-w, --weights <file>', 'weights .h5: read with a .json/.yaml input, written with a .json/.yaml output from an .h5')
    .option('--force', 'overwrite output files that exist')
    .option('--allow-numerics-change', 'write even if the target Keras would compute a different function (hard_sigmoid)')
    .addHelpText('after', '\nExamples:\n  pnpm kerasts convert old_keras2.h5 new.h5            # a file Keras 3 loads, same predictions\n  pnpm kerasts convert model.h5 arch.json --weights w.h5\n  pnpm kerasts convert arch.yaml model.h5 --weights w.h5\n  pnpm kerasts convert seed.json --to yaml')
    .action(async (input: string, outputArg: string | undefined, opts: ConvertOptions) => {
      await convert(input, outputArg ?? opts.output, opts, out, err);
    });
  program
    .command('supported')
    .description('List what kerasts supports (layers, activations, optimizers, losses, file formats, Keras versions), from its registries.')
    .addHelpText('after', '\nExample:\n  pnpm kerasts supported')
    .action(() => out(supportMarkdown() + '\n'));

  addMoreCommands(program, {
    out,
    err,
    loadModelFile: (file: string, weights?: string) => modelFromAny(file, weights, err),
    writeBytes: (path: string, bytes: Uint8Array, force: boolean | undefined) => {
      guardOverwrite(path, force);
      writeAtomicBytes(path, bytes);
    },
  });
  return program;
}

interface ConvertOptions {
  to?: 'json' | 'yaml';
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

function writeAtomicBytes(path: string, bytes: Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  writeFileSync(tmp, bytes);
  renameSync(tmp, path);
}

function readBytes(file: string): Uint8Array {
  if (!existsSync(file)) throw new KerastsError('no such file; check the path', file);
  const b = readFileSync(file);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

const isH5 = (f: string) => ['.h5', '.hdf5', '.keras_h5'].includes(extname(f).toLowerCase());

async function loadForPredict(file: string, arch: string | undefined, err: (s: string) => void): Promise<Sequential | Functional> {
  const bytes = readBytes(file);
  const contents = await readKerasH5(bytes, { fileName: file });
  if (arch) {
    const { config } = parseModelConfig(readArchitecture(arch), { source: arch });
    const model = modelFromConfig(config);
    const report = await loadWeightsFromBytes(model, bytes, { fileName: file });
    for (const w of report.warnings) err(`warning: ${w}\n`);
    return model;
  }
  return modelFromContents(contents, { fileName: file }).model;
}

async function modelFromAny(file: string, weights: string | undefined, err: (s: string) => void): Promise<Sequential | Functional> {
  if (isH5(file)) return loadForPredict(file, undefined, err);
  const { config } = parseModelConfig(readArchitecture(file), { source: file });
  const model = modelFromConfig(config);
  if (weights) {
    const report = await loadWeightsFromBytes(model, readBytes(weights), { fileName: weights });
    for (const w of report.warnings) err(`warning: ${w}\n`);
  }
  return model;
}

async function convert(input: string, output: string | undefined, opts: ConvertOptions, out: (s: string) => void, err: (s: string) => void): Promise<void> {
  const model = await modelFromAny(input, isH5(input) ? undefined : opts.weights, err);
  const warn = (m: string) => err(`warning: ${m}\n`);
  const numerics = opts.allowNumericsChange ? ('warn' as const) : ('error' as const);
  // Writing for Keras 3 (keras-2 or keras-3 dialect) from a Keras <= 2 model: keep its hard_sigmoid.
  if (opts.dialect !== 'keras-2.0' && (isH5(input) || opts.weights)) {
    const up = rescaleHardSigmoidForKeras3(model);
    for (const r of up.rescaled) err(`note: ${r}, so that Keras 3 (whose hard_sigmoid is clip(x/6+0.5)) computes what Keras 2 computed; tf.keras 2.x would now compute differently — use --dialect keras-2.0 for a Keras 2 file\n`);
    if (up.impossible.length && !opts.allowNumericsChange) {
      throw new KerastsError(`cannot keep the Keras 2 hard_sigmoid of ${up.impossible.join(', ')} in a Keras 3 file: Keras 3 computes clip(x/6+0.5) instead of clip(0.2x+0.5), so predictions would change. Use --dialect keras-2.0, or --allow-numerics-change to accept the change.`, input);
    }
  }
  const common = { dialect: opts.dialect, numerics, warn };
  const format = output ? (isH5(output) ? 'h5' : ['.yaml', '.yml'].includes(extname(output).toLowerCase()) ? 'yaml' : 'json') : (opts.to ?? 'json');
  if (format === 'h5') {
    if (!model.built) throw new KerastsError('the model has no input shape, so it has no weights to save', input);
    if (!isH5(input) && !opts.weights) warn('no --weights given: the .h5 holds freshly initialized weights');
    const bytes = await modelToH5Bytes(model, common);
    guardOverwrite(output!, opts.force);
    writeAtomicBytes(output!, bytes);
    err(`wrote ${output} (full model, ${opts.dialect} dialect, Keras ${model.kerasVersion} numerics)\n`);
    return;
  }
  const text = format === 'yaml' ? toYAML(model, { ...common, style: opts.yamlStyle }) : toJSON(model, common) + '\n';
  if (output) {
    guardOverwrite(output, opts.force);
    writeAtomic(output, text);
    err(`wrote ${output} (${format}, ${opts.dialect})\n`);
  } else out(text);
  if (opts.weights && isH5(input)) {
    guardOverwrite(opts.weights, opts.force);
    writeAtomicBytes(opts.weights, await weightsToH5Bytes(model, common));
    err(`wrote ${opts.weights} (weights)\n`);
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
 * The directory relative paths mean: the caller's. `pnpm kerasts …` (the repository's script) runs
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
