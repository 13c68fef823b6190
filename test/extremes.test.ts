/**
 * The extreme-input table of TESTING.md §2, written out literally: these values
 * come from the table (an independent source), not from the code under test.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  forwardInto,
  type ParamValue,
  resolveElementwise,
  resolveVector,
} from '../src/activations/index.js';

const SEED = Number(process.env['FC_SEED'] ?? Date.now() % 2 ** 31);
console.log(`extremes: fast-check seed ${SEED} (FC_SEED=${SEED} replays it)`);

/** Resolved on first use, so that a missing activation fails its own tests only. */
function fn(id: string, params: Record<string, ParamValue> = {}) {
  let resolved: ReturnType<typeof resolveElementwise> | undefined;
  const get = () => (resolved ??= resolveElementwise(id, params));
  return {
    f: (x: number) => get().spec.f(x, get().params),
    df: (x: number) => get().spec.df(x, get().params),
    f32: (xs: number[]) => {
      const y = new Float32Array(xs.length);
      forwardInto(get().spec, get().params, Float32Array.from(xs), y);
      return y;
    },
  };
}

function rows(id: string, xs: number[][]) {
  const { spec, params } = resolveVector(id);
  return xs.map((x) => {
    const xa = Float64Array.from(x);
    const y = new Float64Array(spec.outSize(x.length, params));
    spec.forward(xa, y, params);
    const gy = Float64Array.from(y, (_, j) => j + 1);
    const gx = new Float64Array(x.length);
    spec.vjp(xa, y, gy, gx, params);
    return { y: Array.from(y), gx: Array.from(gx) };
  });
}

/** Literal values carry 16-17 digits; the float64 bound of DESIGN.md (1e-12) applies. */
function expectClose(got: number, want: number, rel = 1e-12): void {
  expect(Math.abs(got - want), `${got} vs ${want}`).toBeLessThanOrEqual(rel * Math.abs(want));
}

const noNaN = (v: number) => !Number.isNaN(v);

describe('sigmoid at extreme inputs', () => {
  const s = fn('sigmoid');
  it('is 0 with gradient 0 at -1000 and 1 with gradient 0 at 1000', () => {
    expect(s.f(-1000)).toBe(0);
    expect(s.df(-1000)).toBe(0);
    expect(s.f(1000)).toBe(1);
    expect(s.df(1000)).toBe(0);
  });
  it('keeps the smallest subnormal at -745', () => {
    expect(s.f(-745)).toBe(5e-324);
  });
  it('is 4.248354255291589e-18 at -40, and so is its gradient', () => {
    expectClose(s.f(-40), 4.248354255291589e-18);
    expectClose(s.df(-40), 4.248354255291589e-18);
  });
  it('tends to 0 and 1 with gradient 0 at -Infinity and Infinity', () => {
    expect(s.f(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(s.f(Number.POSITIVE_INFINITY)).toBe(1);
    expect(s.df(Number.NEGATIVE_INFINITY)).toBe(0);
    expect(s.df(Number.POSITIVE_INFINITY)).toBe(0);
  });
});

describe('log_sigmoid at extreme inputs', () => {
  const s = fn('log_sigmoid');
  it('is -1000 with gradient 1 at -1000', () => {
    expect(s.f(-1000)).toBe(-1000);
    expect(s.df(-1000)).toBe(1);
  });
  it('is -0 with gradient 0 at 1000', () => {
    expect(Object.is(s.f(1000), -0)).toBe(true);
    expect(s.df(1000)).toBe(0);
  });
});

describe('softplus at extreme inputs', () => {
  const s = fn('softplus');
  it('is 0 at -1000 and 4.248354255291589e-18 at -40', () => {
    expect(s.f(-1000)).toBe(0);
    expectClose(s.f(-40), 4.248354255291589e-18);
  });
  it('is 1000 with gradient 1 at 1000', () => {
    expect(s.f(1000)).toBe(1000);
    expect(s.df(1000)).toBe(1);
  });
  it('gives no NaN for beta up to 1e30', () => {
    for (const beta of [1e10, 1e20, 1e30]) {
      const b = fn('softplus', { beta });
      fc.assert(
        fc.property(fc.double({ noNaN: true }), (x) => noNaN(b.f(x)) && noNaN(b.df(x))),
        { numRuns: 1000, seed: SEED },
      );
    }
  });
});

describe('tanh at extreme inputs', () => {
  const t = fn('tanh');
  it('is ±1 with gradient 0 at ±1000', () => {
    expect(t.f(1000)).toBe(1);
    expect(t.f(-1000)).toBe(-1);
    expect(t.df(1000)).toBe(0);
    expect(t.df(-1000)).toBe(0);
  });
  it('keeps the sign of -0', () => {
    expect(Object.is(t.f(-0), -0)).toBe(true);
  });
});

describe('elu and selu at extreme inputs', () => {
  const e = fn('elu');
  const s = fn('selu');
  it('tend to -alpha and -1.7580993408473766 with gradient 0 at -1000', () => {
    expect(e.f(-1000)).toBe(-1);
    expect(e.df(-1000)).toBe(0);
    expectClose(s.f(-1000), -1.7580993408473766);
    expect(s.df(-1000)).toBe(0);
  });
  it('use expm1 near 0: elu(-1e-8) is -9.99999995e-9, not 0', () => {
    expectClose(e.f(-1e-8), -9.99999995e-9);
    expect(s.f(-1e-8)).toBeLessThan(0);
    expectClose(s.f(-1e-8), -1.7580993408473766 * 9.99999995e-9);
  });
  it("have elu'(-40) = 4.248354255291589e-18", () => {
    expectClose(e.df(-40), 4.248354255291589e-18);
  });
  it('have gradient 1 (times the scale for selu), not NaN, at +1000', () => {
    expect(e.df(1000)).toBe(1);
    expectClose(s.df(1000), 1.0507009873554805);
  });
});

describe('silu at extreme inputs', () => {
  const s = fn('silu');
  it('is -0 at -1000', () => {
    expect(Object.is(s.f(-1000), -0)).toBe(true);
  });
  it("has silu'(-40) = -1.6568e-16", () => {
    expect(Math.abs(s.df(-40) - -1.6568e-16)).toBeLessThanOrEqual(1e-4 * 1.6568e-16);
  });
  it('is 1000 with gradient 1 at 1000', () => {
    expect(s.f(1000)).toBe(1000);
    expect(s.df(1000)).toBe(1);
  });
});

describe('exact gelu at extreme inputs', () => {
  const g = fn('gelu');
  it('is -7.619853024160526e-23 at -10 (erfc, not 1 + erf)', () => {
    expectClose(g.f(-10), -7.619853024160526e-23);
  });
  it('is -0 at -40', () => {
    expect(Object.is(g.f(-40), -0)).toBe(true);
  });
  it('never gives NaN for a finite input', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (x) => noNaN(g.f(x)) && noNaN(g.df(x)),
      ),
      { numRuns: 1000, seed: SEED },
    );
  });
});

