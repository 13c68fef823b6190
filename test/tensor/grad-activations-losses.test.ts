import { afterAll, describe, expect, it } from 'vitest';
import {
  activation,
  alphaDropout,
  binaryCrossentropy,
  categoricalCrossentropy,
  dropout,
  huber,
  logSoftmax,
  meanSquaredError,
  Random,
  softmax,
  sparseCategoricalCrossentropy,
  type Tensor,
  vectorActivation,
} from '../../src/tensor/index.js';
import { componentsChecked, gradCheck, makeLeaf, randomLeaf } from '../helpers/gradcheck.js';

function expectGradientsMatch(f: (...t: Tensor[]) => Tensor, inputs: readonly Tensor[]): void {
  const { checked, failures } = gradCheck(f, inputs);
  expect(failures).toEqual([]);
  expect(checked).toBe(inputs.reduce((n, t) => n + t.size, 0));
}

/** Rows of positive values summing to 1 (a probability prediction or target). */
function distributions(rng: Random, rows: number, classes: number): Tensor {
  const d = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let c = 0; c < classes; c++) {
      const v = rng.uniform(0.1, 1);
      d[r * classes + c] = v;
      s += v;
    }
    for (let c = 0; c < classes; c++) d[r * classes + c] = d[r * classes + c]! / s;
  }
  return makeLeaf(d, [rows, classes]);
}

function labels(rng: Random, rows: number, classes: number): Int32Array {
  return Int32Array.from({ length: rows }, () => rng.int(classes));
}

describe('gradients of softmax and logSoftmax', () => {
  const axes: readonly [readonly number[], number][] = [
    [[3, 5], -1],
    [[3, 5], 0],
    [[2, 3, 4], 1],
    [[2, 3, 4], -1],
  ];
  for (const [shape, axis] of axes) {
    it(`softmax over axis ${axis} of [${shape.join(', ')}] matches its central differences`, () => {
      expectGradientsMatch((x) => softmax(x!, axis), [randomLeaf(new Random(500 + axis), shape)]);
    });
    it(`logSoftmax over axis ${axis} of [${shape.join(', ')}] matches its central differences`, () => {
      expectGradientsMatch(
        (x) => logSoftmax(x!, axis),
        [randomLeaf(new Random(510 + axis), shape)],
      );
    });
  }

  it('vectorActivation with the catalogue name softmax equals softmax', () => {
    const x = randomLeaf(new Random(520), [2, 4]);
    expect(vectorActivation(x, 'softmax', {}, -1).toArray()).toEqual(softmax(x).toArray());
  });
});

describe('gradients of catalogue activations as tensor ops', () => {
  const entries: readonly [string, Readonly<Record<string, number | string>>][] = [
    ['relu', {}],
    ['gelu', {}],
    ['gelu', { approximate: 'tanh' }],
    ['sigmoid', {}],
    ['elu', { alpha: 0.7 }],
    ['swish', {}],
    ['leaky_relu', { negative_slope: 0.1 }],
  ];
  entries.forEach(([name, params], k) => {
    it(`${name} ${JSON.stringify(params)} matches its central differences`, () => {
      expectGradientsMatch(
        (x) => activation(x!, name, params),
        [randomLeaf(new Random(600 + k), [3, 7])],
      );
    });
  });
});

describe('gradients of the losses', () => {
  it('sparse categorical cross-entropy from logits', () => {
    const rng = new Random(700);
    const y = labels(rng, 5, 4);
    expectGradientsMatch(
      (z) => sparseCategoricalCrossentropy(z!, y, { fromLogits: true }),
      [randomLeaf(rng, [5, 4])],
    );
  });

  it('sparse categorical cross-entropy from probabilities', () => {
    const rng = new Random(701);
    const y = labels(rng, 5, 4);
    expectGradientsMatch((p) => sparseCategoricalCrossentropy(p!, y), [distributions(rng, 5, 4)]);
  });

  it('sparse categorical cross-entropy over a [2, 3, 4] prediction (one label per position)', () => {
    const rng = new Random(702);
    const y = labels(rng, 6, 4);
    expectGradientsMatch(
      (z) => sparseCategoricalCrossentropy(z!, y, { fromLogits: true }),
      [randomLeaf(rng, [2, 3, 4])],
    );
  });

  it('categorical cross-entropy from logits, for prediction and target', () => {
    const rng = new Random(703);
    expectGradientsMatch(
      (z, t) => categoricalCrossentropy(z!, t!, { fromLogits: true }),
      [randomLeaf(rng, [4, 3]), distributions(rng, 4, 3)],
    );
  });

  it('categorical cross-entropy from probabilities, for prediction and target', () => {
    const rng = new Random(704);
    expectGradientsMatch(
      (p, t) => categoricalCrossentropy(p!, t!),
      [distributions(rng, 4, 3), distributions(rng, 4, 3)],
    );
  });

  it('binary cross-entropy from logits, for prediction and target', () => {
    const rng = new Random(705);
    expectGradientsMatch(
      (z, t) => binaryCrossentropy(z!, t!, { fromLogits: true }),
      [randomLeaf(rng, [4, 3], [-6, 6]), randomLeaf(rng, [4, 3], [0, 1])],
    );
  });

  it('binary cross-entropy from probabilities, for prediction and target', () => {
    const rng = new Random(706);
    expectGradientsMatch(
      (p, t) => binaryCrossentropy(p!, t!),
      [randomLeaf(rng, [4, 3], [0.05, 0.95]), randomLeaf(rng, [4, 3], [0, 1])],
    );
  });

  it('mean squared error, for prediction and target', () => {
    const rng = new Random(707);
    expectGradientsMatch(
      (p, t) => meanSquaredError(p!, t!),
      [randomLeaf(rng, [3, 4]), randomLeaf(rng, [3, 4])],
    );
  });

  it('huber with delta 0.5 (both branches), for prediction and target', () => {
    const rng = new Random(708);
    expectGradientsMatch(
      (p, t) => huber(p!, t!, 0.5),
      [randomLeaf(rng, [4, 4]), randomLeaf(rng, [4, 4])],
    );
  });
});

describe('gradients of dropout with a fixed seed', () => {
  it('dropout at rate 0.4 matches its central differences', () => {
    const x = randomLeaf(new Random(800), [4, 6]);
    expectGradientsMatch((a) => dropout(a!, 0.4, new Random(9)), [x]);
  });

  it('alpha dropout at rate 0.3 matches its central differences', () => {
    const x = randomLeaf(new Random(801), [4, 6]);
    expectGradientsMatch((a) => alphaDropout(a!, 0.3, new Random(9)), [x]);
  });
});

afterAll(() => {
  console.log(`grad-activations-losses: ${componentsChecked()} gradient components checked`);
});
