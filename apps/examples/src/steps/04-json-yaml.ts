/** Step 4: the architecture alone, as JSON (to_json / model_from_json) and YAML (to_yaml / model_from_yaml). */
import { readFileSync, writeFileSync } from 'node:fs';
import { modelFromJSON, toJSON } from '@kerasts/io-json';
import { modelFromYAML, toYAML } from '@kerasts/io-yaml';
import type { Sequential } from '@kerasts/model';
import { maxAbsDiff, type Context } from '../context.js';

export function run(ctx: Context, model: Sequential): void {
  const jsonFile = ctx.out('my_model_architecture.json');
  writeFileSync(jsonFile, toJSON(model));
  const fromJson = modelFromJSON(readFileSync(jsonFile, 'utf8'));
  fromJson.setWeights(model.getWeights());
  ctx.say(`  wrote ${jsonFile} (${readFileSync(jsonFile).length} bytes, the form tf.keras 2.x and Keras 3 both load)`);
  ctx.check('model_from_json + set_weights predicts the same', maxAbsDiff(fromJson.predict(ctx.x), model.predict(ctx.x)) === 0, 'max |Δ| = 0');

  const yamlFile = ctx.out('my_model_architecture.yaml');
  writeFileSync(yamlFile, toYAML(model));
  const fromYaml = modelFromYAML(readFileSync(yamlFile, 'utf8'));
  fromYaml.setWeights(model.getWeights());
  ctx.say(`  wrote ${yamlFile} (PyYAML style, batch_input_shape as !!python/tuple)`);
  ctx.check('model_from_yaml + set_weights predicts the same', maxAbsDiff(fromYaml.predict(ctx.x), model.predict(ctx.x)) === 0, 'max |Δ| = 0');
}
