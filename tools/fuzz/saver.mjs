// Child of the kill-during-save trials: saves a model to <target> over and over through the library's
// own save path (saveModel → the shared atomic writer), alternating two versions whose weights are
// all 1 or all 2, until it is killed. With --once it saves version 1 once and prints what the save
// found (temporary files of killed saves that it removed).
import { Dense } from '../../packages/layers/dist/index.js';
import { Sequential } from '../../packages/model/dist/index.js';
import { contentsFromModel, writeKerasH5 } from '../../packages/io-hdf5/dist/index.js';
import { writeFileAtomic } from '../../packages/io-hdf5/dist/node.js';

const [target, mode] = process.argv.slice(2);
const model = new Sequential([new Dense({ units: 1024, inputShape: [512], name: 'd' })]);

async function bytesFor(version) {
  for (const w of model.layers[0].weights) w.value.data.fill(version);
  return writeKerasH5(contentsFromModel(model, 'model'));
}

const files = [await bytesFor(1), await bytesFor(2)];
if (mode === '--once') {
  const r = await writeFileAtomic(target, files[0], { overwrite: true });
  process.stdout.write(JSON.stringify(r) + '\n');
} else {
  process.send?.({ saving: true });
  for (let i = 0; ; i++) await writeFileAtomic(target, files[i % 2], { overwrite: true });
}
