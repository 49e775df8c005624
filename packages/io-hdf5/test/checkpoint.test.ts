// ModelCheckpoint saves .h5 files that load back compiled, with the weights of that epoch.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Dense } from '@kerasts/layers';
import { ModelCheckpoint, Sequential } from '@kerasts/model';
import { Random, tensor } from '@kerasts/tensor';
import { loadModel, saveCheckpointH5 } from '../src/index.js';
import { removeTempDirs, tempDir } from '../../../tools/testing/tmp.js';

afterAll(removeTempDirs);

describe('ModelCheckpoint with saveCheckpointH5', () => {
  it('writes one loadable .h5 per epoch', async () => {
    const d = tempDir('kerasts-ckpt-');
    const rng = new Random(1);
    const x = tensor(rng.fill(new Float32Array(40), () => rng.uniformRange(-1, 1)), [20, 2]);
    const y = tensor(rng.fill(new Float32Array(20), () => rng.uniformRange(-1, 1)), [20, 1]);
    const model = new Sequential({ layers: [new Dense({ units: 1, inputShape: [2] })] });
    model.compile({ optimizer: 'sgd', loss: 'mean_squared_error' });
    await model.fit(x, y, { epochs: 2, batchSize: 5, shuffle: false, verbose: 0, callbacks: [new ModelCheckpoint({ filepath: join(d, 'ckpt-{epoch}.h5'), save: saveCheckpointH5 })] });
    expect(existsSync(join(d, 'ckpt-1.h5')) && existsSync(join(d, 'ckpt-2.h5'))).toBe(true);
    const last = await loadModel(join(d, 'ckpt-2.h5'));
    expect(last.isCompiled).toBe(true);
    expect(Array.from(last.getWeights()[0]!.data)).toEqual(Array.from(model.getWeights()[0]!.data));
    expect(last.getOptimizerWeights()[0]!.data[0]).toBe(8);
  });
});
