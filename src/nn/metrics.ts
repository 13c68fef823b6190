/**
 * Metrics computed from predictions without the tape: each returns the sum
 * over the batch, so an epoch's value is the sum over batches / samples.
 */
import { closest, UsageError } from '../activations/errors.js';
import type { Tensor } from '../tensor/tensor.js';
import type { Loss, Target } from './losses.js';

export interface Metric {
  /** The key in logs and History (`acc` when asked for as 'acc'). */
  readonly name: string;
  /** Sum of the per-sample metric over the batch. */
  batchSum(pred: Tensor, target: Target): number;
}

function argmaxRow(d: ArrayLike<number>, base: number, k: number): number {
  let best = 0;
  for (let j = 1; j < k; j++) if (d[base + j]! > d[base + best]!) best = j;
  return best;
}

function rowsOf(pred: Tensor): { n: number; k: number } {
  const n = pred.shape[0]!;
  return { n, k: pred.size / n };
}

const sparseAccuracy = (pred: Tensor, target: Target): number => {
  const { n, k } = rowsOf(pred);
  const lab = target instanceof Int32Array ? target : Int32Array.from(target.data, Math.round);
  let hits = 0;
  for (let i = 0; i < n; i++) if (argmaxRow(pred.data, i * k, k) === lab[i]) hits++;
  return hits;
};

const categoricalAccuracy = (pred: Tensor, target: Target): number => {
  if (target instanceof Int32Array) return sparseAccuracy(pred, target);
  const { n, k } = rowsOf(pred);
  let hits = 0;
  for (let i = 0; i < n; i++)
    if (argmaxRow(pred.data, i * k, k) === argmaxRow(target.data, i * k, k)) hits++;
  return hits;
};

/** Threshold 0.5 on probabilities (0 on logits), averaged over the outputs of a sample. */
function binaryAccuracy(threshold: number) {
  return (pred: Tensor, target: Target): number => {
    const { n, k } = rowsOf(pred);
    const t = target instanceof Int32Array ? Float64Array.from(target) : target.data;
    let hits = 0;
    for (let i = 0; i < pred.size; i++)
      if ((pred.data[i]! > threshold ? 1 : 0) === (t[i]! > 0.5 ? 1 : 0)) hits++;
    return (hits / (n * k)) * n;
  };
}

function perSampleMean(f: (d: number) => number) {
  return (pred: Tensor, target: Target): number => {
    if (target instanceof Int32Array)
      throw new UsageError('this metric needs targets shaped like the predictions');
    const { k } = rowsOf(pred);
    let s = 0;
    for (let i = 0; i < pred.size; i++) s += f(pred.data[i]! - target.data[i]!);
    return s / k;
  };
}

type Sum = Metric['batchSum'];

const NAMED: Readonly<Record<string, Sum>> = {
  sparse_categorical_accuracy: sparseAccuracy,
  categorical_accuracy: categoricalAccuracy,
  binary_accuracy: binaryAccuracy(0.5),
  mean_squared_error: perSampleMean((d) => d * d),
  mean_absolute_error: perSampleMean(Math.abs),
};

const SHORT: Readonly<Record<string, string>> = {
  mse: 'mean_squared_error',
  mae: 'mean_absolute_error',
};

export const METRIC_NAMES: readonly string[] = [
  'acc',
  'accuracy',
  ...Object.keys(NAMED),
  ...Object.keys(SHORT),
];

/**
 * A metric by name. 'acc' and 'accuracy' follow the loss, as Keras does:
 * sparse, categorical or binary accuracy.
 */
export function getMetric(name: string, loss: Loss): Metric {
  if (name === 'acc' || name === 'accuracy') {
    const f =
      loss.targets === 'labels'
        ? sparseAccuracy
        : loss.name === 'binary_crossentropy'
          ? binaryAccuracy(loss.fromLogits ? 0 : 0.5)
          : categoricalAccuracy;
    return { name, batchSum: f };
  }
  const key = Object.hasOwn(SHORT, name) ? SHORT[name]! : name;
  const f = Object.hasOwn(NAMED, key) ? NAMED[key] : undefined;
  if (f === undefined) {
    const near = closest(name, METRIC_NAMES);
    const hint =
      near.length > 0 ? ` — did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : '';
    throw new UsageError(`unknown metric '${name}'${hint} (valid: ${METRIC_NAMES.join(', ')})`);
  }
  return { name, batchSum: f };
}
