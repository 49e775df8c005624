/**
 * The training API: exact resume (2 + 2 epochs == 4 epochs, bit for bit, through a JSON round trip of
 * the weights, optimizer state and training config), callbacks (History, EarlyStopping,
 * TerminateOnNaN, ModelCheckpoint, progress display), frozen layers, optimizer and training configs
 * of every era, metric resolution, and bad input.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { Dense, Dropout, LSTM, clearSession, setNamingConvention } from '@kerasts/layers';
import { ConfigError, KerastsError, Random, ShapeMismatchError, Tensor, UnsupportedError } from '@kerasts/tensor';
import {
  Adadelta,
  Adagrad,
  Adam,
  Adamax,
  BinaryCrossentropy,
  Callback,
  EarlyStopping,
  getLoss,
  getMetric,
  getOptimizer,
  Huber,
  InverseTimeDecay,
  ModelCheckpoint,
  Nadam,
  optimizerFromConfig,
  optimizerWeightsLayoutFor,
  RMSprop,
  Sequential,
  SGD,
  TerminateOnNaN,
  formatFilepath,
  type Logs,
  type Model,
  type Optimizer,
  type OptimizerWeightsLayout,
} from '../src/index.js';

beforeEach(() => {
  clearSession();
  setNamingConvention('keras-3');
});

function data(n: number, seed = 3): { x: Tensor; y: Tensor } {
  const rng = new Random(seed);
  const x = new Tensor(Float32Array.from({ length: n * 5 * 2 }, () => rng.normal()), [n, 5, 2]);
  const y = new Tensor(Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 0.5), [n, 1]);
  return { x, y };
}

function lstmModel(dropout = 0): Sequential {
  const m = new Sequential({ layers: [new LSTM({ units: 4, batchInputShape: [null, 5, 2], dropout }), new Dropout({ rate: 0.2 }), new Dense({ units: 1 })] });
  const rng = new Random(42);
  m.setWeights(m.getWeights().map((w) => new Tensor(Float32Array.from({ length: w.size }, () => rng.normal(0, 0.4)), w.shape)));
  return m;
}

const silent = { verbose: 0 as const };

describe('exact resume within kerasts', () => {
  it('2 epochs, then a fresh model restored from JSON (weights, optimizer weights, training config) and 2 more == 4 epochs at once, bit for bit (shuffle + dropout)', async () => {
    const { x, y } = data(37);
    const opts = { ...silent, batchSize: 8, shuffle: true, seed: 1234 };
    const full = lstmModel(0.25);
    full.compile({ optimizer: new Adam({ learningRate: 0.01, amsgrad: true }), loss: 'mse', metrics: ['mae'] });
    const hFull = await full.fit(x, y, { ...opts, epochs: 4 });

    clearSession();
    const first = lstmModel(0.25);
    first.compile({ optimizer: new Adam({ learningRate: 0.01, amsgrad: true }), loss: 'mse', metrics: ['mae'] });
    const h1 = await first.fit(x, y, { ...opts, epochs: 2 });
    // "save": everything as JSON text, as a file would hold it
    const saved = JSON.stringify({
      weights: first.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.data) })),
      optimizer: first.getOptimizerWeights().map((w) => ({ shape: w.shape, values: Array.from(w.data) })),
      trainingConfig: first.getTrainingConfig(),
    });
    // "load" in a fresh model
    clearSession();
    const file = JSON.parse(saved) as { weights: { shape: number[]; values: number[] }[]; optimizer: { shape: number[]; values: number[] }[]; trainingConfig: Record<string, never> };
    const resumed = lstmModel(0.25);
    resumed.setWeights(file.weights.map((w) => new Tensor(Float32Array.from(w.values), w.shape)));
    resumed.compileFromTrainingConfig(JSON.stringify(file.trainingConfig));
    resumed.setOptimizerWeights(file.optimizer.map((w) => new Tensor(Float32Array.from(w.values), w.shape)));
    const h2 = await resumed.fit(x, y, { ...opts, epochs: 4, initialEpoch: 2 });

    expect(resumed.getWeights().map((w) => Array.from(w.data))).toEqual(full.getWeights().map((w) => Array.from(w.data)));
    expect(resumed.getOptimizerWeights().map((w) => Array.from(w.data))).toEqual(full.getOptimizerWeights().map((w) => Array.from(w.data)));
    expect([...h1.history.loss!, ...h2.history.loss!]).toEqual(hFull.history.loss);
    expect([...h1.history.mae!, ...h2.history.mae!]).toEqual(hFull.history.mae);
    expect(h2.epoch).toEqual([2, 3]);
  });

  it('different seeds shuffle differently; the same seed repeats the run exactly', async () => {
    const { x, y } = data(24);
    const run = async (seed: number): Promise<number[]> => {
      clearSession();
      const m = lstmModel();
      m.compile({ optimizer: 'sgd', loss: 'mse' });
      return (await m.fit(x, y, { ...silent, epochs: 2, batchSize: 5, seed })).history.loss!;
    };
    const a = await run(1);
    expect(await run(1)).toEqual(a);
    expect(await run(2)).not.toEqual(a);
  });

  it('History reports the seed it used, so an unseeded run can be repeated', async () => {
    const { x, y } = data(16);
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const h = await m.fit(x, y, { ...silent, epochs: 1 });
    expect(Number.isInteger(h.params!.seed)).toBe(true);
  });
});

describe('frozen layers', () => {
  it('trainable=false layers do not move, and get no optimizer slots; the head learns', async () => {
    const { x, y } = data(32);
    const m = lstmModel();
    m.layers[0]!.trainable = false;
    m.compile({ optimizer: new Adam({ learningRate: 0.05 }), loss: 'mse' });
    const before = m.getWeights();
    const loss0 = m.evaluate(x, y)[0]!;
    await m.fit(x, y, { ...silent, epochs: 5, batchSize: 8 });
    const after = m.getWeights();
    for (let k = 0; k < 3; k++) expect(Array.from(after[k]!.data)).toEqual(Array.from(before[k]!.data));
    expect(Array.from(after[3]!.data)).not.toEqual(Array.from(before[3]!.data));
    expect(m.evaluate(x, y)[0]!).toBeLessThan(loss0);
    expect(m.getOptimizerVariables().map((v) => v.name)).toEqual([
      'adam/iteration',
      'adam/learning_rate',
      'adam/sequential_dense_kernel_momentum',
      'adam/sequential_dense_kernel_velocity',
      'adam/sequential_dense_bias_momentum',
      'adam/sequential_dense_bias_velocity',
    ]);
  });
});

describe('callbacks', () => {
  it('hooks run in Keras order with running logs; History collects epoch logs', async () => {
    const { x, y } = data(20);
    const m = lstmModel();
    m.compile({ optimizer: 'rmsprop', loss: 'mse', metrics: ['mse'] });
    const events: string[] = [];
    const batchLogs: Logs[] = [];
    const h = await m.fit(x, y, {
      ...silent,
      epochs: 2,
      batchSize: 8,
      validationSplit: 0.2,
      callbacks: [
        {
          onTrainBegin: () => void events.push('trainBegin'),
          onEpochBegin: (e) => void events.push(`epochBegin ${e}`),
          onBatchEnd: (b, logs) => {
            events.push(`batchEnd ${b}`);
            batchLogs.push(logs);
          },
          onEpochEnd: async (e) => {
            await Promise.resolve();
            events.push(`epochEnd ${e}`);
          },
          onTrainEnd: () => void events.push('trainEnd'),
        },
      ],
    });
    expect(events).toEqual(['trainBegin', 'epochBegin 0', 'batchEnd 0', 'batchEnd 1', 'epochEnd 0', 'epochBegin 1', 'batchEnd 0', 'batchEnd 1', 'epochEnd 1', 'trainEnd']);
    expect(Object.keys(batchLogs[0]!)).toEqual(['loss', 'mse']);
    expect(Object.keys(h.history)).toEqual(['loss', 'mse', 'val_loss', 'val_mse']);
    expect(h.history.loss!.length).toBe(2);
    expect(h.params!.samples).toBe(16);
  });

  it('EarlyStopping stops when val_loss stops improving and restores the best weights', async () => {
    const { x, y } = data(30);
    const m = lstmModel();
    m.compile({ optimizer: new SGD({ learningRate: 3 }), loss: 'mse' }); // diverges
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 1, restoreBestWeights: true });
    const snapshots: number[][][] = [];
    const h = await m.fit(x, y, { ...silent, epochs: 30, batchSize: 10, validationSplit: 0.3, callbacks: [es, { onEpochEnd: () => void snapshots.push(m.getWeights().map((w) => Array.from(w.data))) }] });
    expect(h.epoch.length).toBeLessThan(30);
    const vl = h.history.val_loss!;
    const best = vl.indexOf(Math.min(...vl));
    expect(es.bestEpoch).toBe(best);
    expect(m.getWeights().map((w) => Array.from(w.data))).toEqual(snapshots[best]);
  });

  it("EarlyStopping mode 'auto' maximises accuracy; an unknown metric needs a mode", async () => {
    const rng = new Random(9);
    const x = new Tensor(Float32Array.from({ length: 40 * 3 }, () => rng.normal()), [40, 3]);
    const y = new Tensor(Float32Array.from({ length: 40 }, (_, i) => (x.data[i * 3]! > 0 ? 1 : 0)), [40, 1]);
    const m = new Sequential({ layers: [new Dense({ units: 1, activation: 'sigmoid', batchInputShape: [null, 3] })] });
    m.compile({ optimizer: 'adam', loss: 'binary_crossentropy', metrics: ['accuracy'] });
    const es = new EarlyStopping({ monitor: 'val_accuracy', patience: 2 });
    await m.fit(x, y, { ...silent, epochs: 3, validationSplit: 0.25, callbacks: [es] });
    expect(es.best).not.toBeNull();
    const bad = new EarlyStopping({ monitor: 'val_something' });
    await expect(m.fit(x, y, { ...silent, epochs: 1, validationSplit: 0.25, callbacks: [bad] })).rejects.toThrow(ConfigError);
  });

  it('TerminateOnNaN stops training when the loss becomes NaN, or throws with raiseError', async () => {
    const { x, y } = data(40);
    const m = lstmModel();
    m.compile({ optimizer: new SGD({ learningRate: 1e30 }), loss: 'mse' });
    const lines: string[] = [];
    const h = await m.fit(x, y, { ...silent, epochs: 5, batchSize: 4, callbacks: [new TerminateOnNaN({ print: (l) => void lines.push(l) })] });
    expect(h.epoch.length).toBe(1);
    expect(Number.isFinite(h.history.loss![0]!)).toBe(false);
    expect(lines[0]).toMatch(/Invalid loss, terminating training/);
    const m2 = lstmModel();
    m2.compile({ optimizer: new SGD({ learningRate: 1e30 }), loss: 'mse' });
    await expect(m2.fit(x, y, { ...silent, epochs: 5, batchSize: 4, callbacks: [new TerminateOnNaN({ raiseError: true })] })).rejects.toThrow(KerastsError);
  });

  it('ModelCheckpoint calls the save function with formatted paths; saveBestOnly saves on improvement only', async () => {
    const { x, y } = data(20);
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const saves: { path: string; weightsOnly: boolean; model: Model }[] = [];
    const save = async (model: Model, path: string, o: { weightsOnly: boolean }): Promise<void> => {
      await Promise.resolve();
      saves.push({ path, weightsOnly: o.weightsOnly, model });
    };
    await m.fit(x, y, { ...silent, epochs: 3, validationSplit: 0.2, callbacks: [new ModelCheckpoint({ filepath: 'ckpt-{epoch:02d}-{val_loss:.3f}.h5', save })] });
    expect(saves.map((s) => s.path.replace(/-\d\.\d{3}\.h5$/, ''))).toEqual(['ckpt-01', 'ckpt-02', 'ckpt-03']);
    expect(saves[0]!.model).toBe(m);
    saves.length = 0;
    const m2 = lstmModel();
    m2.compile({ optimizer: new SGD({ learningRate: 3 }), loss: 'mse' });
    const cp = new ModelCheckpoint({ filepath: 'best.h5', save, saveBestOnly: true, saveWeightsOnly: true });
    const h = await m2.fit(x, y, { ...silent, epochs: 6, validationSplit: 0.2, callbacks: [cp] });
    const vl = h.history.val_loss!;
    const improvements = vl.filter((v, i) => i === 0 || v < Math.min(...vl.slice(0, i))).length;
    expect(saves.length).toBe(improvements);
    expect(saves.every((s) => s.weightsOnly)).toBe(true);
    expect(() => new ModelCheckpoint({ filepath: 'x.h5' } as never)).toThrow(ConfigError);
    expect(formatFilepath('m-{epoch:03d}-{loss:.2e}-{acc:.1%}', { epoch: 7, loss: 0.01234, acc: 0.5 })).toBe('m-007-1.23e-02-50.0%');
  });

  it('Callback subclasses get the model and params', async () => {
    const { x, y } = data(10);
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    class Probe extends Callback {
      seen: string[] = [];
      override onTrainBegin(): void {
        this.seen.push(`${this.model === m} ${this.params!.epochs} ${this.params!.steps} ${this.params!.metricDirections.mae}`);
      }
    }
    const p = new Probe();
    await m.fit(x, y, { ...silent, epochs: 2, batchSize: 4, callbacks: [p] });
    expect(p.seen).toEqual(['true 2 3 down']);
  });

  it('progress display: a redrawn bar on a terminal, one line per epoch otherwise', async () => {
    const { x, y } = data(20);
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['mae'] });
    let tty = '';
    await m.fit(x, y, { epochs: 2, batchSize: 5, verbose: 1, progressStream: { write: (s) => void (tty += s), isTTY: true } });
    expect(tty).toContain('Epoch 1/2\n');
    expect(tty).toMatch(/\r4\/4 [━\x1b[\dm]+ \d+s \d+[mu]?s\/step - loss: \d\.\d{4} - mae: \d\.\d{4}/);
    let plain = '';
    await m.fit(x, y, { epochs: 2, batchSize: 5, progressStream: { write: (s) => void (plain += s), isTTY: false } });
    const lines = plain.trim().split('\n');
    expect(lines.length).toBe(2);
    expect(lines[0]).toMatch(/^Epoch 1\/2 - 4\/4 - \d+s - \d+[mu]?s\/step - loss: \d\.\d{4} - mae: \d\.\d{4}$/);
    expect(plain).not.toContain('\r');
  });
});

describe('evaluate / trainOnBatch / testOnBatch', () => {
  it('evaluate gives [loss, ...metrics] and a dict; trainOnBatch updates once', () => {
    const { x, y } = data(12);
    const m = new Sequential({ layers: [new LSTM({ units: 4, batchInputShape: [null, 5, 2] }), new Dense({ units: 1 })] });
    m.compile({ optimizer: new SGD({ learningRate: 0.1 }), loss: 'mse', metrics: ['mae', 'mse'] });
    const [loss, mae, mse] = m.evaluate(x, y, { batchSize: 5 });
    expect(m.metricsNames).toEqual(['loss', 'mae', 'mse']);
    expect(loss).toBeCloseTo(mse!, 6);
    expect(m.evaluate(x, y, { batchSize: 5, returnDict: true })).toEqual({ loss, mae, mse });
    const it0 = m.optimizer!.iterations;
    const r = m.trainOnBatch(x, y);
    expect(r[0]).toBeCloseTo(loss!, 5);
    expect(m.optimizer!.iterations).toBe(it0 + 1);
    expect(m.testOnBatch(x, y)).toEqual(m.evaluate(x, y, { batchSize: 12 }));
  });
});

describe('optimizers: defaults, configs of every era, names', () => {
  it('Keras 3 defaults', () => {
    expect(new SGD().learningRate).toBe(Math.fround(0.01));
    expect(new Adam().getConfig()).toEqual({
      class_name: 'Adam',
      config: {
        name: 'adam',
        learning_rate: 0.0010000000474974513,
        weight_decay: null,
        clipnorm: null,
        global_clipnorm: null,
        clipvalue: null,
        use_ema: false,
        ema_momentum: 0.99,
        ema_overwrite_frequency: null,
        loss_scale_factor: null,
        gradient_accumulation_steps: null,
        beta_1: 0.9,
        beta_2: 0.999,
        epsilon: 1e-7,
        amsgrad: false,
      },
    });
    expect(new RMSprop().getConfig().config).toMatchObject({ name: 'rm_sprop', rho: 0.9, momentum: 0, epsilon: 1e-7, centered: false });
    expect(new Adagrad().getConfig().config).toMatchObject({ initial_accumulator_value: 0.1, epsilon: 1e-7 });
    expect(new Adadelta().getConfig().config).toMatchObject({ learning_rate: 0.0010000000474974513, rho: 0.95 });
    expect(new Adamax().getConfig().config).toMatchObject({ beta_1: 0.9, beta_2: 0.999 });
    expect(new Nadam().getConfig().class_name).toBe('Nadam');
  });

  it('string names, case-insensitive', () => {
    for (const [n, cls] of [['adam', 'Adam'], ['SGD', 'SGD'], ['rmsprop', 'RMSprop'], ['Adagrad', 'Adagrad'], ['adadelta', 'Adadelta'], ['adamax', 'Adamax'], ['nadam', 'Nadam']] as const) {
      expect(getOptimizer(n).className).toBe(cls);
    }
    expect(() => getOptimizer('adamm')).toThrow(UnsupportedError);
    expect(() => getOptimizer('adamm')).toThrow(/unknown optimizer 'adamm'/);
  });

  it('Keras 2.0.8 config: lr, decay (time-based), epsilon 1e-8', () => {
    const opt = optimizerFromConfig({ class_name: 'Adam', config: { lr: 0.0010000000474974513, beta_1: 0.8999999761581421, beta_2: 0.9990000128746033, decay: 0.01, epsilon: 1e-8 } });
    expect(opt).toBeInstanceOf(Adam);
    expect((opt as Adam).epsilon).toBe(1e-8);
    expect(opt.schedule).toBeInstanceOf(InverseTimeDecay);
    expect(opt.learningRate).toBe(Math.fround(0.0010000000474974513));
    opt.iterations = 10;
    expect(opt.learningRate).toBeCloseTo(0.001 / (1 + 0.01 * 10), 9);
    // Keras 3 cannot write `decay`: it becomes an InverseTimeDecay schedule with decay_steps 1
    expect(opt.getConfig().config.learning_rate).toEqual({
      module: 'keras.optimizers.schedules',
      class_name: 'InverseTimeDecay',
      config: { initial_learning_rate: 0.0010000000474974513, decay_steps: 1, decay_rate: 0.01, staircase: false, name: 'InverseTimeDecay' },
      registered_name: null,
    });
  });

  it('tf.keras 2.11+ (Custom>Adam, jit_compile, is_legacy_optimizer), module form, legacy names, Keras 2 Nadam schedule_decay', () => {
    const a = optimizerFromConfig({
      class_name: 'Custom>Adam',
      config: { name: 'Adam', weight_decay: null, clipnorm: null, global_clipnorm: null, clipvalue: null, use_ema: false, ema_momentum: 0.99, ema_overwrite_frequency: null, jit_compile: true, is_legacy_optimizer: false, learning_rate: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: true },
    });
    expect(a).toBeInstanceOf(Adam);
    expect((a as Adam).amsgrad).toBe(true);
    expect(optimizerFromConfig({ module: 'keras.optimizers', class_name: 'SGD', config: { learning_rate: 0.1, momentum: 0.9, nesterov: true }, registered_name: null })).toBeInstanceOf(SGD);
    expect(optimizerFromConfig({ class_name: 'keras.optimizers.legacy.RMSprop', config: { learning_rate: 0.1 } })).toBeInstanceOf(RMSprop);
    const n = optimizerFromConfig({ class_name: 'Nadam', config: { lr: 0.002, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-8, schedule_decay: 0.004 } }) as Nadam;
    expect(n.scheduleDecay).toBe(0.004);
    expect(() => optimizerFromConfig({ class_name: 'Adam', config: { learning_rate: 0.1, bogus: 1 } })).toThrow(/unknown optimizer argument\(s\): bogus/);
    expect(() => optimizerFromConfig({ class_name: 'Adam', config: { use_ema: true } })).toThrow(UnsupportedError);
    expect(() => optimizerFromConfig({ class_name: 'Ftrl', config: {} })).toThrow(UnsupportedError);
    expect(() => new SGD({ clipnorm: 1, clipvalue: 1 })).toThrow(ConfigError);
  });

  it('a state that does not fit is refused and leaves the optimizer unchanged', () => {
    const m = new Sequential({ layers: [new Dense({ units: 2, batchInputShape: [null, 3] })] });
    m.compile({ optimizer: new Adam(), loss: 'mse' });
    const w = m.getOptimizerWeights();
    expect(w.map((t) => t.shape)).toEqual([[], [], [3, 2], [3, 2], [2], [2]]);
    expect(() => m.setOptimizerWeights(w.slice(0, 4))).toThrow(ShapeMismatchError);
    expect(() => m.setOptimizerWeights([...w.slice(0, 5), new Tensor(new Float32Array(3), [3])])).toThrow(/does not fit/);
    expect(m.getOptimizerWeights().map((t) => Array.from(t.data))).toEqual(w.map((t) => Array.from(t.data)));
  });
});

describe('losses and metrics by name', () => {
  it('every Keras name and alias of every era', () => {
    const pairs: [string, string][] = [
      ['mse', 'mean_squared_error'],
      ['MSE', 'mean_squared_error'],
      ['mean_squared_error', 'mean_squared_error'],
      ['MeanSquaredError', 'mean_squared_error'],
      ['mae', 'mean_absolute_error'],
      ['mape', 'mean_absolute_percentage_error'],
      ['msle', 'mean_squared_logarithmic_error'],
      ['bce', 'binary_crossentropy'],
      ['categorical_crossentropy', 'categorical_crossentropy'],
      ['sparse_categorical_crossentropy', 'sparse_categorical_crossentropy'],
      ['hinge', 'hinge'],
      ['squared_hinge', 'squared_hinge'],
      ['categorical_hinge', 'categorical_hinge'],
      ['huber', 'huber'],
      ['huber_loss', 'huber'],
      ['log_cosh', 'log_cosh'],
      ['logcosh', 'log_cosh'],
      ['kld', 'kl_divergence'],
      ['kullback_leibler_divergence', 'kl_divergence'],
      ['poisson', 'poisson'],
      ['cosine_similarity', 'cosine_similarity'],
    ];
    for (const [name, kernel] of pairs) expect(getLoss(name).kernel, name).toBe(kernel);
    expect(getLoss({ class_name: 'BinaryCrossentropy', config: { from_logits: true, reduction: 'auto', name: 'bce' } }).options.fromLogits).toBe(true);
    expect(new Huber({ delta: 2 }).getConfig()).toEqual({ name: 'huber_loss', reduction: 'sum_over_batch_size', delta: 2 });
    expect(new BinaryCrossentropy({ fromLogits: true }).serialized).toEqual({
      class_name: 'BinaryCrossentropy',
      config: { name: 'binary_crossentropy', reduction: 'sum_over_batch_size', from_logits: true, label_smoothing: 0, axis: -1 },
    });
    expect(() => getLoss('mean_squared_errror')).toThrow(UnsupportedError);
  });

  it("'accuracy' resolves like Keras from the output and target shapes", () => {
    const kind = (yt: number[], yp: number[]) => {
      const m = getMetric('accuracy', yt, yp);
      const yTrue = new Tensor(new Float32Array(yt.reduce((a, b) => a * b, 1)), yt);
      const yPred = new Tensor(Float32Array.from({ length: yp.reduce((a, b) => a * b, 1) }, (_, i) => (i % 3) * 0.4), yp);
      m.update(yTrue, yPred);
      return m.result();
    };
    // binary: one unit, prediction > 0.5 vs label: predictions [0, .4, .8, 0], labels 0
    expect(kind([4, 1], [4, 1])).toBe(0.75);
    // sparse: labels [4] or [4, 1] against 3 classes; argmax of [0, .4, .8] is 2, labels 0
    expect(kind([4], [4, 3])).toBe(0);
    expect(kind([4, 1], [4, 3])).toBe(0);
    // categorical: one-hot targets (all-zero rows argmax 0)
    expect(kind([4, 3], [4, 3])).toBe(0);
  });
});

describe('bad input gives typed errors', () => {
  it('fit before compile', async () => {
    const m = lstmModel();
    const { x, y } = data(4);
    await expect(m.fit(x, y, silent)).rejects.toThrow(ConfigError);
    await expect(m.fit(x, y, silent)).rejects.toThrow(/must be compiled before fit/);
    expect(() => m.evaluate(x, y)).toThrow(/must be compiled before evaluate/);
    expect(() => m.trainOnBatch(x, y)).toThrow(ConfigError);
  });

  it('unknown optimizer, loss or metric names', () => {
    const m = lstmModel();
    expect(() => m.compile({ optimizer: 'adamw2', loss: 'mse' })).toThrow(UnsupportedError);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mean_sqared_error' })).toThrow(/unknown loss 'mean_sqared_error'/);
    expect(() => m.compile({ optimizer: 'adam', loss: 'mse', metrics: ['acuracy'] })).toThrow(/unknown metric 'acuracy'/);
  });

  it('x and y with different numbers of samples', async () => {
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x } = data(10);
    const y = new Tensor(new Float32Array(9), [9, 1]);
    await expect(m.fit(x, y, silent)).rejects.toThrow(ShapeMismatchError);
    await expect(m.fit(x, y, silent)).rejects.toThrow(/x has 10 samples but y has 9/);
  });

  it('wrong shapes of x or y', async () => {
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const good = data(6);
    await expect(m.fit(new Tensor(new Float32Array(6 * 5 * 3), [6, 5, 3]), good.y, silent)).rejects.toThrow(ShapeMismatchError);
    await expect(m.fit(good.x, new Tensor(new Float32Array(12), [6, 2]), silent)).rejects.toThrow(/targets of shape \[6, 2\] do not fit the model output \[None, 1\]/);
    const c = new Sequential({ layers: [new Dense({ units: 3, activation: 'softmax', batchInputShape: [null, 2] })] });
    c.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    await expect(c.fit([[0, 1], [1, 0]], [0, 3], silent)).rejects.toThrow(/sparse label 3 .* not a class index in \[0, 3\)/);
    await expect(m.fit([[1, 2], [3]] as never, [1, 2], silent)).rejects.toThrow(ConfigError);
  });

  it('NaN or Inf in the data', async () => {
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = data(6);
    const xb = x.clone();
    xb.data[2 * 10 + 3] = NaN;
    await expect(m.fit(xb, y, silent)).rejects.toThrow(/x\[2\]\[1\]\[1\] is NaN/);
    const yb = y.clone();
    yb.data[4] = Infinity;
    await expect(m.fit(x, yb, silent)).rejects.toThrow(/y\[4\]\[0\] is Infinity/);
    await expect(m.fit(x, y, { ...silent, sampleWeight: [1, 1, 1, NaN, 1, 1] })).rejects.toThrow(ConfigError);
  });

  it('invalid options', async () => {
    const m = lstmModel();
    m.compile({ optimizer: 'adam', loss: 'mse' });
    const { x, y } = data(6);
    await expect(m.fit(x, y, { ...silent, batchSize: 0 })).rejects.toThrow(ConfigError);
    await expect(m.fit(x, y, { ...silent, validationSplit: 1.5 })).rejects.toThrow(/validationSplit must be in \(0, 1\)/);
    await expect(m.fit(x, y, { ...silent, sampleWeight: [1, 2] })).rejects.toThrow(ShapeMismatchError);
    await expect(m.fit(x, y, { ...silent, sampleWeight: [1, 1, 1, 1, 1, 1], classWeight: { 0: 1 } })).rejects.toThrow(/classWeight and sampleWeight/);
  });
});

describe('optimizer_weights layouts of every era', () => {
  const makers: [string, () => Optimizer][] = [
    ['SGD momentum', () => new SGD({ learningRate: 0.1, momentum: 0.9 })],
    ['SGD', () => new SGD({ learningRate: 0.1 })],
    ['Adam', () => new Adam({ learningRate: 0.01 })],
    ['Adam amsgrad', () => new Adam({ learningRate: 0.01, amsgrad: true })],
    ['RMSprop', () => new RMSprop()],
    ['RMSprop momentum centered', () => new RMSprop({ momentum: 0.5, centered: true })],
    ['Adagrad', () => new Adagrad({ learningRate: 0.1 })],
    ['Adadelta', () => new Adadelta({ learningRate: 1 })],
    ['Adamax', () => new Adamax()],
    ['Nadam', () => new Nadam()],
  ];
  const layouts: OptimizerWeightsLayout[] = ['keras3', 'tf.keras-2.11', 'tf.keras-v2', 'keras-2.3', 'keras-2.1.3', 'keras-2.0'];
  async function trained(make: () => Optimizer): Promise<Sequential> {
    clearSession();
    const m = new Sequential({ layers: [new Dense({ units: 3, activation: 'tanh', batchInputShape: [null, 2] }), new Dense({ units: 1 })] });
    m.compile({ optimizer: make(), loss: 'mse' });
    const rng = new Random(1);
    const x = new Tensor(Float32Array.from({ length: 20 }, () => rng.normal()), [10, 2]);
    const y = new Tensor(Float32Array.from({ length: 10 }, () => rng.normal()), [10, 1]);
    await m.fit(x, y, { ...silent, epochs: 2, batchSize: 4, shuffle: false });
    return m;
  }
  for (const [label, make] of makers) {
    for (const layout of layouts) {
      it(`${label}: ${layout}`, async () => {
        const m = await trained(make);
        let values: Tensor[];
        try {
          values = m.getOptimizerWeights(layout);
        } catch (e) {
          // Only states the era cannot express are refused.
          expect(e).toBeInstanceOf(UnsupportedError);
          expect(`${label} ${layout}`).toMatch(/(RMSprop momentum centered keras-2)|(Adam amsgrad keras-2\.0)/);
          return;
        }
        const reference = m.getOptimizerWeights();
        const fresh = await trained(make); // same shapes, then overwritten
        fresh.compile({ optimizer: make(), loss: 'mse' });
        fresh.setOptimizerWeights(values, layout);
        const restored = fresh.getOptimizerWeights();
        const opt = m.optimizer!;
        const keepsIterations = !(['keras-2.1.3', 'keras-2.0'].includes(layout) && ['RMSprop', 'Adagrad', 'Adadelta'].includes(opt.className));
        expect(restored[0]!.data[0]).toBe(keepsIterations ? reference[0]!.data[0] : 0);
        // slots (and Nadam's momentum schedule, rebuilt from the iteration count when the era drops it) are restored exactly
        expect(restored.slice(2).map((t) => Array.from(t.data))).toEqual(reference.slice(2).map((t) => Array.from(t.data)));
      });
    }
  }
  it('Keras 2.2.4 Adam: [iterations] + m + v + vhats of shape [1]; Keras 2.3 Nadam has m_schedule; tf.keras OptimizerV2 names', async () => {
    const m = await trained(() => new Adam());
    const v = m.getOptimizerVariables('keras-2.1.3');
    expect(v.length).toBe(1 + 3 * 4);
    expect(v[0]!.name).toBe('Adam/iterations:0');
    expect(v.slice(9).map((x) => x.value.shape)).toEqual([[1], [1], [1], [1]]);
    expect(m.getOptimizerVariables('tf.keras-v2').map((x) => x.name).slice(0, 3)).toEqual(['Adam/iter:0', 'Adam/dense/kernel/momentum:0', 'Adam/dense/bias/momentum:0']);
    const n = await trained(() => new Nadam());
    expect(n.getOptimizerVariables('keras-2.3').map((x) => x.name).slice(0, 2)).toEqual(['Nadam/iterations:0', 'Nadam/m_schedule:0']);
  });
  it('optimizerWeightsLayoutFor maps Keras versions to layouts', () => {
    expect(optimizerWeightsLayoutFor('3.15.1')).toBe('keras3');
    expect(optimizerWeightsLayoutFor('2.15.0')).toBe('tf.keras-2.11');
    expect(optimizerWeightsLayoutFor('2.15.0', { legacyOptimizer: true })).toBe('tf.keras-v2');
    expect(optimizerWeightsLayoutFor('2.6.0')).toBe('tf.keras-v2');
    expect(optimizerWeightsLayoutFor('2.4.0')).toBe('tf.keras-v2');
    expect(optimizerWeightsLayoutFor('2.3.1')).toBe('keras-2.3');
    expect(optimizerWeightsLayoutFor('2.2.4')).toBe('keras-2.1.3');
    expect(optimizerWeightsLayoutFor('2.1.3')).toBe('keras-2.1.3');
    expect(optimizerWeightsLayoutFor('2.1.2')).toBe('keras-2.0');
    expect(optimizerWeightsLayoutFor('2.0.8')).toBe('keras-2.0');
  });
});

describe('compileFromTrainingConfig: training configs of every era', () => {
  const x = [[0.1, 0.2], [0.3, -0.1], [-0.2, 0.4], [0.5, 0.5]];
  const y = [[0.5], [-0.2], [0.1], [0.3]];
  const model = (): Sequential => new Sequential({ layers: [new Dense({ units: 1, batchInputShape: [null, 2] })] });
  it('Keras 2.0.8 (lr, decay, float32-rounded betas, loss alias, sample_weight_mode)', async () => {
    const m = model();
    m.compileFromTrainingConfig(
      '{"optimizer_config": {"class_name": "Adam", "config": {"lr": 0.0010000000474974513, "beta_1": 0.8999999761581421, "beta_2": 0.9990000128746033, "decay": 0.0, "epsilon": 1e-08}}, "loss": "mse", "metrics": ["accuracy"], "sample_weight_mode": null, "loss_weights": null}',
    );
    expect(m.optimizer).toBeInstanceOf(Adam);
    expect(m.optimizer!.learningRate).toBe(Math.fround(0.001));
    expect(m.compiledTraining!.loss!.kernel).toBe('mean_squared_error');
    const h = await m.fit(x, y, { ...silent, epochs: 1 });
    expect(Object.keys(h.history)).toEqual(['loss', 'accuracy']);
    // what Keras 3 would write back for it
    expect(m.getTrainingConfig()).toMatchObject({ loss: 'mse', metrics: ['accuracy'], loss_weights: null, weighted_metrics: null, optimizer_config: { class_name: 'Adam' } });
  });
  it('Keras 2.x per-output dicts, Keras 2.3 Loss objects, tf.keras compiled metrics and Custom>Adam', () => {
    const m = model();
    m.compileFromTrainingConfig({
      optimizer_config: { class_name: 'SGD', config: { lr: 0.01, momentum: 0.9, decay: 1e-4, nesterov: true } },
      loss: { dense: 'mean_absolute_error' },
      metrics: { dense: ['mse'] },
      sample_weight_mode: null,
      loss_weights: { dense: 0.5 },
    });
    expect(m.compiledTraining!.lossWeight).toBe(0.5);
    expect(m.compiledTraining!.loss!.kernel).toBe('mean_absolute_error');
    const m2 = model();
    m2.compileFromTrainingConfig({
      loss: { class_name: 'MeanSquaredError', config: { reduction: 'auto', name: 'mean_squared_error' } },
      metrics: [[{ class_name: 'MeanMetricWrapper', config: { name: 'mae', dtype: 'float32', fn: 'mean_absolute_error' } }]],
      weighted_metrics: null,
      loss_weights: null,
      optimizer_config: { class_name: 'Custom>Adam', config: { name: 'Adam', learning_rate: 0.001, jit_compile: true, is_legacy_optimizer: false, beta_1: 0.9, beta_2: 0.999, epsilon: 1e-7, amsgrad: false } },
    });
    m2.evaluate(x, y);
    expect(m2.metricsNames).toEqual(['loss', 'mae']);
    const m3 = model();
    m3.compileFromTrainingConfig({ loss: { class_name: 'Huber', config: { delta: 2.0, name: 'huber_loss', reduction: 'sum_over_batch_size' } }, optimizer_config: { class_name: 'RMSprop', config: { learning_rate: 0.001, rho: 0.9, decay: 0, epsilon: 1e-7, centered: false, momentum: 0 } } });
    expect(m3.compiledTraining!.loss!.options.delta).toBe(2);
  });
  it('refuses what it cannot use, with typed errors', () => {
    const m = model();
    expect(() => m.compileFromTrainingConfig('{not json')).toThrow(ConfigError);
    expect(() => m.compileFromTrainingConfig({ loss: 'mse' })).toThrow(/optimizer_config/);
    // per-output losses for outputs the model does not have
    expect(() => m.compileFromTrainingConfig({ loss: { a: 'mse', b: 'mae' }, optimizer_config: { class_name: 'Adam', config: {} } })).toThrow(/names output\(s\) "a", "b", but the model's outputs are "dense/);
    expect(() => m.compileFromTrainingConfig({ loss: 'nope', optimizer_config: { class_name: 'Adam', config: {} } })).toThrow(UnsupportedError);
  });
});
