/**
 * Sequence tasks for recurrent networks, generated from a seed.
 *
 * - adding (Hochreiter & Schmidhuber 1997; the form of Le et al. 2015): each
 *   step has two features, a value drawn from U(0, 1) and a marker; exactly two
 *   steps are marked, one in each half of the sequence. The target is the sum
 *   of the two marked values. Predicting 1 whatever the input gives an MSE of
 *   1/6 (the variance of the sum), the baseline a model must beat.
 * - copy (Arjovsky, Shah & Bengio 2016): `copyLength` symbols from 1..8, then
 *   `seqLen` − 1 blanks, a delimiter (9), and `copyLength` blanks; the target is
 *   blank (0) everywhere except the last `copyLength` steps, which repeat the
 *   symbols. Inputs are one-hot over 10 categories, targets one-hot over 9.
 *   Total length `seqLen` + 2·`copyLength`. A model that outputs blanks and
 *   then guesses uniformly scores copyLength·ln 8 / length in cross-entropy.
 * - sine: `seqLen` noisy samples of sin(ω t + φ) (ω ~ U(0.1, 0.5),
 *   φ ~ U(0, 2π), Gaussian noise of standard deviation `noise`); the target is
 *   the clean value at the next step, t = seqLen. Predicting 0 gives an MSE
 *   near 1/2 (the mean of sin²).
 */
import { closest } from '../activations/errors.js';
import { Random } from '../tensor/random.js';
import { DataError } from './errors.js';

export const SEQUENCE_TASK_NAMES = ['adding', 'copy', 'sine'] as const;
export type SequenceTaskName = (typeof SEQUENCE_TASK_NAMES)[number];

export function isSequenceTaskName(name: string): name is SequenceTaskName {
  return (SEQUENCE_TASK_NAMES as readonly string[]).includes(name);
}

/** Samples of a sequence task: x is [n, time, features], y is [n, ...target shape]. */
export interface SequenceDataset {
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  yShape: number[];
}

export interface SequenceTaskOptions {
  /** Length T of the sequences (copy: the delay between the symbols and the delimiter). Default 50. */
  seqLen?: number;
  /** Number of sequences (default 1000). */
  samples?: number;
  /** Noise of the sine task (default 0.1). */
  noise?: number;
  /** Symbols to copy (default 10, as Arjovsky et al.). */
  copyLength?: number;
  /** Seed of a fresh generator (default 0); ignored when `rng` is given. */
  seed?: number;
  rng?: Random;
}

/** What `loadDataset` returns for a sequence task. */
export interface LoadedSequenceDataset {
  name: SequenceTaskName;
  kind: 'sequence';
  /** Regression (adding, sine: MSE) or a class per step (copy: cross-entropy). */
  task: 'regression' | 'classification';
  train: SequenceDataset;
  test: SequenceDataset;
  /** One sample's input shape, [time, features]. */
  inputShape: number[];
  /** One sample's target shape: [1] for adding and sine, [time, 9] for copy. */
  targetShape: number[];
  /** The Keras loss name that fits the task. */
  loss: 'mean_squared_error' | 'categorical_crossentropy';
  /** Whether the model must output every step (copy) or only the last (adding, sine). */
  returnSequences: boolean;
  /** The loss of the best input-blind answer (see the module comment): what learning must beat. */
  baselineLoss: number;
}

export const DEFAULT_SEQ_LEN = 50;
export const DEFAULT_SEQUENCE_SAMPLES = 1000;
const COPY_SYMBOLS = 8;
/** Input categories of the copy task: blank, 8 symbols, delimiter. */
const COPY_INPUTS = COPY_SYMBOLS + 2;
/** Output classes of the copy task: blank and 8 symbols. */
const COPY_OUTPUTS = COPY_SYMBOLS + 1;

function positive(what: string, v: number, min: number): number {
  if (!Number.isSafeInteger(v) || v < min)
    throw new DataError(`${what} must be an integer >= ${min}, got ${v}`);
  return v;
}

function adding(n: number, T: number, rng: Random): SequenceDataset {
  const x = new Float32Array(n * T * 2);
  const y = new Float32Array(n);
  const half = Math.floor(T / 2);
  for (let s = 0; s < n; s++) {
    for (let t = 0; t < T; t++) x[(s * T + t) * 2] = rng.next();
    // One marker in each half (with T = 1 both fall on the one step).
    const a = rng.int(Math.max(1, half));
    const b = half + rng.int(T - half);
    x[(s * T + a) * 2 + 1] = 1;
    x[(s * T + b) * 2 + 1] = 1;
    y[s] = a === b ? x[(s * T + a) * 2]! : x[(s * T + a) * 2]! + x[(s * T + b) * 2]!;
  }
  return { x, xShape: [n, T, 2], y, yShape: [n, 1] };
}

