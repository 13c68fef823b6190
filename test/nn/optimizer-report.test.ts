/**
 * Optimizer.step reports the global gradient norm √(Σ g²) over the weights
 * it updated, whether a clip needed it before the update or the report
 * computes it when read.
 */
import { describe, expect, it } from 'vitest';
import { Adam, SGD } from '../../src/nn/optimizers.js';
import { Tensor } from '../../src/tensor/tensor.js';

function weights(): Tensor[] {
  const a = new Tensor(Float64Array.from([1, -2, 3]), [3], true);
  const b = new Tensor(Float64Array.from([0.5]), [1], true);
  const unused = new Tensor(Float64Array.from([7]), [1], true);
  a.grad = new Tensor(Float64Array.from([0.3, -0.4, 1.2]), [3]);
  b.grad = new Tensor(Float64Array.from([-2]), [1]);
  return [a, b, unused];
}

// 0.09 + 0.16 + 1.44 + 4 = 5.69; the weight without a gradient takes no part.
const NORM = Math.sqrt(5.69);

describe('the step report', () => {
  it('gives the gradient norm without a clip, read after the update', () => {
    const ws = weights();
    const report = new Adam({ learningRate: 0.1 }).step(ws);
    expect(report.skipped).toBe(false);
    expect(ws[0]!.data[0]).not.toBe(1);
    expect(ws[2]!.data[0]).toBe(7);
    expect(report.gradNorm).toBeCloseTo(NORM, 14);
    expect(report.gradNorm).toBe(report.gradNorm);
  });

  it('gives the same norm when a clip computes it first', () => {
    const report = new SGD({ learningRate: 0.1, clipnorm: 100 }).step(weights());
    expect(report.gradNorm).toBeCloseTo(NORM, 14);
  });
});
