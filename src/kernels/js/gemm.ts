import type { FloatArray } from '../../tensor/tensor.js';

/**
 * Reference GEMM, C = alpha·op(A)·op(B) + beta·C (row-major). The loop order
 * keeps the innermost loop on contiguous memory for each transpose case.
 */
export function gemm(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: FloatArray,
  ao: number,
  b: FloatArray,
  bo: number,
  beta: number,
  c: FloatArray,
  co: number,
): void {
  if (beta !== 1) {
    for (let i = 0; i < m * n; i++) c[co + i] = beta === 0 ? 0 : beta * c[co + i]!;
  }
  if (!transB) {
    // C[i, :] += alpha · A[i, p] · B[p, :]
    for (let i = 0; i < m; i++) {
      const crow = co + i * n;
      for (let p = 0; p < k; p++) {
        const aip = alpha * (transA ? a[ao + p * m + i]! : a[ao + i * k + p]!);
        if (aip === 0) continue;
        const brow = bo + p * n;
        for (let j = 0; j < n; j++) c[crow + j] = c[crow + j]! + aip * b[brow + j]!;
      }
    }
    return;
  }
  // B stored N×K: C[i, j] += alpha · Σ_p A[i, p] · B[j, p]
  for (let i = 0; i < m; i++) {
    const crow = co + i * n;
    for (let j = 0; j < n; j++) {
      const brow = bo + j * k;
      let s = 0;
      if (transA) for (let p = 0; p < k; p++) s += a[ao + p * m + i]! * b[brow + p]!;
      else {
        const arow = ao + i * k;
        for (let p = 0; p < k; p++) s += a[arow + p]! * b[brow + p]!;
      }
      c[crow + j] = c[crow + j]! + alpha * s;
    }
  }
}
