/**
 * Identities between activations (TESTING.md §1.7): laws that tie one spec to
 * another, so a slip in either shows.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ParamValue, resolveElementwise } from '../src/activations/index.js';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
console.log(`identities: fast-check seed ${SEED} (FC_SEED=${SEED} replays it)`);

function fn(id: string, params: Record<string, ParamValue> = {}) {
  const { spec, params: p } = resolveElementwise(id, params);
  return { f: (x: number) => spec.f(x, p), df: (x: number) => spec.df(x, p) };
}

const anyX = fc.oneof(fc.double({ min: -50, max: 50, noNaN: true }), fc.double({ noNaN: true }));

/** The 401-point grid over [-20, 20] plus a few extremes. */
const GRID = [
  ...Array.from({ length: 401 }, (_, i) => -20 + i / 10),
  -1000,
  -745,
  -40,
  40,
  1000,
  1e-300,
  -1e-300,
  -0,
];

function forAll(check: (x: number) => boolean, arb: fc.Arbitrary<number> = anyX): void {
  for (const x of GRID) expect(check(x), `at x = ${x}`).toBe(true);
  fc.assert(fc.property(arb, check), { numRuns: 1000, seed: SEED });
}

const same = (a: number, b: number) => Object.is(a, b) || (Number.isNaN(a) && Number.isNaN(b));

describe('identities between activations', () => {
  it('swish with beta = 1 is silu, bitwise, in f and df', () => {
    const swish = fn('swish', { beta: 1 });
    const silu = fn('silu');
    forAll((x) => same(swish.f(x), silu.f(x)) && same(swish.df(x), silu.df(x)));
  });

  it('prelu with alpha = 0.01 is leaky_relu with slope 0.01, bitwise, in f and df', () => {
    const prelu = fn('prelu', { alpha: 0.01 });
    const leaky = fn('leaky_relu', { negative_slope: 0.01 });
    forAll((x) => same(prelu.f(x), leaky.f(x)) && same(prelu.df(x), leaky.df(x)));
  });

  it('tanh(x) = 2 sigmoid(2x) - 1 within 1e-15 (absolute: the right side cancels near 0)', () => {
    const tanh = fn('tanh');
    const sigmoid = fn('sigmoid');
    forAll(
      (x) => Math.abs(tanh.f(x) - (2 * sigmoid.f(2 * x) - 1)) <= 1e-15,
      fc.double({ min: -400, max: 400, noNaN: true }),
    );
  });

  it("softplus' is the sigmoid below the linear threshold", () => {
    const softplus = fn('softplus');
    const sigmoid = fn('sigmoid');
    const check = (x: number) =>
      x > 20 || Math.abs(softplus.df(x) - sigmoid.f(x)) <= 1e-15 * sigmoid.f(x) + 1e-300;
    forAll(check, fc.double({ min: -745, max: 20, noNaN: true }));
  });

  it('log_sigmoid(x) = -softplus(-x) (softplus without its linear cut-off)', () => {
    const logSigmoid = fn('log_sigmoid');
    const softplus = fn('softplus', { threshold: 800 });
    const check = (x: number) => {
      const a = logSigmoid.f(x);
      const b = -softplus.f(-x);
      return Math.abs(a - b) <= 1e-14 * Math.abs(a) + 1e-300;
    };
    forAll(check, fc.double({ min: -700, max: 700, noNaN: true }));
  });

  it('the tanh form of gelu stays within 5e-4 of the exact gelu', () => {
    const exact = fn('gelu');
    const approx = fn('gelu', { approximate: 'tanh' });
    forAll(
      (x) => Math.abs(exact.f(x) - approx.f(x)) <= 5e-4,
      fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    );
  });

  it('gelu with approximate = sigmoid is swish with beta = 1.702, bitwise', () => {
    const gelu = fn('gelu', { approximate: 'sigmoid' });
    const swish = fn('swish', { beta: 1.702 });
    forAll((x) => same(gelu.f(x), swish.f(x)) && same(gelu.df(x), swish.df(x)));
  });

  it('generalised gelu tends to relu as sigma -> 0, within 0.17 sigma', () => {
    // |x·Φ(x/σ) - relu(x)| = |x|·Φ(-|x|/σ) <= σ · max_t t·Φ(-t) ≈ 0.1700 σ.
    const relu = fn('relu');
    for (const sigma of [1, 0.1, 1e-2, 1e-3, 1e-6]) {
      const g = fn('gelu', { sigma });
      let worst = 0;
      for (const x of GRID) worst = Math.max(worst, Math.abs(g.f(x) - relu.f(x)));
      for (let x = -5 * sigma; x <= 5 * sigma; x += sigma / 50) {
        worst = Math.max(worst, Math.abs(g.f(x) - relu.f(x)));
      }
      expect(worst, `sigma = ${sigma}`).toBeLessThanOrEqual(0.1701 * sigma);
      expect(worst, `sigma = ${sigma}`).toBeGreaterThan(0.16 * sigma);
    }
  });
});
