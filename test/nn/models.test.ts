import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveElementwise } from '../../src/activations/index.js';
import {
  Activation,
  Adam,
  Add,
  BatchNormalization,
  type Callback,
  Concatenate,
  Conv2D,
  CSVLogger,
  Dense,
  Dropout,
  EarlyStopping,
  GlobalAveragePooling2D,
  Input,
  LayerNormalization,
  type LayerTrace,
  LoadError,
  lenet5,
  loadModel,
  Model,
  mlp,
  modelFromJson,
  modelToJson,
  PReLU,
  RReLU,
  Sequential,
} from '../../src/nn/index.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

function randomTensor(
  shape: number[],
  seed: number,
  dtype: 'float32' | 'float64' = 'float32',
): Tensor {
  const rng = new Random(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = rng.normal();
  return new Tensor(data, shape);
}

function labels(n: number, classes: number, seed: number): Int32Array {
  const rng = new Random(seed);
  return Int32Array.from({ length: n }, () => rng.int(classes));
}

describe('parameter counts and the summary table', () => {
  it('counts 697,046 parameters for the Keras example LeNet-5 on 32x32x3, layer by layer as published', () => {
    const model = lenet5({ inputShape: [32, 32, 3] });
    expect(model.countParams()).toBe(697_046);
    expect(model.layers.map((l) => l.countParams())).toEqual([
      456, 0, 2_416, 0, 48_120, 0, 645_204, 850,
    ]);
  });

  it('prints the Keras table: header, one row per layer, totals with thousands separators', () => {
    const text = lenet5({ inputShape: [32, 32, 3], name: 'lenet' }).summary();
    const lines = text.split('\n');
    expect(lines[0]).toBe('Model: "lenet"');
    expect(lines[1]).toMatch(/^_+$/);
    expect(lines[2]).toMatch(/^ Layer \(type\) +Output Shape +Param #$/);
    expect(lines[3]).toMatch(/^=+$/);
    const rows = lines.slice(4, 12);
    expect(rows[0]).toMatch(/^ conv2d\S* \(Conv2D\) +\(None, 32, 32, 6\) +456$/);
    expect(rows[1]).toMatch(/\(MaxPooling2D\) +\(None, 16, 16, 6\) +0$/);
    expect(rows[5]).toMatch(/\(Flatten\) +\(None, 7680\) +0$/);
    expect(rows[6]).toMatch(/\(Dense\) +\(None, 84\) +645,204$/);
    expect(lines.slice(12)).toEqual([
      lines[3],
      'Total params: 697,046',
      'Trainable params: 697,046',
      'Non-trainable params: 0',
      lines[1],
    ]);
  });

  it('counts batch-norm moving statistics as non-trainable', () => {
    const model = new Sequential([
      Input({ shape: [3] }),
      new Dense({ units: 4 }),
      new BatchNormalization(),
    ]);
    expect(model.summary()).toContain('Non-trainable params: 8');
    expect(model.summary()).toContain('Trainable params: 24');
  });

  it('adds a Connected to column for functional models', () => {
    const x = Input({ shape: [4], name: 'features' });
    const h = new Dense({ units: 4, name: 'hidden' }).apply(x);
    const model = new Model({ inputs: x, outputs: new Add({ name: 'skip' }).apply([x, h]) });
    const text = model.summary();
    expect(text).toMatch(/Connected to/);
    expect(text).toMatch(/skip \(Add\) +\(None, 4\) +0 +features, hidden/);
  });
});

describe('training', () => {
  it('obeys the linear-collapse law: a trained linear MLP is one affine map (float64, to 1e-9)', async () => {
    const model = mlp({
      inputShape: [3],
      hidden: [6, 5],
      outputs: 2,
      activation: 'linear',
      outputActivation: 'linear',
      dtype: 'float64',
      seed: 4,
    });
    model.compile({ optimizer: 'adam', loss: 'mse' });
    const x = randomTensor([64, 3], 1, 'float64');
    const y = new Tensor(Float64Array.from(x.data, (v) => Math.sin(3 * v)).slice(0, 128), [64, 2]);
    await model.fit(x, y, { epochs: 5, batchSize: 16, verbose: 0 });
    // Fold the layers: W = W1 W2 W3, b = (b1 W2 + b2) W3 + b3.
    let W: number[][] = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    let b = [0, 0, 0];
    for (const layer of model.layers) {
      const [kernel, bias] = layer.weights.map((w) => w.tensor);
      const [inDim, outDim] = kernel!.shape as [number, number];
      const k = (i: number, j: number) => kernel!.data[i * outDim + j]!;
      W = W.map((row) =>
        Array.from({ length: outDim }, (_, j) => row.reduce((s, v, i) => s + v * k(i, j), 0)),
      );
      b = Array.from(
        { length: outDim },
        (_, j) => b.reduce((s, v, i) => s + v * k(i, j), 0) + bias!.data[j]!,
      );
      expect(inDim).toBe(W.length === 3 ? inDim : inDim);
    }
    const pred = model.predict(x);
    for (let r = 0; r < 64; r++) {
      for (let j = 0; j < 2; j++) {
        const affine = b[j]! + [0, 1, 2].reduce((s, i) => s + x.data[r * 3 + i]! * W[i]![j]!, 0);
        expect(Math.abs(pred.data[r * 2 + j]! - affine)).toBeLessThan(1e-9);
      }
    }
  });

  it('gives bitwise identical weights for the same seed, with dropout, RReLU and shuffling', async () => {
    const run = async (seed: number) => {
      const model = new Sequential(
        [
          Input({ shape: [5] }),
          new Dense({ units: 8 }),
          new RReLU(),
          new Dropout({ rate: 0.3 }),
          new Dense({ units: 3, activation: 'softmax' }),
        ],
        { seed },
      );
      model.compile({
        optimizer: 'adam',
        loss: 'sparse_categorical_crossentropy',
        metrics: ['acc'],
      });
      await model.fit(randomTensor([40, 5], 2), labels(40, 3, 3), {
        epochs: 3,
        batchSize: 8,
        verbose: 0,
      });
      return model.getWeights().flatMap((t) => Array.from(t.data));
    };
    const a = await run(11);
    const b = await run(11);
    const c = await run(12);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('reduces the training loss on a learnable problem and reports it in History', async () => {
    const model = mlp({ inputShape: [4], hidden: [16], outputs: 3, activation: 'gelu', seed: 1 });
    model.compile({
      optimizer: new Adam({ learningRate: 0.02 }),
      loss: 'sparse_categorical_crossentropy',
      metrics: ['acc'],
    });
    const x = randomTensor([90, 4], 5);
    const y = Int32Array.from({ length: 90 }, (_, i) =>
      x.data[i * 4]! > 0.5 ? 2 : x.data[i * 4]! > -0.5 ? 1 : 0,
    );
    const h = await model.fit(x, y, {
      epochs: 30,
      batchSize: 15,
      verbose: 0,
      validationSplit: 0.2,
    });
    expect(h.epoch).toHaveLength(30);
    expect(Object.keys(h.history)).toEqual(['loss', 'acc', 'val_loss', 'val_acc']);
    expect(h.history['loss']![29]!).toBeLessThan(h.history['loss']![0]! / 2);
  });

  it('writes the Keras progress bar, one line per epoch on a non-terminal stream', async () => {
    const model = mlp({ inputShape: [2], hidden: [4], outputs: 2, activation: 'sigmoid' });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy', metrics: ['acc'] });
    let text = '';
    await model.fit(randomTensor([20, 2], 1), labels(20, 2, 1), {
      epochs: 2,
      batchSize: 8,
      stream: { write: (s: string) => (text += s), isTTY: false },
      validationData: [randomTensor([6, 2], 2), labels(6, 2, 2)],
    });
    const lines = text.trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe('Epoch 1/2');
    expect(lines[1]).toMatch(
      /^3\/3 \[={30}\] - \d+m?s \d+(ms|us|s)\/step - loss: \d\.\d{4} - acc: \d\.\d{4} - val_loss: \d\.\d{4} - val_acc: \d\.\d{4}$/,
    );
  });
});

describe('callbacks', () => {
  it('hand a LayerTrace whose pre-activation gradient is the output gradient times f′ (chain rule)', async () => {
    const model = mlp({
      inputShape: [3],
      hidden: [5],
      outputs: 2,
      activation: 'gelu',
      dtype: 'float64',
    });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    let last: LayerTrace | null = null;
    const probe: Callback = {
      needsTrace: true,
      onBatchEnd: (_b, _l, { trace }) => {
        last = trace;
      },
    };
    await model.fit(randomTensor([8, 3], 1), labels(8, 2, 1), {
      epochs: 1,
      batchSize: 8,
      verbose: 0,
      callbacks: [probe],
    });
    const trace = last as unknown as LayerTrace;
    expect(trace.map((e) => e.className)).toEqual(['Dense', 'Dense']);
    const hidden = trace[0]!;
    expect(hidden.activation).toBe('gelu');
    expect(hidden.preActivation!.shape).toEqual([8, 5]);
    const { spec, params } = resolveElementwise('gelu');
    const gy = hidden.outputGrad!.data;
    const gz = hidden.preActivationGrad!.data;
    const z = hidden.preActivation!.data;
    for (let i = 0; i < z.length; i++) {
      expect(gz[i]).toBeCloseTo(gy[i]! * spec.df(z[i]!, params), 12);
    }
    expect(hidden.weights.map((w) => w.name)).toEqual([
      `${model.layers[0]!.name}/kernel`,
      `${model.layers[0]!.name}/bias`,
    ]);
    expect(hidden.weights.every((w) => w.grad !== null)).toBe(true);
  });

  it('EarlyStopping stops after patience epochs without improvement and restores the best weights', () => {
    const saved: number[] = [];
    let current = 0;
    const fake = {
      stopTraining: false,
      getWeights: () => {
        saved.push(current);
        return [];
      },
      setWeights: () => {
        current = saved[saved.length - 1]!;
      },
    } as unknown as Model;
    const es = new EarlyStopping({ monitor: 'val_loss', patience: 2, restoreBestWeights: true });
    es.onTrainBegin();
    const losses = [1.0, 0.5, 0.7, 0.6, 0.4];
    for (let epoch = 0; epoch < losses.length && !fake.stopTraining; epoch++) {
      current = epoch;
      es.onEpochEnd(epoch, { val_loss: losses[epoch]! }, { model: fake, trace: null });
    }
    expect(es.stoppedEpoch).toBe(3);
    expect(current).toBe(1);
  });

  it('CSVLogger writes a header and one row per epoch', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actlab-csv-'));
    const file = join(dir, 'log.csv');
    const model = mlp({ inputShape: [2], hidden: [3], outputs: 2 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy', metrics: ['acc'] });
    await model.fit(randomTensor([10, 2], 1), labels(10, 2, 1), {
      epochs: 3,
      verbose: 0,
      callbacks: [new CSVLogger(file)],
    });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe('epoch,loss,acc');
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['0', '1', '2']);
  });
});

describe('saving and loading', () => {
  function richModel(): Model {
    const x = Input({ shape: [6, 6, 2] });
    const c = new Conv2D({
      filters: 3,
      kernelSize: 3,
      padding: 'same',
      activation: 'leaky_relu',
      activationParams: { negative_slope: 0.2 },
    }).apply(x);
    const n = new BatchNormalization().apply(c);
    const p = new PReLU({ sharedAxes: [1, 2] }).apply(n);
    const g = new GlobalAveragePooling2D().apply(p);
    const d = new Dense({ units: 3, kernelRegularizer: { name: 'l2', l2: 0.001 } }).apply(g);
    const e = new LayerNormalization().apply(d);
    const cat = new Concatenate().apply([e, d]);
    const out = new Activation({ activation: 'softmax' }).apply(new Dense({ units: 4 }).apply(cat));
    return new Model({ inputs: x, outputs: out, seed: 5 });
  }

  it('round-trips a functional model: identical predictions, and no temporary files left', async () => {
    const model = richModel();
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const x = randomTensor([5, 6, 6, 2], 3);
    await model.fit(x, labels(5, 4, 1), { epochs: 2, verbose: 0 });
    const dir = join(mkdtempSync(join(tmpdir(), 'actlab-save-')), 'model');
    await model.save(dir);
    expect(readdirSync(dir).sort()).toEqual(['model.json', 'weights.safetensors']);
    const loaded = await loadModel(dir);
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
    expect(loaded.countParams()).toBe(model.countParams());
  });

  it('round-trips a Sequential float64 model', async () => {
    const model = mlp({
      inputShape: [3],
      hidden: [4],
      outputs: 2,
      activation: 'gelu',
      dtype: 'float64',
      seed: 2,
    });
    const dir = join(mkdtempSync(join(tmpdir(), 'actlab-save-')), 'm');
    await model.save(dir);
    const loaded = await loadModel(dir);
    expect(loaded.className).toBe('Sequential');
    expect(loaded.dtype).toBe('float64');
    const x = randomTensor([4, 3], 1, 'float64');
    expect(Array.from(loaded.predict(x).data)).toEqual(Array.from(model.predict(x).data));
  });

  it('refuses class names outside the allow-list and prototype keys with a LoadError', () => {
    const doc = modelToJson(mlp({ inputShape: [2], hidden: [2], outputs: 2 })) as Record<
      string,
      unknown
    >;
    const layers = structuredClone(doc['layers']) as { className: string }[];
    layers[1]!.className = 'Lambda';
    expect(() => modelFromJson({ ...doc, layers })).toThrow(LoadError);
    expect(() => modelFromJson({ ...doc, layers })).toThrow(
      /unknown layer class 'Lambda' \(valid: InputLayer, Dense/,
    );
    expect(() => modelFromJson(JSON.parse('{"__proto__": {"x": 1}}'))).toThrow(LoadError);
    const badAct = structuredClone(doc['layers']) as { config: Record<string, unknown> }[];
    badAct[1]!.config['activation'] = 'eval';
    expect(() => modelFromJson({ ...doc, layers: badAct })).toThrow(/unknown activation 'eval'/);
  });
});

describe('bad input', () => {
  it('names both shapes and the layer when a merge does not fit', () => {
    const a = Input({ shape: [4] });
    const b = Input({ shape: [5] });
    expect(() => new Add({ name: 'merge_here' }).apply([a, b])).toThrow(
      /merge_here.*\(None, 4\) and \(None, 5\)/,
    );
  });

  it('names both shapes and the layer (or model) when data does not fit', () => {
    const model = mlp({ inputShape: [3], hidden: [4], outputs: 2, name: 'small' });
    expect(() => model.predict(randomTensor([2, 5], 1))).toThrow(
      /model small expects input \(None, 3\) but the data is \(None, 5\)/,
    );
    const dense = model.layers[0]!;
    const ctx = { training: false, rng: new Random(0), trace: null };
    expect(() => dense.run([randomTensor([2, 5], 1)], ctx)).toThrow(
      new RegExp(
        `${dense.name} \\(Dense\\) expects input shape \\(None, 3\\) but got \\(None, 5\\)`,
      ),
    );
  });

  it('lists the valid names for an unknown loss, metric, optimizer or initializer', () => {
    const model = mlp({ inputShape: [3], hidden: [4], outputs: 2 });
    expect(() => model.compile({ loss: 'hinge' })).toThrow(
      /unknown loss 'hinge'.*valid: sparse_categorical_crossentropy/,
    );
    expect(() => model.compile({ loss: 'mse', metrics: ['f1'] })).toThrow(/unknown metric 'f1'/);
    expect(() => model.compile({ loss: 'mse', optimizer: 'lion' })).toThrow(
      /unknown optimizer 'lion'/,
    );
    expect(() => new Dense({ units: 2, kernelInitializer: 'xavier' })).toThrow(
      /unknown initializer 'xavier'/,
    );
  });

  it('refuses a non-positive unit count and an unknown activation', () => {
    expect(() => new Dense({ units: 0 })).toThrow(/units must be a positive integer/);
    expect(() => new Dense({ units: 2, activation: 'relux' })).toThrow(
      /unknown activation 'relux'/,
    );
  });
});
