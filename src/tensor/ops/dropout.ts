/** Dropout (inverted) and SELU's alpha dropout; the mask comes from the seeded Random. */
import type { Random } from '../random.js';
import { allocate, record, sendGrad, Tensor } from '../tensor.js';

function checkRate(rate: number, op: string): void {
  if (!(rate >= 0 && rate < 1)) throw new RangeError(`${op}: rate must be in [0, 1), got ${rate}`);
}

/** Zeroes each element with probability `rate` and scales the rest by 1/(1 − rate). */
export function dropout(x: Tensor, rate: number, rng: Random): Tensor {
  checkRate(rate, 'dropout');
  if (rate === 0) return x;
  const keepScale = 1 / (1 - rate);
  const n = x.size;
  const mask = allocate(x.dtype, n);
  const y = new Tensor(allocate(x.dtype, n), x.shape);
  const xd = x.data;
  const yd = y.data;
  for (let i = 0; i < n; i++) {
    const m = rng.next() < rate ? 0 : keepScale;
    mask[i] = m;
    yd[i] = xd[i]! * m;
  }
  return record(y, 'dropout', [x], (gy) => {
    const gx = allocate(x.dtype, n);
    for (let i = 0; i < n; i++) gx[i] = gy[i]! * mask[i]!;
    sendGrad(x, gx);
  });
}

/** SELU's constants (Klambauer et al. 2017). */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/**
 * Alpha dropout: dropped elements are set to SELU's negative saturation value
 * α' = −λα, then an affine map a·x + b restores mean 0 and variance 1 (Keras's
 * AlphaDropout).
 */
export function alphaDropout(x: Tensor, rate: number, rng: Random): Tensor {
  checkRate(rate, 'alphaDropout');
  if (rate === 0) return x;
  const alphaP = -SELU_ALPHA * SELU_SCALE;
  const a = ((1 - rate) * (1 + rate * alphaP * alphaP)) ** -0.5;
  const b = -a * alphaP * rate;
  const n = x.size;
  const kept = new Uint8Array(n);
  const y = new Tensor(allocate(x.dtype, n), x.shape);
  const xd = x.data;
  const yd = y.data;
  for (let i = 0; i < n; i++) {
    const keep = rng.next() >= rate;
    kept[i] = keep ? 1 : 0;
    yd[i] = a * (keep ? xd[i]! : alphaP) + b;
  }
  return record(y, 'alphaDropout', [x], (gy) => {
    const gx = allocate(x.dtype, n);
    for (let i = 0; i < n; i++) gx[i] = kept[i] === 1 ? a * gy[i]! : 0;
    sendGrad(x, gx);
  });
}
