import { describe, expect, it } from 'vitest';
import { formError, geluApproximations } from '../../src/experiments/gelu-approximations.js';

/** A grid like the experiment's, small enough for a test. */
function grid(lo: number, hi: number, n: number): Float64Array {
  return Float64Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));
}

describe('the gelu-approximations experiment', () => {
  const xs = grid(-8, 8, 3201);

  it('finds the tanh form within 5e-4 of the exact GELU everywhere on [-8, 8]', () => {
    const e = formError('tanh', xs);
    expect(e.max_abs_error).toBeLessThan(5e-4);
    expect(e.max_abs_error).toBeGreaterThan(0);
    expect(e.mean_abs_error).toBeLessThanOrEqual(e.max_abs_error);
  });

  it('finds the sigmoid form x·σ(1.702x) at least ten times further off than the tanh form', () => {
    const tanh = formError('tanh', xs);
    const sigmoid = formError('sigmoid', xs);
    expect(sigmoid.max_abs_error).toBeGreaterThan(10 * tanh.max_abs_error);
    expect(sigmoid.max_abs_error_derivative).toBeGreaterThan(tanh.max_abs_error_derivative);
  });

  it('reports the point of the largest error, where the error indeed reaches the maximum', () => {
    const e = formError('sigmoid', xs);
    expect(xs).toContain(e.at);
    // Every form equals the exact GELU at 0 (all are x times a probability of 1/2 there).
    expect(formError('sigmoid', Float64Array.of(0)).max_abs_error).toBe(0);
    expect(formError('tanh', Float64Array.of(0)).max_abs_error).toBe(0);
  });

  it('runs its quick tier with a table, two charts and a cost for each of the three forms', async () => {
    const r = await geluApproximations.run({ tier: 'quick', seed: 0 });
    const json = r.json as {
      forms: Record<string, { max_abs_error: number }>;
      cost: Record<string, { forward_ns: number; forward_relative: number } | string | number>;
    };
    expect(json.forms['tanh']!.max_abs_error).toBeLessThan(5e-4);
    for (const form of ['none', 'tanh', 'sigmoid']) {
      const c = json.cost[form] as { forward_ns: number; forward_relative: number };
      expect(c.forward_ns).toBeGreaterThan(0);
      expect(Number.isFinite(c.forward_relative)).toBe(true);
    }
    expect((json.cost['none'] as { forward_relative: number }).forward_relative).toBe(1);
    expect(r.charts.map((c) => c.id)).toEqual([
      'gelu-approximations-error',
      'gelu-approximations-cost',
    ]);
    expect(r.table?.rows).toHaveLength(2);
  });
});
