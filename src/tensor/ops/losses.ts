/**
 * Losses returning a scalar tensor: the mean over the batch (and over the
 * elements for the elementwise ones), with Keras's conventions: probability
 * inputs are normalised over the class axis and clipped to [ε, 1 − ε] with
 * ε = 1e-7; logits go through a stable log-softmax or the stable binary form.
 */
import { getBackend } from '../../kernels/backend.js';
import { allocate, record, sendGrad, shapeText, Tensor } from '../tensor.js';
import { logSoftmax } from './activation.js';
import { add, addScalar, clamp, div, log, mul, neg } from './arithmetic.js';
import { mean, sum } from './reduce.js';
import { requireSameShape } from './shapes.js';

/** Keras's backend epsilon. */
export const EPSILON = 1e-7;

export interface CrossentropyOptions {
  /** pred holds logits (pre-activation scores) rather than probabilities. */
  readonly fromLogits?: boolean;
}

function scalarLike(t: Tensor, value: number): Tensor {
  const d = allocate(t.dtype, 1);
  d[0] = value;
  return new Tensor(d, []);
}

/** Rows and classes of a [..., classes] prediction. */
function rowsAndClasses(pred: Tensor, op: string): { rows: number; classes: number } {
  if (pred.rank < 1)
    throw new RangeError(`${op}: prediction ${shapeText(pred.shape)} has no class axis`);
  const classes = pred.shape[pred.rank - 1]!;
  return { rows: classes === 0 ? 0 : pred.size / classes, classes };
}

/** x[r, labels[r]] for each row of a [..., classes] tensor. */
function pick(x: Tensor, labels: Int32Array): Tensor {
  const { rows, classes } = rowsAndClasses(x, 'pick');
  const y = new Tensor(allocate(x.dtype, rows), [rows]);
  for (let r = 0; r < rows; r++) y.data[r] = x.data[r * classes + labels[r]!]!;
  return record(y, 'pick', [x], (gy) => {
    const gx = allocate(x.dtype, x.size);
    for (let r = 0; r < rows; r++) gx[r * classes + labels[r]!] = gy[r]!;
    sendGrad(x, gx);
  });
}

/** p / Σp over the class axis, then clipped to [ε, 1 − ε] (Keras's probability path). */
function clippedProbabilities(pred: Tensor): Tensor {
  return clamp(div(pred, sum(pred, -1, true)), EPSILON, 1 - EPSILON);
}

/** Cross-entropy with integer class labels; pred is [..., classes], one label per row. */
export function sparseCategoricalCrossentropy(
  pred: Tensor,
  labels: Int32Array,
  options: CrossentropyOptions = {},
): Tensor {
  const { rows, classes } = rowsAndClasses(pred, 'sparseCategoricalCrossentropy');
  if (labels.length !== rows) {
    throw new RangeError(
      `sparseCategoricalCrossentropy: prediction ${shapeText(pred.shape)} has ${rows} rows but there are ${labels.length} labels`,
    );
  }
  for (let r = 0; r < rows; r++) {
    const l = labels[r]!;
    if (!(l >= 0 && l < classes)) {
      throw new RangeError(
        `sparseCategoricalCrossentropy: label ${l} at row ${r} is outside [0, ${classes}) for prediction ${shapeText(pred.shape)}`,
      );
    }
  }
  if (!options.fromLogits) return neg(mean(log(pick(clippedProbabilities(pred), labels))));
  const be = getBackend();
  const loss = scalarLike(pred, be.softmaxCrossEntropy(pred.data, labels, rows, classes));
  return record(loss, 'sparseCategoricalCrossentropy', [pred], (gy) => {
    const gz = allocate(pred.dtype, pred.size);
    be.softmaxCrossEntropyBackward(pred.data, labels, rows, classes, gy[0]! / rows, gz);
    sendGrad(pred, gz);
  });
}

