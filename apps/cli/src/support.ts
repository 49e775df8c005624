/** What kerasts supports, read from the code's own registries (so the README table cannot drift). */
import { DIALECTS } from '@kerasts/io-json';
import { INITIALIZER_NAMES, NUMPY_OPERATIONS, registeredLayers } from '@kerasts/layers';
import { LOSS_NAMES, METRIC_NAMES, OPTIMIZERS } from '@kerasts/model';
import { ACTIVATION_NAMES } from '@kerasts/tensor';
import { ONNX_OPSET, onnxMappingFor, onnxRefusalFor, TFJS_COMPUTES_OTHERWISE, TFJS_LAYER_CLASSES, TFJS_LAYERS_VERSION } from 'kerasts';

/** Keras eras whose files kerasts reads (see KERAS-FORMAT.md for what differs between them). */
export const KERAS_ERAS_READ = [
  'Keras 1.x (e.g. 1.2.2: renamed arguments, 12-array LSTMs)',
  'Keras 2.0.x (list-form Sequential, e.g. 2.0.8)',
  'Keras 2.1–2.3 (dict form, chunked attributes)',
  'tf.keras 2.x (2.2.4-tf … 2.15: InputLayer entries, time_major, top_level_model_weights, Custom>Adam)',
  'Keras 3.x legacy .h5 (variable-path weight names)',
  'Keras 3.x .keras archives and native .weights.h5 (compile_config, optimizer variables)',
  'TensorFlow.js tfjs-layers model.json (computed as tfjs computes it: Keras 2.1 numerics, hard_sigmoid clip(0.2x+0.5))',
] as const;

const code = (xs: readonly string[]) => xs.map((x) => `\`${x}\``).join(', ');

/** Which registered layers the ONNX exporter writes, and which it refuses (from its own tables). */
function onnxSupport(): string {
  const layers = registeredLayers();
  const refused = layers.filter((c) => onnxRefusalFor(c) !== undefined).map((c) => `\`${c}\` (${onnxRefusalFor(c)})`);
  const missing = layers.filter((c) => onnxMappingFor(c) === undefined && onnxRefusalFor(c) === undefined);
  const mapped = layers.length - refused.length - missing.length;
  return `opset ${ONNX_OPSET}, dynamic batch, the file's Keras numerics: ${mapped === layers.length ? 'every layer above' : `${mapped} of the ${layers.length} layers above`}${refused.length ? `; refused: ${refused.join(', ')}` : ''}${missing.length ? `; not yet: ${code(missing)}` : ''}`;
}

/** Which registered layers a TensorFlow.js model.json can carry (the classes tfjs-layers deserializes). */
function tfjsSupport(): string {
  const layers = registeredLayers().filter((c) => c !== 'InputLayer');
  const both = layers.filter((c) => TFJS_LAYER_CLASSES.has(c) && !TFJS_COMPUTES_OTHERWISE.has(c));
  return `tfjs-layers ${TFJS_LAYERS_VERSION} (\`loadModel('model.json')\`, \`saveModel(model, path, { format: 'tfjs' })\`, \`kerasts convert … --to tfjs\`), both ways: ${code(both)} (GRU with \`reset_after=False\` only, ReLU with \`max_value\` only, ELU with alpha 1, Softmax over the last axis); other layers and options are refused by name when writing, as tfjs could not load them, and so are ${code([...TFJS_COMPUTES_OTHERWISE])}, also in a model.json tfjs wrote (tfjs resamples images otherwise than Keras)`;
}

/** The support table as Markdown. */
export function supportMarkdown(): string {
  const rows: [string, string][] = [
    ['Layers', code(registeredLayers().filter((c) => c !== 'NumpyOperation'))],
    ['Model classes', '`Sequential`, `Functional` (model graphs with several inputs/outputs and shared layers); either one nested as a layer of another (one input, one output; frozen bases; shared calls), in every format but TensorFlow.js'],
    ['Graph operations', `Keras 3 functional graphs' \`keras.ops\` nodes (\`x + 3.0\`, \`x * y\`, \`1.0 / t\`, \`-x\`; hard-swish written as \`x * relu6(x + 3) * (1 / 6)\`): ${code(NUMPY_OPERATIONS)}, read and written in the keras-3 dialect (\`.keras\`), exported to ONNX (class \`NumpyOperation\` in kerasts)`],
    ['Activations', code(ACTIVATION_NAMES)],
    ['Initializers', code(INITIALIZER_NAMES)],
    ['Optimizers', code(OPTIMIZERS)],
    ['Losses', code(LOSS_NAMES)],
    ['Metrics', code(METRIC_NAMES)],
    ['Files read', 'Keras 3 `.keras` archives and `.weights.h5` (native layout); HDF5 `.h5` full models and weights (legacy layout); architecture `.json` / `.yaml`; TensorFlow.js layers `model.json` + weight shards (uint8/uint16/float16 quantized too) — every format detected by content'],
    ['Files written', `\`.keras\` and \`.weights.h5\` (Keras 3); \`.h5\`, \`.json\`, \`.yaml\` in the dialects ${code(DIALECTS)}; \`.onnx\` (export only) — the format the output name asks for; TensorFlow.js \`model.json\` + \`group1-shard1of1.bin\` (\`format: 'tfjs'\`, 4 MiB shards)`],
    ['ONNX export', onnxSupport()],
    ['TensorFlow.js', tfjsSupport()],
    ['Keras versions read', KERAS_ERAS_READ.join('; ')],
  ];
  return ['| what | supported |', '|---|---|', ...rows.map(([a, b]) => `| ${a} | ${b} |`)].join('\n');
}
