// Functional models through YAML (Keras 2's to_yaml / model_from_yaml): same graph, same numbers.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelFromJSON } from '@kerasts/io-json';
import { Functional } from '@kerasts/model';
import { tensor } from '@kerasts/tensor';
import { modelFromYAML, toYAML } from '../src/index.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'tools', 'oracle', 'fixtures', 'functional');
interface Arr { shape: number[]; values: number[] }
const t = (a: Arr) => tensor(Float32Array.from(a.values), a.shape);

describe('functional models in YAML', () => {
  for (const name of ['k2_list_nodes', 'merges', 'lstm_return_state']) {
    it(name, () => {
      const fx = JSON.parse(readFileSync(join(dir, `${name}.json`), 'utf8')) as { model_json: never; weights: Arr[]; inputs: Arr[]; layer_names: string[] };
      const model = modelFromJSON(fx.model_json);
      model.setWeights(fx.weights.map(t));
      const yaml = toYAML(model);
      expect(yaml).toContain('class_name: Model');
      expect(yaml).toContain('inbound_nodes:');
      const again = modelFromYAML(yaml);
      expect(again).toBeInstanceOf(Functional);
      expect(again.layers.map((l) => l.name)).toEqual(fx.layer_names);
      again.setWeights(model.getWeights());
      const xs = fx.inputs.map(t);
      const a = model.predictOutputs(xs);
      again.predictOutputs(xs).forEach((y, i) => expect(Array.from(y.data)).toEqual(Array.from(a[i]!.data)));
    });
  }
});
