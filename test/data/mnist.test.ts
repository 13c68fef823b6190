import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { DataError } from '../../src/data/errors.js';
import { loadMnistDigits } from '../../src/data/mnist-digits.js';
import type { Dataset } from '../../src/data/types.js';
import { countLabels } from './helpers.js';

/** The package's own API, an independent reader of the same digits. */
interface MnistDigit {
  length: number;
  get(i: number): number[];
}
const pkg = createRequire(import.meta.url)('mnist') as MnistDigit[];

const SIZE = 784;

/** A key per image (its float32 pixels), to compare images across readers. */
function keys(ds: Dataset): string[] {
  const n = ds.xShape[0]!;
  return Array.from({ length: n }, (_, i) => ds.x.subarray(i * SIZE, (i + 1) * SIZE).join(','));
}

describe('the mnist package digits', () => {
  const { train, test, classNames } = loadMnistDigits({ seed: 1 });

  it('gives 8,000 training and 2,000 test images of [28, 28, 1] by default', () => {
    expect(train.xShape).toEqual([8000, 28, 28, 1]);
    expect(test.xShape).toEqual([2000, 28, 28, 1]);
    expect(train.x.length).toBe(8000 * SIZE);
    expect(train.y).toBeInstanceOf(Int32Array);
    expect(train.numClasses).toBe(10);
    expect(classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  });

  it('keeps every pixel in [0, 1] and every label in 0..9, each digit present', () => {
    for (const ds of [train, test]) {
      expect(ds.x.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(ds.y.every((v) => Number.isInteger(v) && v >= 0 && v <= 9)).toBe(true);
      expect(countLabels(ds.y, 10).every((c) => c > 0)).toBe(true);
    }
  });

  it('holds all 10,000 digits of the package once between train and test, with their labels', () => {
    const counts = countLabels([...train.y, ...test.y], 10);
    expect(counts).toEqual(pkg.slice(0, 10).map((d) => d.length));
    const ours = new Map<string, number>();
    [train, test].forEach((ds) => {
      keys(ds).forEach((k, i) => {
        ours.set(k, ds.y[i]!);
      });
    });
    // Same images as the package's own get(i), under the same digit (and none twice: 10,000 keys).
    expect(ours.size).toBe(10_000);
    for (let digit = 0; digit < 10; digit++) {
      for (const i of [0, 1, pkg[digit]!.length - 1]) {
        const key = Float32Array.from(pkg[digit]!.get(i)).join(',');
        expect(ours.get(key)).toBe(digit);
      }
    }
  });

  it('makes the same split for the same seed and another for another seed', () => {
    const again = loadMnistDigits({ train: 300, test: 100, seed: 1 });
    const same = loadMnistDigits({ train: 300, test: 100, seed: 1 });
    const other = loadMnistDigits({ train: 300, test: 100, seed: 2 });
    expect(Array.from(again.train.x)).toEqual(Array.from(same.train.x));
    expect(Array.from(again.test.y)).toEqual(Array.from(same.test.y));
    expect(Array.from(again.train.y)).not.toEqual(Array.from(other.train.y));
  });

  it('keeps small train and test sets disjoint', () => {
    const { train: a, test: b } = loadMnistDigits({ train: 500, test: 500, seed: 3 });
    const trainKeys = new Set(keys(a));
    expect(keys(b).filter((k) => trainKeys.has(k))).toEqual([]);
  });

  it('refuses more samples than the package has and counts that are not integers', () => {
    expect(() => loadMnistDigits({ train: 9000, test: 1001 })).toThrow(DataError);
    expect(() => loadMnistDigits({ train: 0 })).toThrow(/train/);
    expect(() => loadMnistDigits({ test: 1.5 })).toThrow(/test/);
  });
});
