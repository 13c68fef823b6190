/**
 * Autograd may keep an op's freshly allocated gradient as a leaf's .grad, and
 * add into it in place, only while nothing else holds that array. These
 * graphs pass one gradient array to several tensors (add forwards its
 * upstream gradient to both inputs) and accumulate over several paths; the
 * expected gradients are the analytic ones, by the sum and chain rules.
 */
import { describe, expect, it } from 'vitest';
import {
  activation,
  add,
  mul,
  ones,
  scale,
  sum,
  type Tensor,
  tensor,
} from '../../src/tensor/index.js';

function leaf(values: number[]): Tensor {
  const t = tensor(values, [values.length], 'float64');
  t.requiresGrad = true;
  return t;
}

const relu1 = (v: number): number => (v > 0 ? 1 : 0);

describe('gradient arrays handed between tensors', () => {
  it('keeps the leaf gradient of an activation and accumulates a second backward into it', () => {
    const x = leaf([-2, -0.5, 0.5, 3]);
    const seed = ones([4], 'float64');
    activation(x, 'relu').backward(seed);
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 1, 1]);
    activation(x, 'relu').backward(seed);
    expect(Array.from(x.grad!.data)).toEqual([0, 0, 2, 2]);
    // The upstream gradient is the caller's and stays as it was.
    expect(Array.from(seed.data)).toEqual([1, 1, 1, 1]);
  });

  it('gives both inputs of an add the right gradient when one of them has a second path', () => {
    const av = [-1, 2, 0.5];
    const bv = [0.5, -3, 1];
    for (const order of ['relu first', 'linear first']) {
      const a = leaf(av);
      const b = leaf(bv);
      const viaRelu = sum(activation(add(a, b), 'relu'));
      const viaScale = sum(scale(a, 3));
      const loss = order === 'relu first' ? add(viaRelu, viaScale) : add(viaScale, viaRelu);
      loss.backward();
      const s = av.map((v, i) => v + bv[i]!);
      expect(Array.from(a.grad!.data), order).toEqual(s.map((v) => relu1(v) + 3));
      expect(Array.from(b.grad!.data), order).toEqual(s.map(relu1));
    }
  });

  it('keeps an add input right when its twin gets a later contribution before its own turn', () => {
    // Reverse topological order here: relu, s = a + b (one array to a and b), 3a, a, 2b, b:
    // the 3a contribution arrives at a while b still waits with the same array.
    const av = [-1, 2, 0.5];
    const bv = [0.5, -3, 1];
    const a = leaf(av);
    const b = leaf(bv);
    const p1 = sum(scale(b, 2));
    const p2 = sum(scale(a, 3));
    const p3 = sum(activation(add(a, b), 'relu'));
    add(add(p1, p2), p3).backward();
    const s = av.map((v, i) => v + bv[i]!);
    expect(Array.from(a.grad!.data)).toEqual(s.map((v) => relu1(v) + 3));
    expect(Array.from(b.grad!.data)).toEqual(s.map((v) => relu1(v) + 2));
  });

  it('sums an activation gradient that reaches one tensor over several paths', () => {
    const xv = [-1.5, 0.25, 2];
    const x = leaf(xv);
    const r = activation(x, 'relu');
    // d/dx Σ (r·r + r + x) = 2r·relu' + relu' + 1.
    sum(add(add(mul(r, r), r), x)).backward();
    const expected = xv.map((v) => 2 * Math.max(v, 0) * relu1(v) + relu1(v) + 1);
    expect(Array.from(x.grad!.data)).toEqual(expected);
  });
});
