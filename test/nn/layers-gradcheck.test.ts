import { describe, expect, it } from 'vitest';
import {
  Activation,
  Add,
  AlphaDropout,
  AveragePooling2D,
  BatchNormalization,
  Concatenate,
  Conv2D,
  Dense,
  Dropout,
  Flatten,
  GatedDense,
  GlobalAveragePooling2D,
  Input,
  type Layer,
  LayerNormalization,
  Maxout,
  MaxPooling2D,
  Model,
  PReLU,
  Residual,
  RReLU,
  Sequential,
} from '../../src/nn/index.js';
import { gradCheck } from './gradcheck.js';

function chain(inputShape: number[], layers: Layer[]): Model {
  return new Sequential([Input({ shape: inputShape }), ...layers], {
    dtype: 'float64',
    seed: 3,
  }).buildIfKnown();
}

function expectGradientsMatch(
  model: Model,
  inputShapes: number[][],
  opts: Parameters<typeof gradCheck>[2] = {},
): void {
  const { checked, failures } = gradCheck(model, inputShapes, opts);
  expect(failures).toEqual([]);
  expect(checked).toBeGreaterThan(10);
}

const cases: [string, () => Model, number[][], Parameters<typeof gradCheck>[2]?][] = [
  [
    'Dense with a gelu activation',
    () => chain([5], [new Dense({ units: 4, activation: 'gelu' })]),
    [[3, 5]],
  ],
  [
    'Dense on a rank-3 input',
    () => chain([2, 5], [new Dense({ units: 3, activation: 'sigmoid' })]),
    [[2, 2, 5]],
  ],
  [
    'Dense with leaky_relu parameters and an l1_l2 regularizer',
    () =>
      chain(
        [4],
        [
          new Dense({
            units: 3,
            activation: 'leaky_relu',
            activationParams: { negative_slope: 0.2 },
            kernelRegularizer: 'l1_l2',
          }),
        ],
      ),
    [[3, 4]],
  ],
  [
    "Conv2D with 'same' padding and stride 2",
    () =>
      chain(
        [6, 5, 2],
        [
          new Conv2D({
            filters: 3,
            kernelSize: 3,
            strides: 2,
            padding: 'same',
            activation: 'gelu',
          }),
        ],
      ),
    [[2, 6, 5, 2]],
  ],
  [
    "Conv2D with 'valid' padding and dilation 2",
    () => chain([7, 7, 2], [new Conv2D({ filters: 2, kernelSize: [3, 2], dilationRate: 2 })]),
    [[2, 7, 7, 2]],
  ],
  ['MaxPooling2D', () => chain([4, 6, 2], [new MaxPooling2D({ poolSize: 2 })]), [[2, 4, 6, 2]]],
  [
    "MaxPooling2D with 'same' padding and stride 1",
    () => chain([3, 4, 2], [new MaxPooling2D({ poolSize: 2, strides: 1, padding: 'same' })]),
    [[2, 3, 4, 2]],
  ],
  [
    'AveragePooling2D',
    () => chain([5, 4, 2], [new AveragePooling2D({ poolSize: 2, padding: 'same' })]),
    [[2, 5, 4, 2]],
  ],
  [
    'GlobalAveragePooling2D',
    () => chain([3, 4, 3], [new GlobalAveragePooling2D()]),
    [[2, 3, 4, 3]],
  ],
  [
    'Flatten then Dense',
    () => chain([2, 3, 2], [new Flatten(), new Dense({ units: 2 })]),
    [[2, 2, 3, 2]],
  ],
  [
    'Dropout in training with a fixed seed',
    () => chain([6], [new Dropout({ rate: 0.4 })]),
    [[4, 6]],
    { training: true },
  ],
  [
    'AlphaDropout in training with a fixed seed',
    () => chain([6], [new AlphaDropout({ rate: 0.3 })]),
    [[4, 6]],
    { training: true },
  ],
  [
    'BatchNormalization in training (batch statistics)',
    () => chain([3], [new Dense({ units: 4 }), new BatchNormalization()]),
    [[5, 3]],
    { training: true },
  ],
  [
    'BatchNormalization in inference (moving statistics)',
    () => chain([2, 3], [new BatchNormalization()]),
    [[3, 2, 3]],
  ],
  ['LayerNormalization', () => chain([5], [new LayerNormalization()]), [[3, 5]]],
  [
    'Activation softmax (a vector activation)',
    () => chain([4], [new Activation({ activation: 'softmax' })]),
    [[3, 4]],
  ],
  ...['swish', 'elu', 'snake'].map((id): [string, () => Model, number[][]] => [
    `Activation ${id} with its learnable parameter trained`,
    () => chain([4], [new Activation({ activation: id, learnable: true })]),
    [[3, 4]],
  ]),
  [
    'Dense with a vector activation that halves the features (glu)',
    () => chain([3], [new Dense({ units: 4, activation: 'glu' })]),
    [[2, 3]],
  ],
  [
    'PReLU, one slope per element',
    () => chain([4], [new PReLU({ alphaInitializer: 'random_normal' })]),
    [[3, 4]],
  ],
  [
    'PReLU with shared axes (one slope per channel)',
    () =>
      chain(
        [3, 3, 2],
        [new PReLU({ sharedAxes: [1, 2], alphaInitializer: { name: 'constant', value: -0.3 } })],
      ),
    [[2, 3, 3, 2]],
  ],
  [
    'RReLU in training (random slopes, fixed seed)',
    () => chain([6], [new RReLU()]),
    [[3, 6]],
    { training: true },
  ],
  ['RReLU in inference (mean slope)', () => chain([6], [new RReLU()]), [[3, 6]]],
  ['Maxout', () => chain([4], [new Maxout({ units: 3, pieces: 3 })]), [[3, 4]]],
  ['GatedDense GLU', () => chain([4], [new GatedDense({ units: 3, activation: 'glu' })]), [[3, 4]]],
  [
    'GatedDense GEGLU',
    () => chain([4], [new GatedDense({ units: 3, activation: 'geglu' })]),
    [[3, 4]],
  ],
  [
    'GatedDense ReGLU',
    () => chain([4], [new GatedDense({ units: 3, activation: 'reglu' })]),
    [[3, 4]],
  ],
  [
    'GatedDense SwiGLU',
    () => chain([4], [new GatedDense({ units: 3, activation: 'swiglu' })]),
    [[3, 4]],
  ],
  [
    'Residual block',
    () =>
      chain(
        [4],
        [
          new Residual({
            layers: [new Dense({ units: 5, activation: 'gelu' }), new Dense({ units: 4 })],
          }),
        ],
      ),
    [[3, 4]],
  ],
];

describe('every layer passes a float64 finite-difference gradient check', () => {
  for (const [name, make, shapes, opts] of cases) {
    it(`${name}: autograd matches central differences for the input and every weight`, () => {
      expectGradientsMatch(make(), shapes, opts);
    });
  }

  it('Add and Concatenate in a functional graph with a skip connection', () => {
    const x = Input({ shape: [4] });
    const a = new Dense({ units: 4, activation: 'gelu' }).apply(x);
    const s = new Add().apply([x, a]);
    const c = new Concatenate().apply([s, new Dense({ units: 2 }).apply(x)]);
    const model = new Model({
      inputs: x,
      outputs: new Dense({ units: 3 }).apply(c),
      dtype: 'float64',
    });
    expectGradientsMatch(model, [[3, 4]]);
  });

  it('a model with two inputs sends each its own gradient', () => {
    const a = Input({ shape: [3] });
    const b = Input({ shape: [2] });
    const c = new Concatenate().apply([a, b]);
    const model = new Model({
      inputs: [a, b],
      outputs: new Dense({ units: 2, activation: 'sigmoid' }).apply(c),
      dtype: 'float64',
    });
    expectGradientsMatch(model, [
      [2, 3],
      [2, 2],
    ]);
  });
});
