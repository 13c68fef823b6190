import type { FloatArray } from '../../activations/kernels.js';

/**
 * Reference GEMM, C = alpha·op(A)·op(B) + beta·C (row-major), as plain loops
 * shaped for a JavaScript engine: C is computed in 4×4 blocks whose sixteen
 * sums live in local variables (registers) for the whole k loop, so each value
 * loaded from A or B feeds four multiply-adds. The sums are float64 locals,
 * which also makes float32 results more accurate than a running float32 sum.
 * One kernel serves every transpose case through strides.
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
    const end = co + m * n;
    if (beta === 0) c.fill(0, co, end);
    else for (let i = co; i < end; i++) c[i] = beta * c[i]!;
  }
  if (m === 0 || n === 0 || k === 0 || alpha === 0) return;
  // op(A)[i, p] is at ao + i·ars + p·acs; op(B)[p, j] at bo + p·brs + j·bcs.
  const ars = transA ? 1 : k;
  const acs = transA ? m : 1;
  const brs = transB ? 1 : n;
  const bcs = transB ? k : 1;
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = ao + i * ars;
    const a1 = a0 + ars;
    const a2 = a1 + ars;
    const a3 = a2 + ars;
    for (let j = 0; j < n4; j += 4) {
      const b0 = bo + j * bcs;
      const b1 = b0 + bcs;
      const b2 = b1 + bcs;
      const b3 = b2 + bcs;
      let c00 = 0;
      let c01 = 0;
      let c02 = 0;
      let c03 = 0;
      let c10 = 0;
      let c11 = 0;
      let c12 = 0;
      let c13 = 0;
      let c20 = 0;
      let c21 = 0;
      let c22 = 0;
      let c23 = 0;
      let c30 = 0;
      let c31 = 0;
      let c32 = 0;
      let c33 = 0;
      let ap = 0;
      let bp = 0;
      for (let p = 0; p < k; p++) {
        const y0 = b[b0 + bp]!;
        const y1 = b[b1 + bp]!;
        const y2 = b[b2 + bp]!;
        const y3 = b[b3 + bp]!;
        const x0 = a[a0 + ap]!;
        const x1 = a[a1 + ap]!;
        const x2 = a[a2 + ap]!;
        const x3 = a[a3 + ap]!;
        c00 += x0 * y0;
        c01 += x0 * y1;
        c02 += x0 * y2;
        c03 += x0 * y3;
        c10 += x1 * y0;
        c11 += x1 * y1;
        c12 += x1 * y2;
        c13 += x1 * y3;
        c20 += x2 * y0;
        c21 += x2 * y1;
        c22 += x2 * y2;
        c23 += x2 * y3;
        c30 += x3 * y0;
        c31 += x3 * y1;
        c32 += x3 * y2;
        c33 += x3 * y3;
        ap += acs;
        bp += brs;
      }
      let r = co + i * n + j;
      c[r] += alpha * c00;
      c[r + 1] += alpha * c01;
      c[r + 2] += alpha * c02;
      c[r + 3] += alpha * c03;
      r += n;
      c[r] += alpha * c10;
      c[r + 1] += alpha * c11;
      c[r + 2] += alpha * c12;
      c[r + 3] += alpha * c13;
      r += n;
      c[r] += alpha * c20;
      c[r + 1] += alpha * c21;
      c[r + 2] += alpha * c22;
      c[r + 3] += alpha * c23;
      r += n;
      c[r] += alpha * c30;
      c[r + 1] += alpha * c31;
      c[r + 2] += alpha * c32;
      c[r + 3] += alpha * c33;
    }
    // Leftover columns: four rows, one column at a time.
    for (let j = n4; j < n; j++) {
      const bj = bo + j * bcs;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let ap = 0;
      let bp = 0;
      for (let p = 0; p < k; p++) {
        const y = b[bj + bp]!;
        s0 += a[a0 + ap]! * y;
        s1 += a[a1 + ap]! * y;
        s2 += a[a2 + ap]! * y;
        s3 += a[a3 + ap]! * y;
        ap += acs;
        bp += brs;
      }
      const r = co + i * n + j;
      c[r] += alpha * s0;
      c[r + n] += alpha * s1;
      c[r + 2 * n] += alpha * s2;
      c[r + 3 * n] += alpha * s3;
    }
  }
  // Leftover rows: one dot product per element.
  for (let i = m4; i < m; i++) {
    const ai = ao + i * ars;
    for (let j = 0; j < n; j++) {
      const bj = bo + j * bcs;
      let s = 0;
      let ap = 0;
      let bp = 0;
      for (let p = 0; p < k; p++) {
        s += a[ai + ap]! * b[bj + bp]!;
        ap += acs;
        bp += brs;
      }
      c[co + i * n + j] += alpha * s;
    }
  }
}
