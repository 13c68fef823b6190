/** Matrix products (2-D and batched 3-D) and axis permutations. */
import { getBackend } from '../../kernels/backend.js';
import {
  allocate,
  allocateUninit,
  type DType,
  type FloatArray,
  receivesGrad,
  record,
  type Shape,
  sendGrad,
  shapeText,
  sizeOf,
  Tensor,
} from '../tensor.js';
import { resultDType } from './shapes.js';

/**
 * a @ b. Rank 2 × rank 2 is [m, k] × [k, n]; with a rank-3 operand the leading
 * dimension is a batch, broadcast when one side has batch 1 or none.
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  const bad = (why: string): never => {
    throw new RangeError(
      `matmul: cannot multiply ${shapeText(a.shape)} by ${shapeText(b.shape)}: ${why}`,
    );
  };
  if (a.rank < 2 || a.rank > 3 || b.rank < 2 || b.rank > 3) bad('operands must have rank 2 or 3');
  const [m, k] = a.shape.slice(-2) as [number, number];
  const [k2, n] = b.shape.slice(-2) as [number, number];
  if (k !== k2) bad(`inner dimensions ${k} and ${k2} differ`);
  const batchA = a.rank === 3 ? a.shape[0]! : 1;
  const batchB = b.rank === 3 ? b.shape[0]! : 1;
  if (batchA !== batchB && batchA !== 1 && batchB !== 1)
    bad(`batch sizes ${batchA} and ${batchB} differ`);
  const batch = Math.max(batchA, batchB);
  const outShape = a.rank === 3 || b.rank === 3 ? [batch, m, n] : [m, n];
  const dtype = resultDType(a.dtype, b.dtype);
  const y = new Tensor(allocateUninit(dtype, batch * m * n), outShape);
  const be = getBackend();
  const aStep = batchA === 1 ? 0 : m * k;
  const bStep = batchB === 1 ? 0 : k * n;
  for (let t = 0; t < batch; t++) {
    be.gemm(false, false, m, n, k, 1, a.data, t * aStep, b.data, t * bStep, 0, y.data, t * m * n);
  }
  return record(y, 'matmul', [a, b], (gy) => {
    // dA = dY · Bᵀ and dB = Aᵀ · dY, summed over a broadcast batch. A first
    // layer's input needs no gradient, and dA is the costliest product there.
    // beta = 0 where the destination is still the fresh zeros (every product
    // but the second and later terms of a broadcast sum): the backend then
    // need not read C, which for the wasm backend is a copy as large as C.
    // ga and gb are fresh and sent once: autograd may keep them (owned).
    const beta = (step: number, t: number): number => (step === 0 && t > 0 ? 1 : 0);
    if (receivesGrad(a)) {
      const ga = allocateUninit(a.dtype, a.size);
      for (let t = 0; t < batch; t++) {
        const bt = beta(aStep, t);
        be.gemm(false, true, m, k, n, 1, gy, t * m * n, b.data, t * bStep, bt, ga, t * aStep);
      }
      sendGrad(a, ga, true);
    }
    if (receivesGrad(b)) {
      const gb = allocateUninit(b.dtype, b.size);
      for (let t = 0; t < batch; t++) {
        const bt = beta(bStep, t);
        be.gemm(true, false, k, n, m, 1, a.data, t * aStep, gy, t * m * n, bt, gb, t * bStep);
      }
      sendGrad(b, gb, true);
    }
  });
}

function checkPerm(perm: readonly number[], rank: number, shape: Shape): void {
  const seen = new Set<number>();
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank || seen.has(p)) break;
    seen.add(p);
  }
  if (perm.length !== rank || seen.size !== rank) {
    throw new RangeError(
      `transpose: [${perm.join(', ')}] is not a permutation of the axes of ${shapeText(shape)}`,
    );
  }
}

/** out[i0, i1, ...] = x[i_perm⁻¹...]: the values of x with its axes reordered by perm. */
function permuteData(
  x: FloatArray,
  shape: Shape,
  perm: readonly number[],
  dtype: DType,
): FloatArray {
  const rank = shape.length;
  const n = sizeOf(shape);
  const out = allocate(dtype, n);
  if (rank === 2 && perm[0] === 1) {
    const [r, c] = shape as [number, number];
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = x[i * c + j]!;
    return out;
  }
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d]!;
  }
  const outShape = perm.map((p) => shape[p]!);
  const strides = perm.map((p) => inStrides[p]!);
  if (rank === 0 || n === 0) {
    out.set(x);
    return out;
  }
  const last = rank - 1;
  const lastLen = outShape[last]!;
  const lastStride = strides[last]!;
  const counter = new Array<number>(rank).fill(0);
  let base = 0;
  for (let o = 0; o < n; o += lastLen) {
    for (let j = 0; j < lastLen; j++) out[o + j] = x[base + j * lastStride]!;
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < outShape[d]!) break;
      base -= counter[d]! * strides[d]!;
      counter[d] = 0;
    }
  }
  return out;
}

/** Reorders the axes: output axis i is input axis perm[i] (default: reversed). */
export function transpose(a: Tensor, perm?: readonly number[]): Tensor {
  const p = perm ?? a.shape.map((_, i) => a.rank - 1 - i);
  checkPerm(p, a.rank, a.shape);
  const outShape = p.map((i) => a.shape[i]!);
  const y = new Tensor(permuteData(a.data, a.shape, p, a.dtype), outShape);
  const inverse = new Array<number>(p.length);
  for (let i = 0; i < p.length; i++) inverse[p[i]!] = i;
  return record(y, 'transpose', [a], (gy) => {
    sendGrad(a, permuteData(gy, outShape, inverse, a.dtype));
  });
}
