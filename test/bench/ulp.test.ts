import { describe, expect, it } from 'vitest';
import { resolveElementwise } from '../../src/activations/registry.js';
import { accuracyInputs, ulpError, worstUlp } from '../../src/bench/ulp.js';
import { getBackend, setBackend } from '../../src/kernels/backend.js';
import '../../src/kernels/select.js';

/** The float32 value k steps above v (v > 0). */
function stepsAbove(v: number, k: number): number {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  u[0] = u[0]! + k;
  return f[0]!;
}

describe('ulpError', () => {
  it('counts float32 steps between a result and the rounded exact value', () => {
    expect(ulpError(Math.fround(0.1), 0.1)).toBe(0);
    expect(ulpError(stepsAbove(1.5, 3), 1.5)).toBe(3);
    // Across zero, −0 and +0 are one point.
    expect(ulpError(-(2 ** -149), 2 ** -149)).toBe(2);
    expect(ulpError(-0, 0)).toBe(0);
  });

  it('forgives a flush to 0 below FLT_MIN and nothing else', () => {
    expect(ulpError(0, 2 ** -130)).toBe(0);
    expect(ulpError(0, 2 ** -125)).toBeGreaterThan(1000);
  });

  it('treats NaN and infinities exactly', () => {
    expect(ulpError(Number.NaN, Number.NaN)).toBe(0);
    expect(ulpError(1, Number.NaN)).toBe(Number.POSITIVE_INFINITY);
    expect(ulpError(Number.POSITIVE_INFINITY, 1e300)).toBe(0);
    expect(ulpError(3.4e38, 1e300)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('worstUlp', () => {
  const x = accuracyInputs(Float32Array.from([-3, -0.5, 0, 0.25, 2]));

  it('covers the far tails and tiny magnitudes', () => {
    const finite = Array.from(x).filter(Number.isFinite);
    expect(Math.max(...finite)).toBeGreaterThan(1e30);
    expect(Math.min(...finite.map(Math.abs).filter((v) => v > 0))).toBeLessThan(1e-30);
  });

  it('finds the error it is shown: relu on the js backend is exact, a biased kernel is not', () => {
    const before = getBackend().name;
    try {
      const backend = setBackend('js');
      const { spec, params } = resolveElementwise('relu', {});
      expect(worstUlp(backend, spec, params, x)).toBe(0);
      const biased = {
        ...backend,
        unaryForward: (...a: Parameters<typeof backend.unaryForward>) => {
          backend.unaryForward(...a);
          const y = a[3];
          for (let i = 0; i < y.length; i++) if (y[i]! > 1) y[i] = stepsAbove(y[i]!, 2);
        },
      };
      expect(worstUlp(biased, spec, params, x)).toBe(2);
    } finally {
      setBackend(before);
    }
  });
});