/** Cross-entropy with a target distribution of the same shape as pred. */
export function categoricalCrossentropy(
  pred: Tensor,
  target: Tensor,
  options: CrossentropyOptions = {},
): Tensor {
  requireSameShape(pred.shape, target.shape, 'categoricalCrossentropy', 'prediction and target');
  rowsAndClasses(pred, 'categoricalCrossentropy');
  const logp = options.fromLogits ? logSoftmax(pred, -1) : log(clippedProbabilities(pred));
  return neg(mean(sum(mul(target, logp), -1)));
}

/** Binary cross-entropy, the mean over all elements. */
export function binaryCrossentropy(
  pred: Tensor,
  target: Tensor,
  options: CrossentropyOptions = {},
): Tensor {
  requireSameShape(pred.shape, target.shape, 'binaryCrossentropy', 'prediction and target');
  if (!options.fromLogits) {
    const p = clamp(pred, EPSILON, 1 - EPSILON);
    // −[y·log p + (1 − y)·log(1 − p)]
    const pos = mul(target, log(p));
    const negPart = mul(addScalar(neg(target), 1), log(addScalar(neg(p), 1)));
    return neg(mean(add(pos, negPart)));
  }
  const n = pred.size;
  const z = pred.data;
  const y = target.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const zi = z[i]!;
    // max(z, 0) − z·y + log(1 + e^−|z|): never overflows.
    total += Math.max(zi, 0) - zi * y[i]! + Math.log1p(Math.exp(-Math.abs(zi)));
  }
  const loss = scalarLike(pred, n > 0 ? total / n : Number.NaN);
  return record(loss, 'binaryCrossentropy', [pred, target], (gy) => {
    const s = gy[0]! / n;
    const gz = allocate(pred.dtype, n);
    const gt = allocate(target.dtype, n);
    for (let i = 0; i < n; i++) {
      const zi = z[i]!;
      // σ(z) from e^−|z|, stable for both signs.
      const e = Math.exp(-Math.abs(zi));
      const sig = zi >= 0 ? 1 / (1 + e) : e / (1 + e);
      gz[i] = (sig - y[i]!) * s;
      gt[i] = -zi * s;
    }
    sendGrad(pred, gz);
    sendGrad(target, gt);
  });
}

/** Mean of (pred − target)² over all elements. */
export function meanSquaredError(pred: Tensor, target: Tensor): Tensor {
  requireSameShape(pred.shape, target.shape, 'meanSquaredError', 'prediction and target');
  const n = pred.size;
  const p = pred.data;
  const t = target.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = p[i]! - t[i]!;
    total += e * e;
  }
  const loss = scalarLike(pred, n > 0 ? total / n : Number.NaN);
  return record(loss, 'meanSquaredError', [pred, target], (gy) => {
    const s = (2 * gy[0]!) / n;
    const gp = allocate(pred.dtype, n);
    const gt = allocate(target.dtype, n);
    for (let i = 0; i < n; i++) {
      const g = (p[i]! - t[i]!) * s;
      gp[i] = g;
      gt[i] = -g;
    }
    sendGrad(pred, gp);
    sendGrad(target, gt);
  });
}

/** Huber loss: ½e² for |e| ≤ δ, δ(|e| − ½δ) beyond; the mean over all elements. */
export function huber(pred: Tensor, target: Tensor, delta = 1): Tensor {
  requireSameShape(pred.shape, target.shape, 'huber', 'prediction and target');
  if (!(delta > 0)) throw new RangeError(`huber: delta must be positive, got ${delta}`);
  const n = pred.size;
  const p = pred.data;
  const t = target.data;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const e = p[i]! - t[i]!;
    const a = Math.abs(e);
    total += a <= delta ? 0.5 * e * e : delta * (a - 0.5 * delta);
  }
  const loss = scalarLike(pred, n > 0 ? total / n : Number.NaN);
  return record(loss, 'huber', [pred, target], (gy) => {
    const s = gy[0]! / n;
    const gp = allocate(pred.dtype, n);
    const gt = allocate(target.dtype, n);
    for (let i = 0; i < n; i++) {
      const e = p[i]! - t[i]!;
      const g = (e > delta ? delta : Math.max(e, -delta)) * s;
      gp[i] = g;
      gt[i] = -g;
    }
    sendGrad(pred, gp);
    sendGrad(target, gt);
  });
}
