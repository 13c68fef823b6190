/**
 * Training on the wasm backend follows the js reference: the same seeded
 * model, data and optimizer give the same losses and weights up to float32
 * rounding in a different summation order (a loose tolerance, since a few
 * steps of Adam carry those differences along).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { loadMnistDigits } from '../../src/data/mnist-digits.js';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import type { Model } from '../../src/nn/model.js';
import { Adam, type Optimizer, SGD } from '../../src/nn/optimizers.js';
import { lenet5, mlp } from '../../src/nn/zoo.js';
import { Tensor } from '../../src/tensor/index.js';

const initial = getBackend().name;
afterEach(() => {
  setBackend(initial);
});

interface Run {
  readonly losses: number[];
  readonly weights: Float32Array[];
}

async function train(
  backend: 'js' | 'wasm',
  build: () => Model,
  flat: boolean,
  samples: number,
  batchSize: number,
  optimizer: () => Optimizer,
): Promise<Run> {
  setBackend(backend);
  const { train } = loadMnistDigits({ train: samples, test: 0, seed: 1 });
  const shape = flat ? [samples, 784] : train.xShape;
  const model = build();
  model.compile({ optimizer: optimizer(), loss: 'sparse_categorical_crossentropy' });
  const h = await model.fit(new Tensor(train.x, shape), train.y, {
    batchSize,
    epochs: 2,
    verbose: 0,
    seed: 3,
  });
  return {
    losses: h.history['loss'] ?? [],
    weights: model.getWeights().map((w) => Float32Array.from(w.data)),
  };
}

function expectSameRun(wasm: Run, js: Run, weightTolerance: number): void {
  expect(wasm.losses.length).toBe(2);
  for (let e = 0; e < js.losses.length; e++) {
    expect(Math.abs(wasm.losses[e]! - js.losses[e]!)).toBeLessThanOrEqual(1e-3 * js.losses[e]!);
  }
  expect(wasm.weights.length).toBe(js.weights.length);
  let worst = 0;
  js.weights.forEach((w, i) => {
    const v = wasm.weights[i]!;
    for (let j = 0; j < w.length; j++) worst = Math.max(worst, Math.abs(v[j]! - w[j]!));
  });
  expect(worst).toBeLessThan(weightTolerance);
}

describe('training on the wasm backend', () => {
  it('gives the losses and weights of the js backend for an MLP', async () => {
    const build = () => mlp({ inputShape: [784], hidden: [128, 64], outputs: 10, seed: 5 });
    const adam = () => new Adam({ learningRate: 1e-3 });
    const js = await train('js', build, true, 512, 64, adam);
    const wasm = await train('wasm', build, true, 512, 64, adam);
    expect(js.losses[1]!).toBeLessThan(js.losses[0]!);
    // Adam moves each weight by about 1e-3 per step: the backends agree far closer than one step.
    expectSameRun(wasm, js, 1e-4);
  });

  it('gives the losses and weights of the js backend for LeNet-5', async () => {
    const build = () => lenet5({ inputShape: [28, 28, 1], seed: 5 });
    // SGD with momentum: Adam would turn the sign of a gradient that is rounding noise
    // (a unit that barely contributes) into a full step, on one backend and not the other.
    const sgd = () => new SGD({ learningRate: 0.05, momentum: 0.9 });
    const js = await train('js', build, false, 128, 32, sgd);
    const wasm = await train('wasm', build, false, 128, 32, sgd);
    expect(js.losses[1]!).toBeLessThan(js.losses[0]!);
    expectSameRun(wasm, js, 1e-4);
  }, 60_000);
});
