import { describe, expect, it } from 'vitest';
import { computeFans, getInitializer } from '../../src/nn/initializers.js';
import { Random } from '../../src/tensor/random.js';

function stats(a: ArrayLike<number>): { mean: number; variance: number; maxAbs: number } {
  let s = 0;
  let maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i]!;
    maxAbs = Math.max(maxAbs, Math.abs(a[i]!));
  }
  const mean = s / a.length;
  let v = 0;
  for (let i = 0; i < a.length; i++) v += (a[i]! - mean) ** 2;
  return { mean, variance: v / a.length, maxAbs };
}

describe('fans follow the Keras rules', () => {
  it('takes a Dense kernel [in, out] as fan_in = in, fan_out = out', () => {
    expect(computeFans([784, 128])).toEqual({ fanIn: 784, fanOut: 128 });
  });
  it('multiplies a conv kernel [kh, kw, in, out] by the receptive field', () => {
    expect(computeFans([5, 5, 3, 6])).toEqual({ fanIn: 75, fanOut: 150 });
  });
});

describe('variance-scaling initializers meet their variance laws', () => {
  const cases: [
    string,
    number[],
    (fanIn: number, fanOut: number) => number,
    'uniform' | 'normal',
  ][] = [
    ['glorot_uniform', [300, 200], (i, o) => 2 / (i + o), 'uniform'],
    ['glorot_normal', [300, 200], (i, o) => 2 / (i + o), 'normal'],
    ['he_uniform', [3, 3, 64, 32], (i) => 2 / i, 'uniform'],
    ['he_normal', [3, 3, 64, 32], (i) => 2 / i, 'normal'],
    ['lecun_uniform', [400, 150], (i) => 1 / i, 'uniform'],
    ['lecun_normal', [400, 150], (i) => 1 / i, 'normal'],
  ];
  for (const [name, shape, law, kind] of cases) {
    it(`${name} on [${shape.join(', ')}] has Var(w) within 4% of the law and mean near 0`, () => {
      const w = getInitializer(name).generate(shape, 'float64', new Random(3));
      const { fanIn, fanOut } = computeFans(shape);
      const target = law(fanIn, fanOut);
      const { mean, variance, maxAbs } = stats(w);
      expect(Math.abs(variance / target - 1)).toBeLessThan(0.04);
      expect(Math.abs(mean)).toBeLessThan(4 * Math.sqrt(target / w.length));
      // Uniform: |w| <= sqrt(3·var); truncated normal: |w| <= 2 std of the untruncated normal.
      const bound =
        kind === 'uniform' ? Math.sqrt(3 * target) : (2 * Math.sqrt(target)) / 0.8796256610342398;
      expect(maxAbs).toBeLessThanOrEqual(bound);
    });
  }
});

describe('other initializers', () => {
  it('orthogonal gives orthonormal columns (tall) or rows (wide)', () => {
    for (const [r, c] of [
      [40, 12],
      [12, 40],
    ] as const) {
      const w = getInitializer('orthogonal').generate([r, c], 'float64', new Random(5));
      const small = Math.min(r, c);
      for (let a = 0; a < small; a++) {
        for (let b = 0; b < small; b++) {
          let dot = 0;
          const len = Math.max(r, c);
          for (let k = 0; k < len; k++)
            dot += r >= c ? w[k * c + a]! * w[k * c + b]! : w[a * c + k]! * w[b * c + k]!;
          expect(Math.abs(dot - (a === b ? 1 : 0))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('constant, zeros and ones fill their value', () => {
    expect(
      Array.from(
        getInitializer({ name: 'constant', value: 0.25 }).generate([3], 'float64', new Random(0)),
      ),
    ).toEqual([0.25, 0.25, 0.25]);
    expect(Array.from(getInitializer('zeros').generate([2], 'float32', new Random(0)))).toEqual([
      0, 0,
    ]);
    expect(Array.from(getInitializer('ones').generate([2], 'float32', new Random(0)))).toEqual([
      1, 1,
    ]);
  });

  it('random_normal, random_uniform and truncated_normal follow their parameters', () => {
    const n = getInitializer({ name: 'random_normal', stddev: 2 }).generate(
      [20000],
      'float64',
      new Random(1),
    );
    expect(Math.abs(stats(n).variance / 4 - 1)).toBeLessThan(0.04);
    const u = getInitializer({ name: 'random_uniform', minval: 1, maxval: 3 }).generate(
      [20000],
      'float64',
      new Random(1),
    );
    expect(Math.min(...u)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...u)).toBeLessThan(3);
    expect(Math.abs(stats(u).mean - 2)).toBeLessThan(0.03);
    const t = getInitializer({ name: 'truncated_normal', stddev: 1 }).generate(
      [20000],
      'float64',
      new Random(1),
    );
    expect(stats(t).maxAbs).toBeLessThanOrEqual(2);
    // Variance of a unit normal truncated to [-2, 2]: 0.8796256610342398².
    expect(Math.abs(stats(t).variance / 0.8796256610342398 ** 2 - 1)).toBeLessThan(0.04);
  });

  it('draws the same values from the same seed', () => {
    const a = getInitializer('he_normal').generate([10, 10], 'float32', new Random(9));
    const b = getInitializer('he_normal').generate([10, 10], 'float32', new Random(9));
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('names the valid initializers for an unknown one', () => {
    expect(() => getInitializer('glorot_unifrom')).toThrow(/did you mean 'glorot_uniform'/);
    expect(() => getInitializer('nope')).toThrow(/valid: zeros, ones, constant/);
  });
});
