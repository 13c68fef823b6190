import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BatchNormalization,
  type Dense,
  Dropout,
  Input,
  LearningRateScheduler,
  type Model,
  ModelCheckpoint,
  mlp,
  modelFromDescription,
  PReLU,
  RReLU,
  Sequential,
} from '../../src/nn/index.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const inference = { training: false, rng: new Random(0), trace: null };
const training = { training: true, rng: new Random(0), trace: null };

function chain(
  shape: number[],
  ...layers: (Dense | Dropout | RReLU | PReLU | BatchNormalization)[]
): Model {
  return new Sequential([Input({ shape }), ...layers], { dtype: 'float64' }).buildIfKnown();
}

const X = new Tensor(Float64Array.from([-2, -1, 0.5, 3, -0.25, 4]), [2, 3]);

describe('layer behaviour in training and inference', () => {
  it('RReLU uses the mean slope (lower + upper) / 2 at inference', () => {
    const y = chain([3], new RReLU({ lower: 0.1, upper: 0.3 })).forward([X], inference)[0]!;
    expect(Array.from(y.data)).toEqual(Array.from(X.data, (v) => (v > 0 ? v : v * 0.2)));
  });

  it('RReLU draws each negative slope from U(lower, upper) in training', () => {
    const x = new Tensor(new Float64Array(2000).fill(-1), [1000, 2]);
    const y = chain([2], new RReLU({ lower: 0.1, upper: 0.3 })).forward([x], training)[0]!;
    const slopes = Array.from(y.data, (v) => -v);
    expect(Math.min(...slopes)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...slopes)).toBeLessThanOrEqual(0.3);
    expect(new Set(slopes).size).toBeGreaterThan(1900);
    expect(Math.abs(slopes.reduce((a, b) => a + b, 0) / slopes.length - 0.2)).toBeLessThan(0.005);
  });

  it('PReLU starts at slope 0.25 (PyTorch) and has one slope per channel with shared axes', () => {
    const model = chain([2, 2, 3], new PReLU({ sharedAxes: [1, 2] }));
    expect(model.weights[0]!.shape).toEqual([1, 1, 3]);
    const x = new Tensor(new Float64Array(12).fill(-4), [1, 2, 2, 3]);
    expect(Array.from(model.forward([x], inference)[0]!.data)).toEqual(new Array(12).fill(-1));
  });

  it('Dropout is the identity at inference', () => {
    const y = chain([3], new Dropout({ rate: 0.5 })).forward([X], inference)[0]!;
    expect(Array.from(y.data)).toEqual(Array.from(X.data));
  });

  it('BatchNormalization moves its statistics by (1 − momentum) toward the batch, and uses them at inference', () => {
    const bn = new BatchNormalization({ momentum: 0.9, epsilon: 1e-3 });
    const model = chain([3], bn);
    model.forward([X], training);
    const mean = [(-2 + 3) / 2, (-1 - 0.25) / 2, (0.5 + 4) / 2];
    const variance = [6.25, 0.140625, 1.75 ** 2 * 1];
    bn.movingMean!.tensor.data.forEach((v, j) => {
      expect(v).toBeCloseTo(0.1 * mean[j]!, 14);
    });
    bn.movingVariance!.tensor.data.forEach((v, j) => {
      expect(v).toBeCloseTo(0.9 + 0.1 * variance[j]!, 14);
    });
    const y = model.forward([X], inference)[0]!;
    for (let i = 0; i < 6; i++) {
      const j = i % 3;
      const expected = (X.data[i]! - 0.1 * mean[j]!) / Math.sqrt(0.9 + 0.1 * variance[j]! + 1e-3);
      expect(y.data[i]).toBeCloseTo(expected, 12);
    }
  });

  it('BatchNormalization in training gives each channel mean 0 and variance v / (v + eps)', () => {
    const y = chain([3], new BatchNormalization({ epsilon: 1e-3 })).forward([X], training)[0]!;
    for (let j = 0; j < 3; j++) {
      const col = [y.data[j]!, y.data[3 + j]!];
      expect(col[0]! + col[1]!).toBeCloseTo(0, 12);
    }
    // Channel 0: values -2 and 3, variance 6.25.
    expect(y.data[3]! ** 2).toBeCloseTo(6.25 / (6.25 + 1e-3), 12);
  });
});

describe('callbacks that change or save the run', () => {
  it('LearningRateScheduler sets the rate from schedule(epoch, rate) at each epoch start', async () => {
    const model = mlp({ inputShape: [2], hidden: [3], outputs: 2 });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const seen: number[] = [];
    const halve = new LearningRateScheduler((epoch, lr) => {
      seen.push(lr);
      return epoch === 0 ? lr : lr / 2;
    });
    const x = new Tensor(new Float32Array(8), [4, 2]);
    await model.fit(x, new Int32Array(4), { epochs: 3, verbose: 0, callbacks: [halve] });
    expect(seen).toEqual([0.01, 0.01, 0.005]);
    expect(model.optimizer.currentLearningRate()).toBe(0.0025);
  });

  it('ModelCheckpoint writes one directory per epoch from a {epoch} pattern', async () => {
    const root = mkdtempSync(join(tmpdir(), 'actlab-ckpt-'));
    const model = mlp({ inputShape: [2], hidden: [3], outputs: 2 });
    model.compile({ optimizer: 'sgd', loss: 'sparse_categorical_crossentropy' });
    const x = new Tensor(new Float32Array(8), [4, 2]);
    await model.fit(x, new Int32Array(4), {
      epochs: 2,
      verbose: 0,
      callbacks: [new ModelCheckpoint({ directory: join(root, 'epoch-{epoch}'), monitor: 'loss' })],
    });
    expect(readdirSync(root).sort()).toEqual(['epoch-1', 'epoch-2']);
    expect(readdirSync(join(root, 'epoch-2')).sort()).toEqual([
      'model.json',
      'weights.safetensors',
    ]);
  });
});

describe('models described by JSON', () => {
  it('builds a ready-made mlp from {"model": "mlp", ...}', () => {
    const model = modelFromDescription({
      model: 'mlp',
      inputShape: [4],
      hidden: [8],
      outputs: 3,
      activation: 'tanh',
    });
    expect(model.countParams()).toBe(4 * 8 + 8 + 8 * 3 + 3);
  });

  it('builds a layer list from {"inputShape", "layers"}', () => {
    const model = modelFromDescription({
      inputShape: [5],
      layers: [
        { className: 'Dense', config: { units: 4, activation: 'elu' } },
        { className: 'Dropout', config: { rate: 0.1 } },
        { className: 'Dense', config: { units: 2, activation: 'softmax' } },
      ],
    });
    expect(model.layers.map((l) => l.className)).toEqual(['Dense', 'Dropout', 'Dense']);
    expect(model.countParams()).toBe(24 + 10);
  });

  it('refuses an unknown ready-made model and a description without layers', () => {
    expect(() => modelFromDescription({ model: 'resnet' })).toThrow(/valid: mlp, lenet5/);
    expect(() => modelFromDescription({ inputShape: [2] })).toThrow(
      /needs "inputShape" and "layers"/,
    );
  });
});
