import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatValue, shortestFloat32 } from '../../src/cli/format.js';
import { toJson } from '../../src/cli/json.js';

describe('shortestFloat32', () => {
  it('prints the digits TensorFlow prints for float32 values', () => {
    // numpy/TensorFlow float32 reprs
    expect(shortestFloat32(Math.fround(1 / 3))).toBe('0.33333334');
    expect(shortestFloat32(Math.fround(0.1))).toBe('0.1');
    expect(shortestFloat32(Math.fround(16777217))).toBe('16777216');
    expect(shortestFloat32(2 ** -149)).toBe('1e-45');
    expect(shortestFloat32(Math.fround(3.4028234663852886e38))).toBe('3.4028235e+38');
  });

  it('keeps the sign of zero and spells the special values', () => {
    expect(shortestFloat32(-0)).toBe('-0');
    expect(shortestFloat32(Number.NaN)).toBe('NaN');
    expect(shortestFloat32(Number.NEGATIVE_INFINITY)).toBe('-Infinity');
  });

  it('always reads back as the same float32, and no shorter decimal would', () => {
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (v) => {
        const text = shortestFloat32(v);
        expect(Object.is(Math.fround(Number(text)), v) || (v === 0 && Number(text) === 0)).toBe(
          true,
        );
        const digits = text.replace(/^-/, '').replace(/e.*$/, '').replace('.', '');
        const significant = digits.replace(/^0+/, '').replace(/0+$/, '');
        if (significant.length > 1) {
          expect(Math.fround(Number(v.toPrecision(significant.length - 1)))).not.toBe(v);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('prints float64 values in their shortest round-trip form', () => {
    expect(formatValue(0.1 + 0.2, 'float64')).toBe('0.30000000000000004');
    expect(formatValue(-0, 'float64')).toBe('-0');
  });
});

describe('toJson', () => {
  it('writes non-finite numbers as strings and keeps -0, so the JSON parses back to the numbers', () => {
    const text = toJson({
      a: [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 1e-300],
    });
    expect(text).toBe('{"a":["NaN","Infinity","-Infinity",-0,1e-300]}');
    expect(Object.is((JSON.parse(text) as { a: unknown[] }).a[3], -0)).toBe(true);
  });

  it('agrees with JSON.stringify on ordinary values, indented or not', () => {
    const value = { s: 'q"uote', b: true, n: null, o: { list: [{ x: 1 }, 'y'] }, e: [], f: {} };
    expect(toJson(value)).toBe(JSON.stringify(value));
    expect(JSON.parse(toJson(value, 2))).toEqual(value);
  });
});
