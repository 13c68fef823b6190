import { describe, expect, it } from 'vitest';
import { getRegularizer, l1, l1l2, l2 } from '../../src/nn/regularizers.js';
import { Tensor } from '../../src/tensor/tensor.js';

const W = [0.5, -2, 0, 3];

function weight(): Tensor {
  return new Tensor(Float64Array.from(W), [2, 2], true);
}

describe('weight penalties', () => {
  it('l1 is strength · Σ|w| with gradient strength · sign(w)', () => {
    const w = weight();
    const p = l1(0.1).penalty(w);
    expect(p.data[0]).toBeCloseTo(0.1 * 5.5, 15);
    p.backward();
    expect(Array.from(w.grad!.data)).toEqual([0.1, -0.1, 0, 0.1]);
  });

  it('l2 is strength · Σw² (no 1/2, as Keras) with gradient 2 · strength · w', () => {
    const w = weight();
    const p = l2(0.01).penalty(w);
    expect(p.data[0]).toBeCloseTo(0.01 * (0.25 + 4 + 9), 15);
    p.backward();
    W.forEach((v, i) => {
      expect(w.grad!.data[i]).toBeCloseTo(0.02 * v, 15);
    });
  });

  it('l1_l2 is the sum of both', () => {
    const p = l1l2({ l1: 0.1, l2: 0.01 }).penalty(weight());
    expect(p.data[0]).toBeCloseTo(0.1 * 5.5 + 0.01 * 13.25, 15);
  });

  it('refuses unknown names and negative strengths', () => {
    expect(() => getRegularizer('l3')).toThrow(/valid: l1, l2, l1_l2/);
    expect(() => l2(-1)).toThrow(/l2 must be a finite number >= 0/);
  });
});
