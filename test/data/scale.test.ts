import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { applyScaler, fitScaler, scaleSplits } from '../../src/data/scale.js';
import type { Dataset } from '../../src/data/types.js';
import { Random } from '../../src/tensor/random.js';

/** n samples of 3 features on very different scales, the last one constant. */
function sample(n: number, seed: number): Dataset {
  const rng = new Random(seed);
  const x = new Float32Array(n * 3);
  for (let i = 0; i < n; i++) x.set([rng.normal(100, 15), rng.uniform(-0.01, 0.03), 7], i * 3);
  return { x, xShape: [n, 3], y: new Int32Array(n) };
}

function column(ds: Dataset, j: number): number[] {
  const d = 3;
  return Array.from({ length: ds.xShape[0]! }, (_, i) => ds.x[i * d + j]!);
}

const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
const std = (v: number[]) => Math.sqrt(mean(v.map((a) => (a - mean(v)) ** 2)));

describe('minmax scaling', () => {
  it('maps each varying training feature onto exactly [0, 1]', () => {
    const { train } = scaleSplits(sample(300, 1), [], 'minmax');
    for (const j of [0, 1]) {
      expect(Math.min(...column(train, j))).toBeCloseTo(0, 6);
      expect(Math.max(...column(train, j))).toBeCloseTo(1, 6);
    }
  });

  it('fits min and range on the training split and applies the same map to the others', () => {
    const train = sample(300, 1);
    const test = sample(100, 2);
    const scaled = scaleSplits(train, [test], 'minmax');
    const min0 = Math.min(...column(train, 0));
    const max0 = Math.max(...column(train, 0));
    expect(scaled.scaler.offset[0]).toBe(min0);
    expect(scaled.scaler.scale[0]).toBe(max0 - min0);
    const back = column(scaled.others[0]!, 0).map((v) => v * (max0 - min0) + min0);
    back.forEach((v, i) => {
      expect(v).toBeCloseTo(column(test, 0)[i]!, 3);
    });
  });
});

describe('standardize scaling', () => {
  it('gives each varying training feature mean 0 and population standard deviation 1', () => {
    const { train, scaler } = scaleSplits(sample(500, 3), [], 'standardize');
    expect(scaler.method).toBe('standardize');
    for (const j of [0, 1]) {
      expect(mean(column(train, j))).toBeCloseTo(0, 5);
      expect(std(column(train, j))).toBeCloseTo(1, 5);
    }
  });

  it('records the training mean and standard deviation as offset and scale', () => {
    const train = sample(500, 3);
    const { scaler } = scaleSplits(train, [], 'standardize');
    expect(scaler.offset[0]).toBeCloseTo(mean(column(train, 0)), 9);
    expect(scaler.scale[0]).toBeCloseTo(std(column(train, 0)), 9);
  });
});

describe('scaling edge cases', () => {
  it('maps a constant feature to 0 with scale 1 instead of dividing by zero', () => {
    for (const method of ['minmax', 'standardize'] as const) {
      const { train, scaler } = scaleSplits(sample(50, 4), [], method);
      expect(scaler.scale[2]).toBe(1);
      expect(column(train, 2).every((v) => v === 0)).toBe(true);
    }
  });

  it("leaves the data untouched with 'none'", () => {
    const ds = sample(20, 5);
    const { train, others, scaler } = scaleSplits(ds, [ds], 'none');
    expect(Array.from(train.x)).toEqual(Array.from(ds.x));
    expect(Array.from(others[0]!.x)).toEqual(Array.from(ds.x));
    expect(Array.from(scaler.offset)).toEqual([0, 0, 0]);
    expect(Array.from(scaler.scale)).toEqual([1, 1, 1]);
  });

  it('rejects an unknown method, an empty training split and a feature count mismatch', () => {
    expect(() => fitScaler(sample(5, 1), 'zscore' as 'none')).toThrow(DataError);
    expect(() =>
      fitScaler({ x: new Float32Array(0), xShape: [0, 3], y: new Int32Array(0) }, 'minmax'),
    ).toThrow(/empty/);
    const scaler = fitScaler(sample(5, 1), 'minmax');
    expect(() =>
      applyScaler({ x: new Float32Array(4), xShape: [2, 2], y: new Int32Array(2) }, scaler),
    ).toThrow(/3 features/);
  });
});
