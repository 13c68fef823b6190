import { describe, expect, it } from 'vitest';
import {
  gradNormsByStep,
  reachRatio,
  recurrentExperiment,
} from '../../src/experiments/recurrent.js';
import { Dense, Input, Sequential, SimpleRNN } from '../../src/nn/index.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

describe('the gradient reaching each step back', () => {
  it('shrinks by the recurrent factor a each step back in a linear RNN with U = a·I', () => {
    const T = 6;
    const rnn = new SimpleRNN({ units: 2, activation: 'linear' });
    const model = new Sequential([Input({ shape: [T, 1] }), rnn, new Dense({ units: 1 })], {
      dtype: 'float64',
    });
    model.buildIfKnown();
    rnn.recurrentKernel!.assign(new Tensor(Float64Array.from([0.5, 0, 0, 0.5]), [2, 2]));
    const rng = new Random(1);
    const x = new Tensor(
      Float64Array.from({ length: 3 * T }, () => rng.normal()),
      [3, T, 1],
    );
    const y = new Tensor(Float64Array.from([0.1, -0.2, 0.3]), [3, 1]);
    const norms = gradNormsByStep(model, x, y);
    expect(norms.length).toBe(T);
    // dL/dh_{t-1} = dL/dh_t · Uᵀ = 0.5 · dL/dh_t.
    for (let t = 0; t < T - 1; t++) expect(norms[t]! / norms[t + 1]!).toBeCloseTo(0.5, 12);
    expect(reachRatio(norms, T - 1)).toBeCloseTo(0.5 ** (T - 1), 12);
    // The probe leaves no gradient on the weights.
    for (const w of model.weights) expect(w.tensor.grad).toBeNull();
  });
});

describe('recurrent experiment', () => {
  it('fills the JSON contract for the four models, explodes SimpleRNN-relu without clipping and not with it', async () => {
    const r = await recurrentExperiment.run({
      tier: 'quick',
      seed: 0,
      extra: { steps: '4', units: '8' },
    });
    const results = r.json['results'] as Record<string, Record<string, Record<string, unknown>>>;
    expect(Object.keys(results)).toEqual(['simple_rnn_tanh', 'simple_rnn_relu', 'lstm', 'gru']);
    for (const byLength of Object.values(results)) {
      expect(Object.keys(byLength)).toEqual(['10', '50']);
      for (const [len, e] of Object.entries(byLength)) {
        expect((e['grad_norm_by_step_init'] as number[]).length).toBe(Number(len));
        expect((e['grad_norm_by_step'] as number[]).length).toBe(Number(len));
        expect(typeof e['nan']).toBe('boolean');
        expect(e['final_loss'] === null || typeof e['final_loss'] === 'number').toBe(true);
      }
    }
    const exploding = (
      r.json['exploding'] as { results: Record<string, Record<string, { nan: boolean }>> }
    ).results;
    expect(exploding['50']!['unclipped']!.nan).toBe(true);
    expect(exploding['50']!['clipped']!.nan).toBe(false);
    expect(r.charts.map((c) => c.id)).toContain('recurrent-grad-init');
    expect(r.reading.join(' ')).toMatch(/simple_rnn_tanh \d/);
  });
});
