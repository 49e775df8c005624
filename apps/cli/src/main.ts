#!/usr/bin/env node
/**
 * The `kerasts` command: inspect, validate and convert Keras model files without Python.
 * Exit codes: 0 success, 1 bad input, 2 usage error.
 */
import { readFileSync, writeFileSync, renameSync, existsSync } from 'node:fs';
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
import type { JsonValue } from '@kerasts/layers';
import { Sequential } from '@kerasts/model';
import { KerastsError } from '@kerasts/tensor';

class UsageError extends Error {}

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
    .description('Keras models in TypeScript: inspect, validate and convert Keras architecture files without Python.')
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
      const model = Sequential.fromConfig(parsed.config);
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
    .command('convert')
    .description('Convert a Keras architecture between JSON and YAML and between Keras dialects.')
    .argument('<file>', 'architecture .json or .yaml (any Keras era)')
    .addOption(new Option('--to <format>', 'output format').choices(['json', 'yaml']).default('json'))
    .addOption(new Option('--dialect <dialect>', 'Keras dialect to write').choices([...DIALECTS]).default('keras-2'))
    .addOption(new Option('--yaml-style <style>', 'PyYAML style for YAML output').choices(['pyyaml-5.1', 'pyyaml-legacy']).default('pyyaml-5.1'))
    .option('-o, --output <path>', 'write to this file instead of standard output')
    .option('--force', 'overwrite the output file if it exists')
    .option('--allow-numerics-change', 'write even if the target Keras would compute a different function (hard_sigmoid)')
    .addHelpText('after', '\nExamples:\n  pnpm kerasts convert seed.json --to yaml\n  pnpm kerasts convert model.yaml --to json --dialect keras-3 -o model.json')
    .action((file: string, opts: { to: 'json' | 'yaml'; dialect: Dialect; yamlStyle: 'pyyaml-5.1' | 'pyyaml-legacy'; output?: string; force?: boolean; allowNumericsChange?: boolean }) => {
      const raw = readArchitecture(file);
      const { config } = parseModelConfig(raw, { source: file });
      const model = Sequential.fromConfig(config);
      const common = { dialect: opts.dialect, numerics: opts.allowNumericsChange ? ('warn' as const) : ('error' as const), warn: (m: string) => err(`warning: ${m}\n`) };
      const text = opts.to === 'yaml' ? toYAML(model, { ...common, style: opts.yamlStyle }) : toJSON(model, common) + '\n';
      if (opts.output) {
        if (existsSync(opts.output) && !opts.force) throw new UsageError(`${opts.output} exists; pass --force to overwrite it`);
        writeAtomic(opts.output, text);
        err(`wrote ${opts.output} (${opts.to}, ${opts.dialect})\n`);
      } else out(text);
    });
  return program;
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

const isMain = process.argv[1] !== undefined && /main\.js$/.test(process.argv[1]);
if (isMain) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
