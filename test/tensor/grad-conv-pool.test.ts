import { afterAll, describe, expect, it } from 'vitest';
import {
  avgPool2d,
  type Conv2DOptions,
  conv2d,
  globalAvgPool2d,
  maxPool2d,
  type Pool2DOptions,
  Random,
} from '../../src/tensor/index.js';
import { componentsChecked, gradCheck, randomLeaf } from '../helpers/gradcheck.js';

const convCases: readonly [string, readonly number[], readonly number[], Conv2DOptions][] = [
  ["3x3 'valid'", [2, 5, 5, 2], [3, 3, 2, 3], { padding: 'valid' }],
  ["3x3 'same'", [2, 5, 4, 2], [3, 3, 2, 2], { padding: 'same' }],
  [
    "2x2 'same' (the extra padding goes to the bottom and right)",
    [1, 5, 5, 2],
    [2, 2, 2, 2],
    { padding: 'same' },
  ],
  ["3x3 stride 2 'valid'", [2, 7, 6, 1], [3, 3, 1, 2], { strides: 2, padding: 'valid' }],
  [
    "3x3 stride 2 'same' on an even size",
    [1, 6, 6, 2],
    [3, 3, 2, 2],
    { strides: 2, padding: 'same' },
  ],
  ["3x2 strides [2, 1] 'same'", [1, 5, 4, 2], [3, 2, 2, 3], { strides: [2, 1], padding: 'same' }],
  ["3x3 dilation 2 'valid'", [1, 7, 7, 2], [3, 3, 2, 2], { dilation: 2, padding: 'valid' }],
  ["3x3 dilation 2 'same'", [2, 5, 6, 1], [3, 3, 1, 2], { dilation: 2, padding: 'same' }],
  ['1x1 pointwise', [2, 3, 3, 4], [1, 1, 4, 3], {}],
  ["5x5 'same' on a single channel", [1, 6, 6, 1], [5, 5, 1, 2], { padding: 'same' }],
];

describe('gradients of conv2d', () => {
  convCases.forEach(([name, xs, ws, options], k) => {
    it(`${name} matches its central differences for input and kernel`, () => {
      const rng = new Random(300 + k);
      const x = randomLeaf(rng, xs);
      const w = randomLeaf(rng, ws);
      const { checked, failures } = gradCheck((a, b) => conv2d(a!, b!, options), [x, w]);
      expect(failures).toEqual([]);
      expect(checked).toBe(x.size + w.size);
    });
  });
});

const poolCases: readonly [string, 'max' | 'avg', readonly number[], Pool2DOptions][] = [
  ['max 2x2', 'max', [2, 4, 4, 2], {}],
  ['max 3x3 stride 2', 'max', [1, 7, 7, 2], { poolSize: 3, strides: 2 }],
  ["max 3x3 stride 2 'same'", 'max', [1, 6, 5, 2], { poolSize: 3, strides: 2, padding: 'same' }],
  ['max 2x2 stride 1 (overlapping windows)', 'max', [1, 4, 4, 1], { strides: 1 }],
  ["max 2x2 'same' on an odd size", 'max', [2, 5, 5, 1], { padding: 'same' }],
  ['avg 2x2', 'avg', [2, 4, 4, 2], {}],
  [
    "avg 3x3 stride 2 'same' (padding not counted)",
    'avg',
    [1, 6, 5, 2],
    { poolSize: 3, strides: 2, padding: 'same' },
  ],
  ['avg [2, 3] strides [1, 2]', 'avg', [1, 5, 7, 2], { poolSize: [2, 3], strides: [1, 2] }],
];

describe('gradients of pooling', () => {
  poolCases.forEach(([name, kind, xs, options], k) => {
    it(`${name} matches its central differences`, () => {
      const rng = new Random(400 + k);
      const x = randomLeaf(rng, xs);
      const op = kind === 'max' ? maxPool2d : avgPool2d;
      const { checked, failures } = gradCheck((a) => op(a!, options), [x]);
      expect(failures).toEqual([]);
      expect(checked).toBe(x.size);
    });
  });

  it('global average pooling matches its central differences', () => {
    const x = randomLeaf(new Random(450), [2, 3, 4, 3]);
    const { checked, failures } = gradCheck((a) => globalAvgPool2d(a!), [x]);
    expect(failures).toEqual([]);
    expect(checked).toBe(x.size);
  });
});

afterAll(() => {
  console.log(`grad-conv-pool: ${componentsChecked()} gradient components checked`);
});
