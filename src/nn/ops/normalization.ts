/**
 * Batch and layer normalisation over the last axis (channels last), fused so
 * that the backward pass uses the closed-form gradient instead of a chain of
 * small ops. Statistics are computed in float64.
 */
import { allocate, type FloatArray, record, sendGrad, Tensor } from '../../tensor/tensor.js';

/**
 * y = gamma · (x − mean) / √(var + eps) + beta, with mean and var per channel
 * (the last axis), taken over the batch (training) or given (inference).
 */
export function batchNorm(
  x: Tensor,
  gamma: Tensor,
  beta: Tensor,
  eps: number,
  stats: { mean: FloatArray; variance: FloatArray } | null,
): { y: Tensor; mean: Float64Array; variance: Float64Array } {
  const c = x.shape[x.shape.length - 1]!;
  const rows = x.size / c;
  const xd = x.data;
  const mean = new Float64Array(c);
  const variance = new Float64Array(c);
  if (stats === null) {
    for (let r = 0; r < rows; r++) for (let j = 0; j < c; j++) mean[j] = mean[j]! + xd[r * c + j]!;
    for (let j = 0; j < c; j++) mean[j] = mean[j]! / rows;
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < c; j++) {
        const d = xd[r * c + j]! - mean[j]!;
        variance[j] = variance[j]! + d * d;
      }
    }
    for (let j = 0; j < c; j++) variance[j] = variance[j]! / rows;
  } else {
    mean.set(stats.mean);
    variance.set(stats.variance);
  }
  const inv = new Float64Array(c);
  for (let j = 0; j < c; j++) inv[j] = 1 / Math.sqrt(variance[j]! + eps);
  const xhat = new Float64Array(x.size);
  const y = new Tensor(allocate(x.dtype, x.size), x.shape);
  const g = gamma.data;
  const b = beta.data;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < c; j++) {
      const k = r * c + j;
      const h = (xd[k]! - mean[j]!) * inv[j]!;
      xhat[k] = h;
      y.data[k] = g[j]! * h + b[j]!;
    }
  }
  const batchStats = stats === null;
  record(y, 'batch_norm', [x, gamma, beta], (gy) => {
    const dgamma = new Float64Array(c);
    const dbeta = new Float64Array(c);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < c; j++) {
        const k = r * c + j;
        dgamma[j] = dgamma[j]! + gy[k]! * xhat[k]!;
        dbeta[j] = dbeta[j]! + gy[k]!;
      }
    }
    const gx = allocate(x.dtype, x.size);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < c; j++) {
        const k = r * c + j;
        // With batch statistics the mean and variance depend on x too:
        // dx = gamma·inv/N · (N·gy − Σgy − x̂·Σ(gy·x̂)).
        gx[k] = batchStats
          ? ((g[j]! * inv[j]!) / rows) * (rows * gy[k]! - dbeta[j]! - xhat[k]! * dgamma[j]!)
          : g[j]! * inv[j]! * gy[k]!;
      }
    }
    sendGrad(x, gx);
    sendGrad(gamma, gamma.dtype === 'float64' ? dgamma : Float32Array.from(dgamma));
    sendGrad(beta, beta.dtype === 'float64' ? dbeta : Float32Array.from(dbeta));
  });
  return { y, mean, variance };
}

/** y = gamma · (x − mean) / √(var + eps) + beta, statistics over the last axis of each sample. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps: number): Tensor {
  const c = x.shape[x.shape.length - 1]!;
  const rows = x.size / c;
  const xd = x.data;
  const xhat = new Float64Array(x.size);
  const inv = new Float64Array(rows);
  const y = new Tensor(allocate(x.dtype, x.size), x.shape);
  for (let r = 0; r < rows; r++) {
    let m = 0;
    for (let j = 0; j < c; j++) m += xd[r * c + j]!;
    m /= c;
    let v = 0;
    for (let j = 0; j < c; j++) v += (xd[r * c + j]! - m) ** 2;
    v /= c;
    const s = 1 / Math.sqrt(v + eps);
    inv[r] = s;
    for (let j = 0; j < c; j++) {
      const k = r * c + j;
      xhat[k] = (xd[k]! - m) * s;
      y.data[k] = gamma.data[j]! * xhat[k]! + beta.data[j]!;
    }
  }
  return record(y, 'layer_norm', [x, gamma, beta], (gy) => {
    const dgamma = allocate(gamma.dtype, c);
    const dbeta = allocate(beta.dtype, c);
    const gx = allocate(x.dtype, x.size);
    for (let r = 0; r < rows; r++) {
      let sumG = 0;
      let sumGH = 0;
      for (let j = 0; j < c; j++) {
        const k = r * c + j;
        const gh = gy[k]! * gamma.data[j]!;
        sumG += gh;
        sumGH += gh * xhat[k]!;
        dgamma[j] = dgamma[j]! + gy[k]! * xhat[k]!;
        dbeta[j] = dbeta[j]! + gy[k]!;
      }
      for (let j = 0; j < c; j++) {
        const k = r * c + j;
        const gh = gy[k]! * gamma.data[j]!;
        gx[k] = (inv[r]! / c) * (c * gh - sumG - xhat[k]! * sumGH);
      }
    }
    sendGrad(x, gx);
    sendGrad(gamma, dgamma);
    sendGrad(beta, dbeta);
  });
}
