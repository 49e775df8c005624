/**
 * What to do next, in errors: every hint names a command and options that exist (a test checks each
 * `kerasts <command>` written in the sources, with its options, against the program itself).
 */
import { KerastsError, ShapeMismatchError } from 'kerasts';

/** The commands that take `--arch` for a weights-only file. */
const TAKES_ARCH = new Set(['predict', 'summary']);

/**
 * A weights file given where a model is needed, with the way forward for this command.
 *
 * @param what what the file is (e.g. `a Keras 3 .weights.h5 (native weights layout, no architecture)`).
 */
export function weightsOnlyError(file: string, command: string, what = 'a weights-only Keras file (no architecture inside)'): KerastsError {
  const next = TAKES_ARCH.has(command)
    ? `give its architecture: kerasts ${command} ${file} --arch arch.json`
    : `${command} needs a full model file: combine the architecture and these weights first with kerasts convert arch.json model.h5 --weights ${file}`;
  return new KerastsError(`this is ${what}, not a model: ${next}`, file);
}

/** A weight shape mismatch in `transfer`, pointing at `--skip-mismatch`. */
export function skipMismatchHint(e: unknown): unknown {
  if (!(e instanceof ShapeMismatchError)) return e;
  const hint = 'pass --skip-mismatch to skip the weights whose shape differs (those layers keep their fresh weights, as Keras\' skip_mismatch=True)';
  return new KerastsError(`${e.message}; ${hint}`);
}
