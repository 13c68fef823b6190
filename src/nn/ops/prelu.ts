/**
 * PReLU and RReLU on tensors. PReLU's slope tensor alpha has the shape of one
 * sample with 1 on shared axes; it is broadcast over the batch and those axes.
 */
import type { Random } from '../../tensor/random.js';
import { allocate, record, type Shape, sendGrad, Tensor } from '../../tensor/tensor.js';

/** For each element of one sample, the index of its slope in alpha. */
function slopeIndex(sample: Shape, alphaShape: Shape): Int32Array {
  const n = sample.reduce((a, b) => a * b, 1);
  const idx = new Int32Array(n);
  const rank = sample.length;
  const alphaStrides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    alphaStrides[d] = alphaShape[d] === 1 ? 0 : s;
    s *= alphaShape[d]!;
  }
  for (let i = 0; i < n; i++) {
    let rem = i;
    let a = 0;
    for (let d = rank - 1; d >= 0; d--) {
      const c = rem % sample[d]!;
      rem = (rem - c) / sample[d]!;
      a += c * alphaStrides[d]!;
    }
    idx[i] = a;
  }
  return idx;
}

/** y = x for x > 0, alpha·x otherwise (the derivative at 0 is alpha, as PyTorch). */
export function prelu(x: Tensor, alpha: Tensor): Tensor {
  const sample = x.shape.slice(1);
  const idx = slopeIndex(sample, alpha.shape);
  const per = idx.length;
  const xd = x.data;
  const ad = alpha.data;
  const y = new Tensor(allocate(x.dtype, x.size), x.shape);
  for (let i = 0; i < xd.length; i++) {
    const v = xd[i]!;
    y.data[i] = v > 0 ? v : ad[idx[i % per]!]! * v;
  }
  return record(y, 'prelu', [x, alpha], (gy) => {
    const gx = allocate(x.dtype, x.size);
    const ga = allocate(alpha.dtype, alpha.size);
    for (let i = 0; i < xd.length; i++) {
      const v = xd[i]!;
      const k = idx[i % per]!;
      if (v > 0) gx[i] = gy[i]!;
      else {
        gx[i] = gy[i]! * ad[k]!;
        ga[k] = ga[k]! + gy[i]! * v;
      }
    }
    sendGrad(x, gx);
    sendGrad(alpha, ga);
  });
}

/**
 * Randomised leaky ReLU (Xu et al. 2015): in training each element's slope is
 * drawn from U(lower, upper); at inference the slope is the mean (lower+upper)/2.
 */
export function rrelu(
  x: Tensor,
  lower: number,
  upper: number,
  training: boolean,
  rng: Random,
): Tensor {
  const xd = x.data;
  const slopes = allocate('float64', xd.length);
  const mean = (lower + upper) / 2;
  for (let i = 0; i < xd.length; i++) {
    slopes[i] = xd[i]! > 0 ? 1 : training ? rng.uniform(lower, upper) : mean;
  }
  const y = new Tensor(allocate(x.dtype, x.size), x.shape);
  for (let i = 0; i < xd.length; i++) y.data[i] = xd[i]! * slopes[i]!;
  return record(y, 'rrelu', [x], (gy) => {
    const gx = allocate(x.dtype, x.size);
    for (let i = 0; i < gx.length; i++) gx[i] = gy[i]! * slopes[i]!;
    sendGrad(x, gx);
  });
}
