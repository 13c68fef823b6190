import { describe, expect, it } from 'vitest';
import { listActivations } from '../../src/activations/index.js';
import { type CostEntry, costExperiment } from '../../src/experiments/cost.js';

describe('the cost experiment', () => {
  it('times every elementwise activation of the catalogue, relative to relu', async () => {
    const r = await costExperiment.run({ tier: 'quick', seed: 0 });
    const results = (r.json as { results: Record<string, CostEntry> }).results;
    const elementwise = listActivations()
      .filter((s) => s.kind === 'elementwise')
      .map((s) => s.id);
    expect(Object.keys(results).sort()).toEqual([...elementwise].sort());
    expect(results['relu']!.forward_relative).toBe(1);
    expect(results['relu']!.backward_relative).toBe(1);
    for (const [id, c] of Object.entries(results)) {
      expect(c.forward_ns, id).toBeGreaterThan(0);
      expect(c.backward_ns, id).toBeGreaterThan(0);
      // The ratio is the ratio of the two measured times (no timing bound is asserted).
      expect(c.forward_relative, id).toBeCloseTo(c.forward_ns / results['relu']!.forward_ns, 12);
    }
    expect(r.table?.rows).toHaveLength(elementwise.length);
    expect(r.charts[0]?.id).toBe('cost-relative');
  });
});