function copy(n: number, delay: number, L: number, rng: Random): SequenceDataset {
  const len = delay + 2 * L;
  const x = new Float32Array(n * len * COPY_INPUTS);
  const y = new Float32Array(n * len * COPY_OUTPUTS);
  for (let s = 0; s < n; s++) {
    const row = (t: number) => s * len + t;
    for (let t = 0; t < len; t++) {
      let input = 0;
      if (t < L) input = 1 + rng.int(COPY_SYMBOLS);
      else if (t === L + delay - 1) input = COPY_INPUTS - 1;
      x[row(t) * COPY_INPUTS + input] = 1;
    }
    for (let t = 0; t < len; t++) {
      let target = 0;
      if (t >= len - L) {
        const from = row(t - (len - L));
        for (let c = 1; c <= COPY_SYMBOLS; c++) if (x[from * COPY_INPUTS + c] === 1) target = c;
      }
      y[row(t) * COPY_OUTPUTS + target] = 1;
    }
  }
  return { x, xShape: [n, len, COPY_INPUTS], y, yShape: [n, len, COPY_OUTPUTS] };
}

function sine(n: number, T: number, noise: number, rng: Random): SequenceDataset {
  const x = new Float32Array(n * T);
  const y = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const omega = rng.uniform(0.1, 0.5);
    const phi = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < T; t++) x[s * T + t] = Math.sin(omega * t + phi) + noise * rng.normal();
    y[s] = Math.sin(omega * T + phi);
  }
  return { x, xShape: [n, T, 1], y, yShape: [n, 1] };
}

/** `samples` sequences of the named task. Bad options throw a DataError. */
export function generateSequenceTask(
  name: SequenceTaskName,
  o: SequenceTaskOptions = {},
): SequenceDataset {
  const T = positive('seqLen', o.seqLen ?? DEFAULT_SEQ_LEN, 1);
  const n = positive('samples', o.samples ?? DEFAULT_SEQUENCE_SAMPLES, 1);
  const rng = o.rng ?? new Random(o.seed ?? 0);
  if (name === 'adding') return adding(n, T, rng);
  if (name === 'copy') return copy(n, T, positive('copyLength', o.copyLength ?? 10, 1), rng);
  const noise = o.noise ?? 0.1;
  if (!Number.isFinite(noise) || noise < 0)
    throw new DataError(`noise must be a finite number >= 0, got ${noise}`);
  return sine(n, T, noise, rng);
}

/** Rows [start, end) of a sequence data set. */
function rows(d: SequenceDataset, start: number, end: number): SequenceDataset {
  const xPer = d.x.length / d.xShape[0]!;
  const yPer = d.y.length / d.yShape[0]!;
  return {
    x: d.x.slice(start * xPer, end * xPer),
    xShape: [end - start, ...d.xShape.slice(1)],
    y: d.y.slice(start * yPer, end * yPer),
    yShape: [end - start, ...d.yShape.slice(1)],
  };
}

export interface SequenceLoadOptions extends SequenceTaskOptions {
  /** Fraction held out for test, in (0, 1) (default 0.2). */
  testFraction?: number;
}

/** The task's samples split into train and test (the draws are independent, so the split takes the tail). */
export function loadSequenceTask(name: string, o: SequenceLoadOptions = {}): LoadedSequenceDataset {
  if (!isSequenceTaskName(name)) {
    const near = closest(name, SEQUENCE_TASK_NAMES);
    throw new DataError(
      `unknown sequence task '${name}'${near.length > 0 ? ` — did you mean '${near[0]}'?` : ''} Valid: ${SEQUENCE_TASK_NAMES.join(', ')}`,
    );
  }
  const fraction = o.testFraction ?? 0.2;
  if (!Number.isFinite(fraction) || fraction <= 0 || fraction >= 1) {
    throw new DataError(`testFraction must be in (0, 1), got ${fraction}`);
  }
  const all = generateSequenceTask(name, o);
  const n = all.xShape[0]!;
  const cut = n - Math.max(1, Math.round(n * fraction));
  if (cut < 1) throw new DataError(`samples must leave at least one training sequence, got ${n}`);
  const targetShape = all.yShape.slice(1);
  const len = all.xShape[1]!;
  const copyLength = o.copyLength ?? 10;
  return {
    name,
    kind: 'sequence',
    task: name === 'copy' ? 'classification' : 'regression',
    train: rows(all, 0, cut),
    test: rows(all, cut, n),
    inputShape: all.xShape.slice(1),
    targetShape,
    loss: name === 'copy' ? 'categorical_crossentropy' : 'mean_squared_error',
    returnSequences: name === 'copy',
    baselineLoss:
      name === 'adding'
        ? 1 / 6
        : name === 'copy'
          ? (copyLength * Math.log(COPY_SYMBOLS)) / len
          : 0.5,
  };
}
