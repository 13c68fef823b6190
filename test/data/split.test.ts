import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import {
  batches,
  gatherRows,
  shuffleDataset,
  splitDataset,
  trainTestSplit,
} from '../../src/data/split.js';
import type { ClassificationDataset } from '../../src/data/types.js';
import { Random } from '../../src/tensor/random.js';
import { row } from './helpers.js';

/** Sample i has features [i, -2i, i/7] and label i mod 3, so every row can be traced. */
function traced(n: number): ClassificationDataset {
  const x = new Float32Array(n * 3);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set([i, -2 * i, i / 7], i * 3);
    y[i] = i % 3;
  }
  return { x, xShape: [n, 3], y, numClasses: 3 };
}

/** The original indices of the samples of a traced data set, checking each row is intact. */
function ids(ds: ClassificationDataset): number[] {
  return Array.from({ length: ds.xShape[0]! }, (_, k) => {
    const [i, b, c] = row(ds, k) as [number, number, number];
    expect(b).toBe(-2 * i);
    expect(c).toBe(Math.fround(i / 7));
    expect(ds.y[k]).toBe(i % 3);
    return i;
  });
}

describe('gatherRows', () => {
  it('copies the chosen rows in the given order with their labels', () => {
    const ds = gatherRows(traced(10), [7, 2, 2]);
    expect(ds.xShape).toEqual([3, 3]);
    expect(ids(ds)).toEqual([7, 2, 2]);
    expect(ds.numClasses).toBe(3);
  });

  it('refuses an index outside the data set', () => {
    expect(() => gatherRows(traced(4), [4])).toThrow(RangeError);
  });
});

describe('shuffleDataset', () => {
  it('returns a permutation of the samples with rows intact', () => {
    const got = ids(shuffleDataset(traced(50), 3));
    expect([...got].sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(got).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('is reproducible by seed and differs across seeds', () => {
    expect(ids(shuffleDataset(traced(50), 3))).toEqual(ids(shuffleDataset(traced(50), 3)));
    expect(ids(shuffleDataset(traced(50), 3))).not.toEqual(ids(shuffleDataset(traced(50), 4)));
  });
});

describe('splitDataset', () => {
  it('sizes validation and test as the rounded fractions and gives train the rest', () => {
    const { train, validation, test } = splitDataset(traced(101), {
      validation: 0.1,
      test: 0.25,
      seed: 1,
    });
    expect(test.xShape[0]).toBe(Math.round(101 * 0.25));
    expect(validation.xShape[0]).toBe(Math.round(101 * 0.1));
    expect(train.xShape[0]).toBe(101 - 25 - 10);
  });

  it('makes disjoint parts that together hold every sample once', () => {
    const { train, validation, test } = splitDataset(traced(200), {
      validation: 0.2,
      test: 0.3,
      seed: 9,
    });
    const all = [...ids(train), ...ids(validation), ...ids(test)];
    expect(new Set(all).size).toBe(200);
    expect(all.length).toBe(200);
  });

  it('is reproducible by seed, also when given a Random, and differs across seeds', () => {
    const a = trainTestSplit(traced(100), 0.3, 5);
    const b = trainTestSplit(traced(100), 0.3, new Random(5));
    const c = trainTestSplit(traced(100), 0.3, 6);
    expect(ids(a.test)).toEqual(ids(b.test));
    expect(ids(a.test)).not.toEqual(ids(c.test));
  });

  it('rejects fractions outside [0, 1) and splits that leave no training sample', () => {
    expect(() => trainTestSplit(traced(10), 1)).toThrow(DataError);
    expect(() => trainTestSplit(traced(10), -0.1)).toThrow(/test fraction/);
    expect(() => splitDataset(traced(10), { validation: 0.5, test: 0.5 })).toThrow(
      /no training samples/,
    );
  });
});

describe('batches', () => {
  it('covers every index exactly once in batches of batchSize and a smaller last one', () => {
    const got = [...batches(23, 5, { seed: 2 })];
    expect(got.map((b) => b.length)).toEqual([5, 5, 5, 5, 3]);
    const flat = got.flatMap((b) => Array.from(b));
    expect([...flat].sort((a, b) => a - b)).toEqual(Array.from({ length: 23 }, (_, i) => i));
  });

  it('keeps the order 0..n-1 without shuffling', () => {
    const flat = [...batches(7, 3, { shuffle: false })].flatMap((b) => Array.from(b));
    expect(flat).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('drops a short last batch when asked', () => {
    expect([...batches(23, 5, { dropRemainder: true })].map((b) => b.length)).toEqual([5, 5, 5, 5]);
    expect([...batches(20, 5, { dropRemainder: true })].length).toBe(4);
  });

  it('is reproducible by seed and differs across seeds', () => {
    const order = (seed: number) => [...batches(40, 8, { seed })].flatMap((b) => Array.from(b));
    expect(order(1)).toEqual(order(1));
    expect(order(1)).not.toEqual(order(2));
  });

  it('yields nothing for no samples and rejects a batch size below 1', () => {
    expect([...batches(0, 4)]).toEqual([]);
    expect(() => [...batches(10, 0)]).toThrow(DataError);
  });
});
