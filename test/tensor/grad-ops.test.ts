import { afterAll, describe, expect, it } from 'vitest';
import {
  abs,
  add,
  addScalar,
  biasAdd,
  clamp,
  concat,
  div,
  exp,
  flatten,
  log,
  matmul,
  max,
  mean,
  mul,
  neg,
  powScalar,
  Random,
  reshape,
  scale,
  slice,
  split,
  sqrt,
  square,
  sub,
  sum,
  type Tensor,
  transpose,
} from '../../src/tensor/index.js';
import { componentsChecked, gradCheck, randomLeaf } from '../helpers/gradcheck.js';

type Range = readonly [number, number];
interface Case {
  readonly name: string;
  readonly shapes: readonly (readonly number[])[];
  readonly f: (...t: Tensor[]) => Tensor;
  /** Input values drawn uniformly from this range instead of N(0, 1). */
  readonly range?: Range;
}

function runCases(cases: readonly Case[]): void {
  cases.forEach((c, k) => {
    it(`${c.name} matches its central differences`, () => {
      const rng = new Random(100 + k);
      const inputs = c.shapes.map((s) => randomLeaf(rng, s, c.range));
      const { checked, failures } = gradCheck(c.f, inputs);
      expect(failures).toEqual([]);
      expect(checked).toBe(inputs.reduce((n, t) => n + t.size, 0));
    });
  });
}

describe('gradients of the elementwise arithmetic', () => {
  runCases([
    {
      name: 'add of equal shapes',
      shapes: [
        [3, 4],
        [3, 4],
      ],
      f: add,
    },
    { name: 'add of [2, 3, 4] and [4]', shapes: [[2, 3, 4], [4]], f: add },
    {
      name: 'add of [3, 1] and [1, 4]',
      shapes: [
        [3, 1],
        [1, 4],
      ],
      f: add,
    },
    { name: 'add of a [1] and a [2, 3]', shapes: [[1], [2, 3]], f: add },
    {
      name: 'sub of [2, 1, 4] and [3, 1]',
      shapes: [
        [2, 1, 4],
        [3, 1],
      ],
      f: sub,
    },
    {
      name: 'mul of [2, 3, 4] and [2, 1, 4]',
      shapes: [
        [2, 3, 4],
        [2, 1, 4],
      ],
      f: mul,
    },
    {
      name: 'mul of a tensor with itself-shaped broadcast [4] and [3, 4]',
      shapes: [[4], [3, 4]],
      f: mul,
    },
    { name: 'div of [3, 4] and [4]', shapes: [[3, 4], [4]], f: div, range: [0.5, 2] },
    {
      name: 'div of [2, 1] and [2, 5]',
      shapes: [
        [2, 1],
        [2, 5],
      ],
      f: div,
      range: [0.5, 2],
    },
    { name: 'neg', shapes: [[5]], f: neg },
    { name: 'scale by -2.5', shapes: [[2, 3]], f: (a) => scale(a!, -2.5) },
    { name: 'addScalar', shapes: [[2, 3]], f: (a) => addScalar(a!, 0.75) },
    { name: 'exp', shapes: [[2, 4]], f: exp },
    { name: 'log', shapes: [[2, 4]], f: log, range: [0.2, 3] },
    { name: 'sqrt', shapes: [[2, 4]], f: sqrt, range: [0.2, 3] },
    { name: 'square', shapes: [[2, 4]], f: square },
    { name: 'abs', shapes: [[3, 4]], f: abs },
    { name: 'clamp to [-0.5, 0.5]', shapes: [[4, 4]], f: (a) => clamp(a!, -0.5, 0.5) },
    { name: 'powScalar 3', shapes: [[6]], f: (a) => powScalar(a!, 3) },
    {
      name: 'powScalar -1.5 on positives',
      shapes: [[6]],
      f: (a) => powScalar(a!, -1.5),
      range: [0.3, 2],
    },
    { name: 'biasAdd on a [4, 3] batch', shapes: [[4, 3], [3]], f: biasAdd },
    { name: 'biasAdd on NHWC maps', shapes: [[2, 3, 3, 2], [2]], f: biasAdd },
  ]);
});

