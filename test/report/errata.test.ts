import { describe, expect, it } from 'vitest';
import { centralDifference, computeErrata } from '../../src/report/errata.js';

describe('the errata of the report', () => {
  const errata = computeErrata();

  it('has unique ids and at least one computed check each', () => {
    expect(new Set(errata.map((e) => e.id)).size).toBe(errata.length);
    for (const e of errata) expect(e.checks.length, e.id).toBeGreaterThan(0);
  });

  it('finds every right form confirmed by its finite differences (and every wrong one refuted)', () => {
    expect(errata.filter((e) => !e.holds).map((e) => e.id)).toEqual([]);
  });

  it('computes central differences that are exact for a quadratic', () => {
    // (f(x+h) - f(x-h)) / 2h has no truncation error for x², only rounding.
    expect(centralDifference((x) => x * x, 3)).toBeCloseTo(6, 8);
  });

  it('covers the errors listed for the report: leaky slope, ELU, sigmoid, RReLU, softmax, ReLU at 0, GELU, SELU', () => {
    const ids = errata.map((e) => e.id);
    for (const id of [
      'leaky-relu-derivative',
      'elu-derivative',
      'sigmoid-formula',
      'rrelu-slope',
      'relu-saturation',
      'softmax-cross-entropy',
      'cross-entropy-probabilities',
      'relu-at-zero',
      'non-monotonic',
      'gelu-limit',
      'selu-vanishing',
    ]) {
      expect(ids).toContain(id);
    }
  });
});
