import { describe, expect, it } from 'vitest';
import {
  ActivationStats,
  Advisor,
  DeadUnits,
  derivativeMaximum,
  GradientFlow,
  localDerivative,
  Saturation,
} from '../../src/diagnostics/index.js';
import {
  Dense,
  Dropout,
  Input,
  type Layer,
  mlp,
  PReLU,
  Sequential,
  SGD,
} from '../../src/nn/index.js';
import { Random, Tensor } from '../../src/tensor/index.js';

/** n samples of d features, uniform in [-1, 1], and labels from the sign of the first feature. */
function blobs(n: number, d: number, seed = 0): { x: Tensor; y: Int32Array } {
  const rng = new Random(seed);
  const x = new Float64Array(n * d);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) x[i * d + j] = rng.uniform(-1, 1);
    y[i] = x[i * d]! > 0 ? 1 : 0;
  }
  return { x: new Tensor(x, [n, d]), y };
}

/** One hidden layer whose pre-activations are -100 for every sample (zero kernel, bias -100). */
function negativeLayerModel(activation: string): Sequential {
  return new Sequential(
    [
      Input({ shape: [3] }),
      new Dense({
        units: 5,
        activation,
        kernelInitializer: 'zeros',
        biasInitializer: { name: 'constant', value: -100 },
      }),
      new Dense({ units: 2, activation: 'softmax' }),
    ],
    { seed: 0, dtype: 'float64' },
  ).buildIfKnown();
}

async function fitWith(model: Sequential, callbacks: unknown[], epochs = 1): Promise<void> {
  const { x, y } = blobs(40, model.inputShape[0]!);
  model.compile({
    optimizer: new SGD({ learningRate: 1e-3 }),
    loss: 'sparse_categorical_crossentropy',
  });
  await model.fit(x, y, {
    batchSize: 8,
    epochs,
    verbose: 0,
    seed: 0,
    callbacks: callbacks as never,
  });
}

describe('DeadUnits', () => {
  it('counts a relu layer whose pre-activations are all negative as 100 % dead and 100 % negative', async () => {
    const dead = new DeadUnits();
    await fitWith(negativeLayerModel('relu'), [dead], 2);
    expect(dead.history.map((e) => [e.dead, e.negative])).toEqual([
      [1, 1],
      [1, 1],
    ]);
  });

  it('counts the same layer with leaky_relu as 0 % dead but 100 % negative', async () => {
    const dead = new DeadUnits();
    await fitWith(negativeLayerModel('leaky_relu'), [dead], 2);
    expect(dead.history.map((e) => [e.dead, e.negative])).toEqual([
      [0, 1],
      [0, 1],
    ]);
  });

  it('leaves the output layer out and reports per-layer units', async () => {
    const dead = new DeadUnits();
    await fitWith(negativeLayerModel('relu'), [dead]);
    expect(dead.history[0]!.layers).toHaveLength(1);
    expect(dead.history[0]!.layers[0]!.units).toBe(5);
  });

  it('reads the learnt PReLU slopes: a zero slope makes a negative unit dead, a non-zero one does not', () => {
    const slopes = (value: number) => {
      const layer = new PReLU({ alphaInitializer: { name: 'constant', value } });
      new Sequential([Input({ shape: [4] }), layer], { seed: 0 }).buildIfKnown();
      return localDerivative(layer, 'prelu', [4])!;
    };
    expect(slopes(0)(-1, 3)).toBe(0);
    expect(slopes(0.25)(-1, 3)).toBe(0.25);
    expect(slopes(0.25)(2, 3)).toBe(1);
  });
});

describe('GradientFlow', () => {
  /** A chain of one-unit sigmoid layers with weight 1 and no bias, then a linear output. */
  function sigmoidChain(depth: number): Sequential {
    const layers: Layer[] = [];
    for (let i = 0; i < depth; i++) {
      layers.push(
        new Dense({ units: 1, activation: 'sigmoid', useBias: false, kernelInitializer: 'ones' }),
      );
    }
    layers.push(new Dense({ units: 1, useBias: false, kernelInitializer: 'ones' }));
    return new Sequential([Input({ shape: [1] }), ...layers], {
      seed: 0,
      dtype: 'float64',
    }).buildIfKnown();
  }

  it("shrinks a sigmoid chain's gradient by at least a factor 4 per layer at the same weights", async () => {
    const depth = 8;
    const model = sigmoidChain(depth);
    model.compile({ optimizer: new SGD({ learningRate: 1e-6 }), loss: 'mse' });
    const flow = new GradientFlow();
    // Input 0.5 lies below sigmoid's fixed point, so the outputs rise layer by layer and
    // dL/dW_l / dL/dW_(l+1) = (h_(l-1) / h_l)·σ'(z_l) <= 1/4.
    await model.fit(
      new Tensor(Float64Array.of(0.5), [1, 1]),
      new Tensor(Float64Array.of(10), [1, 1]),
      {
        batchSize: 1,
        epochs: 1,
        verbose: 0,
        callbacks: [flow],
      },
    );
    const norms = flow.history[0]!.layers.map((l) => l.gradNorm);
    expect(norms).toHaveLength(depth + 1);
    for (let l = 0; l + 1 < depth; l++) {
      expect(norms[l]!).toBeGreaterThan(0);
      expect(norms[l]! / norms[l + 1]!).toBeLessThanOrEqual(0.25);
    }
    expect(flow.summary().vanishing).toBe(true);
    expect(flow.summary().exploding).toBe(false);
  });

  it('measures the update against the weights before the step: SGD moves W by lr·‖g‖', async () => {
    const model = sigmoidChain(2);
    const lr = 0.01;
    model.compile({ optimizer: new SGD({ learningRate: lr }), loss: 'mse' });
    const flow = new GradientFlow();
    await model.fit(
      new Tensor(Float64Array.of(0.5), [1, 1]),
      new Tensor(Float64Array.of(3), [1, 1]),
      {
        batchSize: 1,
        epochs: 1,
        verbose: 0,
        callbacks: [flow],
      },
    );
    for (const l of flow.history[0]!.layers) {
      // The weights were 1 before the step: ‖ΔW‖ / ‖W‖ = lr·‖g‖ / 1.
      expect(l.updateRatio).toBeCloseTo(lr * l.gradNorm, 12);
    }
  });

  it('flags exploding gradients when the loss becomes non-finite', () => {
    const flow = new GradientFlow();
    const model = sigmoidChain(2);
    flow.onTrainBegin({ model, trace: null });
    flow.onBatchEnd(0, { batchLoss: 1 });
    flow.onBatchEnd(1, { batchLoss: Number.POSITIVE_INFINITY });
    const s = flow.summary();
    expect(s.exploding).toBe(true);
    expect(s.firstNonFiniteStep).toBe(1);
  });
});

