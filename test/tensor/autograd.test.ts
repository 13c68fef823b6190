import { describe, expect, it } from 'vitest';
import {
  add,
  biasAdd,
  broadcastShapes,
  concat,
  conv2d,
  matmul,
  mul,
  noGrad,
  Random,
  reshape,
  sparseCategoricalCrossentropy,
  sum,
  Tensor,
  tensor,
  zeros,
} from '../../src/tensor/index.js';
import { record, sendGrad } from '../../src/tensor/tensor.js';
import { gradCheck, randomLeaf } from '../helpers/gradcheck.js';

function leaf(values: number[], shape: number[]): Tensor {
  return new Tensor(Float64Array.from(values), shape, true);
}

describe('broadcasting shape rules', () => {
  const ok: [number[], number[], number[]][] = [
    [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    [[2, 3, 4], [4], [2, 3, 4]],
    [
      [3, 1],
      [1, 4],
      [3, 4],
    ],
    [
      [5, 1, 2],
      [3, 1],
      [5, 3, 2],
    ],
    [[], [2, 2], [2, 2]],
    [[1], [7], [7]],
  ];
  for (const [a, b, out] of ok) {
    it(`broadcasts [${a}] with [${b}] to [${out}], in either order`, () => {
      expect(broadcastShapes(a, b, 'add')).toEqual(out);
      expect(broadcastShapes(b, a, 'add')).toEqual(out);
      expect(add(zeros(a), zeros(b)).shape).toEqual(out);
    });
  }

  it('refuses [2, 3] with [2] and names the op and both shapes', () => {
    expect(() => add(zeros([2, 3]), zeros([2]))).toThrow(
      /add: shapes \[2, 3\] and \[2\] cannot be broadcast/,
    );
    expect(() => mul(zeros([4, 2]), zeros([3, 1]))).toThrow(/mul: shapes \[4, 2\] and \[3, 1\]/);
  });

  it('names both shapes when matmul, conv2d, biasAdd, concat or a loss are given mismatched inputs', () => {
    expect(() => matmul(zeros([2, 3]), zeros([4, 5]))).toThrow(/\[2, 3\].*\[4, 5\]/);
    expect(() => conv2d(zeros([1, 5, 5, 2]), zeros([3, 3, 3, 4]))).toThrow(
      /\[1, 5, 5, 2\].*\[3, 3, 3, 4\]/,
    );
    expect(() => biasAdd(zeros([2, 3]), zeros([4]))).toThrow(/\[4\].*\[2, 3\]/);
    expect(() => concat([zeros([2, 3]), zeros([3, 2])], 0)).toThrow(/\[2, 3\].*\[3, 2\]/);
    expect(() => sparseCategoricalCrossentropy(zeros([4, 3]), new Int32Array(3))).toThrow(
      /\[4, 3\].*3 labels/,
    );
  });

  it('reshape refuses a size change and names both shapes', () => {
    expect(() => reshape(zeros([2, 3]), [4, 2])).toThrow(/\[2, 3\].*\[4, 2\]/);
  });
});

describe('autograd behaviour', () => {
  it('records nothing under noGrad', () => {
    const x = leaf([1, 2], [2]);
    const y = noGrad(() => mul(x, x));
    expect(y.node).toBeNull();
    expect(() => sum(y).backward()).not.toThrow();
    expect(x.grad).toBeNull();
  });

  it('records again after noGrad returns, also when fn throws', () => {
    const x = leaf([1], [1]);
    expect(() =>
      noGrad(() => {
        throw new Error('inside');
      }),
    ).toThrow('inside');
    expect(mul(x, x).node).not.toBeNull();
  });

  it('accumulates the gradient of a tensor used twice: y = x·x + x gives 2x + 1', () => {
    const x = leaf([-1.5, 0, 2, 3.25], [4]);
    sum(add(mul(x, x), x)).backward();
    expect(x.grad?.toArray()).toEqual([-2, 1, 5, 7.5]);
  });

  it('adds the gradients of two backward passes into .grad until zeroGrad', () => {
    const x = leaf([3], [1]);
    sum(mul(x, x)).backward();
    sum(mul(x, x)).backward();
    expect(x.grad?.toArray()).toEqual([12]);
    x.zeroGrad();
    expect(x.grad).toBeNull();
  });

  it('requires an upstream gradient for backward on a non-scalar, and accepts one', () => {
    const x = leaf([1, 2, 3], [3]);
    const y = mul(x, x);
    expect(() => y.backward()).toThrow(/shape \[3\] needs an upstream gradient/);
    y.backward(Float64Array.from([1, 0, -1]));
    expect(x.grad?.toArray()).toEqual([2, 0, -6]);
  });

  it('sends no gradient to an input that does not require one', () => {
    const x = leaf([1, 2], [2]);
    const c = tensor([5, 7], [2], 'float64');
    sum(mul(x, c)).backward();
    expect(x.grad?.toArray()).toEqual([5, 7]);
    expect(c.grad).toBeNull();
  });
});

describe('the gradient check itself', () => {
  it('reports a wrong backward (a doubled gradient) component by component', () => {
    const badSquare = (t: Tensor): Tensor => {
      const y = new Tensor(
        t.data.map((v) => v * v),
        t.shape,
      );
      return record(y, 'badSquare', [t], (gy) => {
        sendGrad(
          t,
          gy.map((g, i) => 4 * t.data[i]! * g),
        );
      });
    };
    const x = randomLeaf(new Random(1), [5]);
    const { checked, failures } = gradCheck((a) => badSquare(a!), [x]);
    expect(checked).toBe(5);
    expect(failures).toHaveLength(5);
  });
});