describe('tanh-form gelu at extreme inputs', () => {
  const g = fn('gelu', { approximate: 'tanh' });
  it('never gives NaN for a finite input', () => {
    fc.assert(
      fc.property(
        fc.double({ noNaN: true, noDefaultInfinity: true }),
        (x) => noNaN(g.f(x)) && noNaN(g.df(x)),
      ),
      { numRuns: 1000, seed: SEED },
    );
  });
  it('never gives NaN in float32 around -13, where a naive exp of the tanh argument overflows', () => {
    const xs = Array.from({ length: 201 }, (_, i) => -20 + i * 0.1);
    expect(Array.from(g.f32(xs)).filter(Number.isNaN)).toEqual([]);
  });
});

describe('mish at extreme inputs', () => {
  const m = fn('mish');
  it('is 1000 with gradient 1 at 1000', () => {
    expect(m.f(1000)).toBe(1000);
    expect(m.df(1000)).toBe(1);
  });
  it('is +Infinity at +Infinity', () => {
    expect(m.f(Number.POSITIVE_INFINITY)).toBe(Number.POSITIVE_INFINITY);
  });
  it('is -0 with gradient 0 at -1000', () => {
    expect(Object.is(m.f(-1000), -0)).toBe(true);
    expect(m.df(-1000)).toBe(0);
  });
  it('has no NaN gradient on [29, 1e308]', () => {
    fc.assert(
      fc.property(fc.double({ min: 29, max: 1e308, noNaN: true }), (x) => noNaN(m.df(x))),
      { numRuns: 1000, seed: SEED },
    );
  });
});

describe('the relu family at extreme inputs', () => {
  it('gives relu(NaN) = NaN', () => {
    expect(fn('relu').f(Number.NaN)).toBeNaN();
  });
  it('gives relu6(1e9) = 6', () => {
    expect(fn('relu6').f(1e9)).toBe(6);
  });
  it('gives relu6 gradient 0 at 6 and at 0', () => {
    expect(fn('relu6').df(6)).toBe(0);
    expect(fn('relu6').df(0)).toBe(0);
  });
});

describe('softmax and log_softmax at extreme inputs', () => {
  it('give [0.5, 0.5] for [1000, 1000] and [1, 0] for [1000, 0]', () => {
    const [a, b] = rows('softmax', [
      [1000, 1000],
      [1000, 0],
    ]);
    expect(a!.y).toEqual([0.5, 0.5]);
    expect(b!.y).toEqual([1, 0]);
    const [la] = rows('log_softmax', [[1000, 1000]]);
    expectClose(la!.y[0]!, -Math.LN2);
  });
  it('follow the documented rule on a fully -Infinity row, with a finite gradient', () => {
    const [s] = rows('softmax', [[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]]);
    expect(s!.y).toEqual([0.5, 0.5]);
    expect(s!.gx.every(Number.isFinite)).toBe(true);
    const [l] = rows('log_softmax', [[Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY]]);
    expectClose(l!.y[0]!, -Math.LN2);
    expectClose(l!.y[1]!, -Math.LN2);
    expect(l!.gx.every(Number.isFinite)).toBe(true);
  });
});