describe('gradients of matmul and transpose', () => {
  runCases([
    {
      name: 'matmul [3, 4] x [4, 5]',
      shapes: [
        [3, 4],
        [4, 5],
      ],
      f: matmul,
    },
    {
      name: 'matmul [5, 7] x [7, 6] (remainder rows)',
      shapes: [
        [5, 7],
        [7, 6],
      ],
      f: matmul,
    },
    {
      name: 'batched matmul [2, 3, 4] x [2, 4, 2]',
      shapes: [
        [2, 3, 4],
        [2, 4, 2],
      ],
      f: matmul,
    },
    {
      name: 'batched matmul with a broadcast [4, 3] left side',
      shapes: [
        [4, 3],
        [3, 3, 2],
      ],
      f: matmul,
    },
    {
      name: 'batched matmul with a batch-1 right side',
      shapes: [
        [3, 2, 4],
        [1, 4, 5],
      ],
      f: matmul,
    },
    { name: 'transpose of a matrix', shapes: [[3, 5]], f: (a) => transpose(a!) },
    {
      name: 'transpose [2, 3, 4] by [1, 2, 0]',
      shapes: [[2, 3, 4]],
      f: (a) => transpose(a!, [1, 2, 0]),
    },
    {
      name: 'matmul of a transpose',
      shapes: [
        [4, 3],
        [4, 2],
      ],
      f: (a, b) => matmul(transpose(a!), b!),
    },
  ]);
});

describe('gradients of the shape ops', () => {
  runCases([
    { name: 'reshape with -1', shapes: [[2, 3, 4]], f: (a) => reshape(a!, [4, -1]) },
    { name: 'flatten', shapes: [[2, 3, 2, 2]], f: flatten },
    {
      name: 'concat along axis 1',
      shapes: [
        [2, 3],
        [2, 1],
        [2, 2],
      ],
      f: (a, b, c) => concat([a!, b!, c!], 1),
    },
    {
      name: 'concat along axis 0',
      shapes: [
        [1, 3],
        [2, 3],
      ],
      f: (a, b) => concat([a!, b!], 0),
    },
    {
      name: 'split into sizes, recombined with different weights',
      shapes: [[2, 5, 2]],
      f: (a) => {
        const [p, q] = split(a!, [2, 3], 1);
        return add(sum(square(p!)), sum(exp(q!)));
      },
    },
    {
      name: 'split into two equal parts',
      shapes: [[4, 3]],
      f: (a) => {
        const [p, q] = split(a!, 2, 0);
        return mul(p!, q!);
      },
    },
    { name: 'slice', shapes: [[3, 4, 5]], f: (a) => slice(a!, [1, 0, 2], [2, -1, 2]) },
  ]);
});

describe('gradients of the reductions', () => {
  runCases([
    { name: 'sum of everything', shapes: [[3, 4]], f: (a) => sum(a!) },
    { name: 'sum over axis 1', shapes: [[2, 3, 4]], f: (a) => sum(a!, 1) },
    {
      name: 'sum over axes [0, 2] keeping dims',
      shapes: [[2, 3, 4]],
      f: (a) => sum(a!, [0, 2], true),
    },
    { name: 'sum over axis -1', shapes: [[3, 5]], f: (a) => sum(a!, -1) },
    { name: 'mean of everything', shapes: [[3, 4]], f: (a) => mean(a!) },
    { name: 'mean over axis 0', shapes: [[4, 3]], f: (a) => mean(a!, 0) },
    { name: 'max over axis 1', shapes: [[3, 5]], f: (a) => max(a!, 1) },
    { name: 'max over axes [1, 2]', shapes: [[2, 3, 4]], f: (a) => max(a!, [1, 2]) },
    { name: 'max of everything', shapes: [[4, 4]], f: (a) => max(a!) },
  ]);
});

afterAll(() => {
  console.log(`grad-ops: ${componentsChecked()} gradient components checked`);
});
