/**
 * Seeded shuffling, splitting and batching. Every random choice comes from a
 * `Random`, so the same seed gives the same order, splits and batches.
 */
import { Random } from '../tensor/random.js';
import { DataError } from './errors.js';
import type { Dataset } from './types.js';

/** Number of samples (the first dimension). */
export function sampleCount(ds: Dataset): number {
  return ds.xShape[0] ?? 0;
}

/** Number of values in one sample (product of the dimensions after the first). */
export function sampleSize(ds: Dataset): number {
  return ds.xShape.slice(1).reduce((a, b) => a * b, 1);
}

/** A new data set with the samples at `indices`, in that order (copies, never views). */
export function gatherRows<D extends Dataset>(ds: D, indices: ArrayLike<number>): D {
  const n = sampleCount(ds);
  const size = sampleSize(ds);
  const x = new Float32Array(indices.length * size);
  const y =
    ds.y instanceof Int32Array ? new Int32Array(indices.length) : new Float32Array(indices.length);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new RangeError(`gatherRows: index ${i} out of range 0..${n - 1}`);
    }
    x.set(ds.x.subarray(i * size, (i + 1) * size), k * size);
    y[k] = ds.y[i]!;
  }
  return { ...ds, x, xShape: [indices.length, ...ds.xShape.slice(1)], y };
}

/** Seed or generator, for functions that make one random choice sequence. */
export type SeedOrRandom = number | Random;

function toRandom(seed: SeedOrRandom | undefined): Random {
  return seed instanceof Random ? seed : new Random(seed ?? 0);
}

/** A seeded permutation of the samples. */
export function shuffleDataset<D extends Dataset>(ds: D, seed?: SeedOrRandom): D {
  return gatherRows(ds, toRandom(seed).permutation(sampleCount(ds)));
}

function checkFraction(name: string, f: number): void {
  if (!Number.isFinite(f) || f < 0 || f >= 1) {
    throw new DataError(`${name} must be a fraction in [0, 1), got ${f}`);
  }
}

export interface SplitOptions {
  /** Fraction of the samples for validation (default 0). */
  validation?: number;
  /** Fraction of the samples for test (default 0). */
  test?: number;
  seed?: SeedOrRandom;
}

export interface Splits<D extends Dataset> {
  train: D;
  validation: D;
  test: D;
}

/**
 * Shuffles the samples (seeded) and cuts them into train, validation and test.
 * The test and validation sizes are the fractions of n rounded to the nearest
 * integer; train keeps the rest and must not be empty. The three are disjoint
 * and together hold every sample once.
 */
export function splitDataset<D extends Dataset>(ds: D, options: SplitOptions = {}): Splits<D> {
  const validation = options.validation ?? 0;
  const test = options.test ?? 0;
  checkFraction('validation fraction', validation);
  checkFraction('test fraction', test);
  const n = sampleCount(ds);
  const nTest = Math.round(n * test);
  const nVal = Math.round(n * validation);
  const nTrain = n - nTest - nVal;
  if (nTrain < 1) {
    throw new DataError(
      `split leaves no training samples: ${n} samples, validation ${validation}, test ${test}`,
    );
  }
  const order = toRandom(options.seed).permutation(n);
  return {
    train: gatherRows(ds, order.subarray(0, nTrain)),
    validation: gatherRows(ds, order.subarray(nTrain, nTrain + nVal)),
    test: gatherRows(ds, order.subarray(nTrain + nVal)),
  };
}

/** `splitDataset` with only a test part. */
export function trainTestSplit<D extends Dataset>(
  ds: D,
  testFraction: number,
  seed?: SeedOrRandom,
): { train: D; test: D } {
  const { train, test } = splitDataset(ds, { test: testFraction, seed });
  return { train, test };
}

export interface BatchOptions {
  /** Shuffle the order before batching (default true, as Keras `fit`). */
  shuffle?: boolean;
  seed?: SeedOrRandom;
  /** Leave out a last batch smaller than batchSize (default false). */
  dropRemainder?: boolean;
}

/**
 * The sample indices of each batch for one epoch: consecutive slices of a
 * (seeded) permutation of 0..n-1, each of batchSize except possibly the last.
 */
export function* batches(
  n: number,
  batchSize: number,
  options: BatchOptions = {},
): Generator<Int32Array, void, undefined> {
  if (!Number.isSafeInteger(n) || n < 0)
    throw new DataError(`sample count must be an integer >= 0, got ${n}`);
  if (!Number.isSafeInteger(batchSize) || batchSize < 1) {
    throw new DataError(`batch size must be an integer >= 1, got ${batchSize}`);
  }
  let order: Int32Array;
  if (options.shuffle ?? true) {
    order = toRandom(options.seed).permutation(n);
  } else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(start + batchSize, n);
    if (end - start < batchSize && options.dropRemainder) return;
    yield order.slice(start, end);
  }
}
