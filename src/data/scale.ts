/**
 * Feature scaling fitted on the training split only and applied unchanged to
 * the others, so no statistic of the test data leaks into training.
 */
import { DataError } from './errors.js';
import { sampleCount, sampleSize } from './split.js';
import type { Dataset, ScaleMethod, Scaler } from './types.js';

export const SCALE_METHODS: readonly ScaleMethod[] = ['minmax', 'standardize', 'none'];

export function isScaleMethod(name: string): name is ScaleMethod {
  return (SCALE_METHODS as readonly string[]).includes(name);
}

/** Per-feature parameters of `method` from the samples of `ds` (statistics in float64). */
export function fitScaler(ds: Dataset, method: ScaleMethod): Scaler {
  if (!isScaleMethod(method)) {
    throw new DataError(`unknown scaling '${method}' — valid: ${SCALE_METHODS.join(', ')}`);
  }
  const n = sampleCount(ds);
  const d = sampleSize(ds);
  const offset = new Float64Array(d);
  const scale = new Float64Array(d).fill(1);
  if (method === 'none') return { method, offset, scale };
  if (n === 0) throw new DataError(`cannot fit '${method}' scaling on an empty training split`);
  if (method === 'minmax') {
    const max = new Float64Array(d).fill(-Infinity);
    offset.fill(Infinity);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < d; j++) {
        const v = ds.x[i * d + j]!;
        if (v < offset[j]!) offset[j] = v;
        if (v > max[j]!) max[j] = v;
      }
    }
    for (let j = 0; j < d; j++) {
      const range = max[j]! - offset[j]!;
      scale[j] = range > 0 ? range : 1;
    }
    return { method, offset, scale };
  }
  // Two passes (mean, then squared deviations): steadier than sum of squares.
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) offset[j] += ds.x[i * d + j]!;
  for (let j = 0; j < d; j++) offset[j] /= n;
  const sq = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      const dev = ds.x[i * d + j]! - offset[j]!;
      sq[j] += dev * dev;
    }
  }
  for (let j = 0; j < d; j++) {
    const std = Math.sqrt(sq[j]! / n);
    scale[j] = std > 0 ? std : 1;
  }
  return { method, offset, scale };
}

/**
 * `ds` with `x' = (x - offset) / scale` per feature, in new arrays; with
 * method 'none' it is `ds` itself (no copy of a large image set for nothing).
 */
export function applyScaler<D extends Dataset>(ds: D, scaler: Scaler): D {
  const d = sampleSize(ds);
  if (scaler.offset.length !== d) {
    throw new DataError(
      `scaler was fitted on ${scaler.offset.length} features but the data has ${d} per sample`,
    );
  }
  if (scaler.method === 'none') return ds;
  const n = sampleCount(ds);
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      x[i * d + j] = (ds.x[i * d + j]! - scaler.offset[j]!) / scaler.scale[j]!;
    }
  }
  return { ...ds, x };
}

/** Fits on `train`, applies to it and to each of `others`; returns the scaled sets and the fitted parameters. */
export function scaleSplits<D extends Dataset>(
  train: D,
  others: readonly D[],
  method: ScaleMethod,
): { train: D; others: D[]; scaler: Scaler } {
  const scaler = fitScaler(train, method);
  return {
    train: applyScaler(train, scaler),
    others: others.map((o) => applyScaler(o, scaler)),
    scaler,
  };
}