describe('Saturation', () => {
  it('finds the maximum of the derivative: 1/4 for sigmoid, 1 for tanh, none for exponential', () => {
    const m = (id: string) => derivativeMaximum(localDerivative(undefined, id, [1])!);
    expect(m('sigmoid')).toBeCloseTo(0.25, 12);
    expect(m('tanh')).toBeCloseTo(1, 12);
    expect(m('exponential')).toBeNull();
  });

  it('counts pre-activations of -100 as saturated for sigmoid and reports nothing for relu', async () => {
    const sig = new Saturation();
    await fitWith(negativeLayerModel('sigmoid'), [sig]);
    expect(sig.history[0]!.layers.map((l) => l.saturated)).toEqual([1]);
    const relu = new Saturation();
    await fitWith(negativeLayerModel('relu'), [relu]);
    expect(relu.history[0]!.layers).toEqual([]);
  });
});

describe('ActivationStats', () => {
  it('gives mean, std and sparsity of constant outputs exactly', async () => {
    const stats = new ActivationStats();
    await fitWith(negativeLayerModel('relu'), [stats]);
    const l = stats.history[0]!.layers[0]!;
    expect([l.mean, l.std, l.sparsity]).toEqual([0, 0, 1]);
    const sig = new ActivationStats();
    await fitWith(negativeLayerModel('sigmoid'), [sig]);
    const s = sig.history[0]!.layers[0]!;
    expect(s.sparsity).toBe(0);
    // sigmoid(-100) = e^-100 / (1 + e^-100), every sample, every unit.
    expect(s.mean).toBeCloseTo(Math.exp(-100), 50);
  });
});

describe('Advisor', () => {
  async function advise(activation: string, hidden: number[], epochs = 3): Promise<Advisor> {
    const { x, y } = blobs(128, 2, 1);
    const model = mlp({ inputShape: [2], hidden, outputs: 2, activation, seed: 1 });
    model.compile({ optimizer: 'adam', loss: 'sparse_categorical_crossentropy' });
    const advisor = new Advisor();
    await model.fit(x, y, { batchSize: 32, epochs, verbose: 0, seed: 0, callbacks: [advisor] });
    return advisor;
  }

  it('warns about vanishing gradients on a deep sigmoid MLP, with the relu family among the remedies', async () => {
    const advisor = await advise('sigmoid', Array(10).fill(16));
    const w = advisor.warnings().find((x) => x.code === 'vanishing_gradients');
    expect(w?.message).toContain('vanishing gradients');
    expect(w?.remedies.join(' ')).toMatch(/relu/);
    expect(w?.remedies.join(' ')).toMatch(/BatchNormalization/);
  });

  it('stays quiet on a healthy relu MLP and never mentions vanishing', async () => {
    const advisor = await advise('relu', [32, 32], 5);
    expect(advisor.warnings()).toEqual([]);
  });

  it('warns about SELU without lecun_normal, SELU with plain Dropout, and a sigmoid output under MSE', () => {
    const model = new Sequential(
      [
        Input({ shape: [2] }),
        new Dense({ units: 4, activation: 'selu' }),
        new Dropout({ rate: 0.1 }),
        new Dense({ units: 1, activation: 'sigmoid' }),
      ],
      { seed: 0 },
    ).buildIfKnown();
    model.compile({ optimizer: 'sgd', loss: 'mse' });
    const advisor = new Advisor();
    advisor.onTrainBegin({ model, trace: null });
    const codes = advisor.warnings().map((w) => w.code);
    expect(codes).toEqual(['selu_initializer', 'selu_dropout', 'sigmoid_mse']);
    for (const w of advisor.warnings()) expect(w.message).not.toMatch(/vanish/i);
  });
});
