import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { DATASET_NAMES, loadDataset } from '../../src/data/load.js';
import { SYNTHETIC_NAMES } from '../../src/data/synthetic.js';

describe('loadDataset for the 2-D sets', () => {
  for (const name of SYNTHETIC_NAMES) {
    it(`splits ${name} half and half by default, as the Playground's 50 % training data`, () => {
      const ds = loadDataset(name);
      expect(ds.name).toBe(name);
      expect(ds.train.xShape).toEqual([250, 2]);
      expect(ds.test.xShape).toEqual([250, 2]);
      expect(ds.inputShape).toEqual([2]);
      expect(ds.numClasses).toBe(2);
      expect(ds.scaler.method).toBe('none');
    });
  }

  it('honours samples and testFraction', () => {
    const ds = loadDataset('circle', { samples: 200, testFraction: 0.3 });
    expect(ds.train.xShape[0]).toBe(140);
    expect(ds.test.xShape[0]).toBe(60);
  });

  it('is reproducible by seed and differs across seeds, also where the points do not', () => {
    const a = loadDataset('spiral', { seed: 11 });
    const b = loadDataset('spiral', { seed: 11 });
    const c = loadDataset('spiral', { seed: 12 });
    expect(Array.from(a.train.x)).toEqual(Array.from(b.train.x));
    expect(Array.from(a.test.y)).toEqual(Array.from(b.test.y));
    expect(Array.from(a.train.x)).not.toEqual(Array.from(c.train.x));
  });

  it('shuffles before splitting, so both classes are in each part', () => {
    const ds = loadDataset('gauss', { seed: 2 });
    for (const part of [ds.train, ds.test]) {
      const ones = part.y.reduce((s, v) => s + v, 0);
      expect(ones).toBeGreaterThan(0);
      expect(ones).toBeLessThan(part.y.length);
    }
  });

  it('caps the training samples with limit and leaves the test split alone', () => {
    const ds = loadDataset('xor', { limit: 40 });
    expect(ds.train.xShape).toEqual([40, 2]);
    expect(ds.test.xShape).toEqual([250, 2]);
  });

  it('scales with statistics of the training split and returns them', () => {
    const ds = loadDataset('xor', { scale: 'minmax', seed: 4 });
    expect(ds.scaler.method).toBe('minmax');
    expect(Math.min(...ds.train.x)).toBeCloseTo(0, 6);
    expect(Math.max(...ds.train.x)).toBeCloseTo(1, 6);
    const raw = loadDataset('xor', { seed: 4 });
    expect(ds.scaler.offset[0]).toBe(Math.min(...raw.train.x.filter((_, i) => i % 2 === 0)));
  });
});

describe('loadDataset for mnist', () => {
  it('uses the package digits with an 8,000 / 2,000 split, limit capping training', () => {
    const ds = loadDataset('mnist', { limit: 500, seed: 1 });
    expect(ds.train.xShape).toEqual([500, 28, 28, 1]);
    expect(ds.test.xShape).toEqual([2000, 28, 28, 1]);
    expect(ds.inputShape).toEqual([28, 28, 1]);
    expect(ds.numClasses).toBe(10);
  });
});

describe('loadDataset on bad requests', () => {
  it('names an unknown data set, suggests the closest and lists the valid names', () => {
    const err = (() => {
      try {
        loadDataset('spirals');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(DataError);
    const message = (err as Error).message;
    expect(message).toContain("unknown data set 'spirals'");
    expect(message).toContain("did you mean 'spiral'");
    for (const name of DATASET_NAMES) expect(message).toContain(name);
    expect(message).toContain('.csv');
  });

  it('rejects a bad limit, test fraction or scaling', () => {
    expect(() => loadDataset('xor', { limit: 0 })).toThrow(/limit/);
    expect(() => loadDataset('xor', { testFraction: 1 })).toThrow(/testFraction/);
    expect(() => loadDataset('xor', { testFraction: 0 })).toThrow(/testFraction/);
    expect(() => loadDataset('xor', { scale: 'zscore' as 'none' })).toThrow(DataError);
  });
});
