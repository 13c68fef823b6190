/**
 * Names, aliases, presets and the errors a user sees (TESTING.md §4), and
 * user-defined activations.
 */
import { describe, expect, it } from 'vitest';
import {
  defineActivation,
  elementwise,
  getActivation,
  listActivations,
  resolveActivation,
  UsageError,
} from '../src/activations/index.js';

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('activation names', () => {
  it.each([
    ['hardSigmoid', 'hardsigmoid'],
    ['leakyReLU', 'leaky_relu'],
    ['gelu_new', 'gelu'],
    ['quick_gelu', 'gelu'],
    ['hard_silu', 'hardswish'],
    ['identity', 'linear'],
    ['logistic', 'sigmoid'],
  ])("resolves '%s' to %s", (name, id) => {
    expect(getActivation(name).id).toBe(id);
  });

  it('gives gelu_new the tanh form and quick_gelu the sigmoid form, plain gelu the exact one', () => {
    expect(resolveActivation('gelu_new').params['approximate']).toBe('tanh');
    expect(resolveActivation('quick_gelu').params['approximate']).toBe('sigmoid');
    expect(resolveActivation('gelu').params['approximate']).toBe('none');
  });

  it("suggests 'gelu' for the unknown name 'gleu'", () => {
    const e = errorOf(() => resolveActivation('gleu'));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain("did you mean 'gelu'");
  });
});

describe('framework presets', () => {
  it('uses slope 0.01 for leaky_relu in torch and 0.2 in keras', () => {
    expect(resolveActivation('leaky_relu').params['negative_slope']).toBe(0.01);
    expect(resolveActivation('leaky_relu', {}, 'keras').params['negative_slope']).toBe(0.2);
  });

  it('uses hardsigmoid slope 1/6 in torch and 0.2 in keras2 and tfjs', () => {
    expect(resolveActivation('hardsigmoid').params['slope']).toBeCloseTo(1 / 6, 15);
    expect(resolveActivation('hardsigmoid', {}, 'keras2').params['slope']).toBe(0.2);
    expect(resolveActivation('hardsigmoid', {}, 'tfjs').params['slope']).toBe(0.2);
  });

  it('uses the tanh form of gelu in jax', () => {
    expect(resolveActivation('gelu', {}, 'jax').params['approximate']).toBe('tanh');
  });

  it('starts prelu at 0.25 in torch, 0 in keras and tfjs, 0.01 in jax', () => {
    expect(resolveActivation('prelu').params['alpha']).toBe(0.25);
    expect(resolveActivation('prelu', {}, 'keras').params['alpha']).toBe(0);
    expect(resolveActivation('prelu', {}, 'tfjs').params['alpha']).toBe(0);
    expect(resolveActivation('prelu', {}, 'jax').params['alpha']).toBe(0.01);
  });

  it('lets a given parameter override the preset', () => {
    expect(
      resolveActivation('leaky_relu', { negative_slope: 0.1 }, 'keras').params['negative_slope'],
    ).toBe(0.1);
  });
});

describe('parameter errors', () => {
  it('names an unknown parameter and the one it may mean', () => {
    const e = errorOf(() => resolveActivation('leaky_relu', { negative_slop: 0.1 }));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain("'negative_slop'");
    expect(e.message).toContain("'negative_slope'");
  });

  it('refuses hardtanh with min_val >= max_val, naming both', () => {
    for (const bad of [
      { min_val: 2, max_val: 1 },
      { min_val: 1, max_val: 1 },
    ]) {
      const e = errorOf(() => resolveActivation('hardtanh', bad));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toContain('min_val');
      expect(e.message).toContain('max_val');
    }
  });

  it('refuses a negative lambda for the shrink functions, naming it and the allowed range', () => {
    for (const id of ['hardshrink', 'softshrink']) {
      const e = errorOf(() => resolveActivation(id, { lambda: -0.5 }));
      expect(e).toBeInstanceOf(UsageError);
      expect(e.message).toContain("'lambda'");
      expect(e.message).toContain('[0, ∞)');
    }
  });
});

/** A tanh rescaled to the output range [lo, hi]. */
function scaledTanh(id: string, df: (x: number, p: { lo: number; hi: number }) => number) {
  return elementwise<{ lo: number; hi: number }>({
    kind: 'elementwise',
    id,
    name: 'Scaled tanh',
    aliases: [],
    params: {
      lo: { default: -1, doc: 'Lower end of the output range' },
      hi: { default: 1, doc: 'Upper end of the output range' },
    },
    validate: (p) => (p.lo < p.hi ? undefined : 'lo must be below hi'),
    f: (x, p) => p.lo + ((p.hi - p.lo) * (Math.tanh(x) + 1)) / 2,
    df,
    kinks: () => [],
    properties: {
      range: [-1, 1],
      rangeText: '(lo, hi)',
      monotonic: true,
      smoothness: 'Cinf',
      zeroCentred: true,
      saturation: 'two-sided',
      boundedAbove: true,
      boundedBelow: true,
      sparse: false,
      odd: true,
    },
    latex: { f: 'lo + (hi - lo)(\\tanh x + 1)/2', df: '(hi - lo)\\,\\mathrm{sech}^2 x / 2' },
    refs: [],
    notes: { summary: 'A tanh with a chosen output range.', pros: [], cons: [], usedIn: [] },
  });
}

describe('user-defined activations', () => {
  it('registers a scaled tanh that resolveActivation then finds with its parameters', () => {
    defineActivation(scaledTanh('scaled_tanh', (x, p) => (p.hi - p.lo) / 2 / Math.cosh(x) ** 2));
    const { spec, params } = resolveActivation('scaledTanh', { lo: 0, hi: 2 });
    expect(spec.id).toBe('scaled_tanh');
    expect(listActivations()).toContain(spec);
    if (spec.kind !== 'elementwise') throw new Error('expected an elementwise spec');
    expect(spec.f(0, params)).toBe(1);
    expect(spec.f(40, params)).toBe(2);
    expect(spec.f(-40, params)).toBe(0);
    expect(errorOf(() => resolveActivation('scaled_tanh', { lo: 3, hi: 2 })).message).toContain(
      'lo must be below hi',
    );
  });

  it('refuses an activation whose df is wrong, naming it', () => {
    const wrong = scaledTanh('wrong_tanh', (x, p) => (p.hi - p.lo) / 2 / Math.cosh(x));
    const e = errorOf(() => defineActivation(wrong));
    expect(e).toBeInstanceOf(UsageError);
    expect(e.message).toContain('wrong_tanh');
    expect(() => getActivation('wrong_tanh')).toThrow(UsageError);
  });
});
