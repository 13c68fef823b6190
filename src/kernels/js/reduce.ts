/** Bias add, axis reductions and the fused softmax cross-entropy. */
import type { FloatArray } from '../../activations/kernels.js';

export function biasAdd(
  x: FloatArray,
  b: FloatArray,
  rows: number,
  cols: number,
  y: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) y[o + c] = x[o + c]! + b[c]!;
  }
}

export function biasGrad(gy: FloatArray, rows: number, cols: number, gb: FloatArray): void {
  gb.fill(0);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) gb[c] += gy[o + c]!;
  }
}

export function sumAxis(
  x: FloatArray,
  outer: number,
  n: number,
  inner: number,
  y: FloatArray,
): void {
  y.fill(0, 0, outer * inner);
  for (let o = 0; o < outer; o++) {
    const yo = o * inner;
    for (let k = 0; k < n; k++) {
      const xo = (o * n + k) * inner;
      for (let i = 0; i < inner; i++) y[yo + i] += x[xo + i]!;
    }
  }
}

export function maxAxis(
  x: FloatArray,
  outer: number,
  n: number,
  inner: number,
  y: FloatArray,
  argmax: Int32Array,
): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let best = x[base]!;
      let at = 0;
      for (let k = 1; k < n && !Number.isNaN(best); k++) {
        const v = x[base + k * inner]!;
        if (v > best || Number.isNaN(v)) {
          best = v;
          at = k;
        }
      }
      y[o * inner + i] = best;
      argmax[o * inner + i] = at;
    }
  }
}

/** log Σ exp(z) over one row, shifted by the max for stability. */
function logSumExp(z: FloatArray, o: number, classes: number): number {
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < classes; c++) {
    const v = z[o + c]!;
    if (v > max || Number.isNaN(v)) max = v;
  }
  // NaN stays NaN; an infinite max is the limit (−∞ for an all −∞ row).
  if (!Number.isFinite(max)) return max;
  let s = 0;
  for (let c = 0; c < classes; c++) s += Math.exp(z[o + c]! - max);
  return max + Math.log(s);
}

/** Throws the error both backends give for a label outside [0, classes). */
export function checkLabel(label: number, classes: number, row: number): void {
  if (!(label >= 0 && label < classes)) {
    throw new RangeError(`label ${label} of row ${row} is outside [0, ${classes})`);
  }
}

export function softmaxCrossEntropy(
  logits: FloatArray,
  labels: Int32Array,
  rows: number,
  classes: number,
): number {
  let total = 0;
  for (let r = 0; r < rows; r++) {
    const label = labels[r]!;
    checkLabel(label, classes, r);
    const o = r * classes;
    total += logSumExp(logits, o, classes) - logits[o + label]!;
  }
  return rows > 0 ? total / rows : 0;
}

export function softmaxCrossEntropyBackward(
  logits: FloatArray,
  labels: Int32Array,
  rows: number,
  classes: number,
  scale: number,
  gz: FloatArray,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * classes;
    const lse = logSumExp(logits, o, classes);
    for (let c = 0; c < classes; c++) gz[o + c] = Math.exp(logits[o + c]! - lse) * scale;
    const label = labels[r]!;
    checkLabel(label, classes, r);
    gz[o + label] -= scale;
  }
}
