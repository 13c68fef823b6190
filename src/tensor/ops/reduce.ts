/**
 * Reductions: sum, mean and max over one axis, several axes, or all. Several
 * axes are reduced one after the other, so each step is a one-axis kernel.
 */
import { getBackend } from '../../kernels/backend.js';
import { allocate, record, sendGrad, Tensor } from '../tensor.js';
import { scale } from './arithmetic.js';
import { reshape } from './shape.js';
import { normalizeAxis } from './shapes.js';

export type Axes = number | readonly number[] | undefined;

/** The distinct, sorted, non-negative axes (all of them when undefined). */
function axesOf(axis: Axes, rank: number, op: string): number[] {
  if (axis === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axis === 'number' ? [axis] : [...axis];
  const out = [...new Set(list.map((a) => normalizeAxis(a, rank, op)))];
  if (out.length !== list.length)
    throw new RangeError(`${op}: axis [${list.join(', ')}] repeats an axis`);
  return out.sort((p, q) => p - q);
}

function layout(
  shape: readonly number[],
  axis: number,
): { outer: number; n: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, n: shape[axis]!, inner };
}

/** One axis, kept with size 1. */
function sumAxisKeep(a: Tensor, axis: number): Tensor {
  const { outer, n, inner } = layout(a.shape, axis);
  const shape = [...a.shape];
  shape[axis] = 1;
  const y = new Tensor(allocate(a.dtype, outer * inner), shape);
  getBackend().sumAxis(a.data, outer, n, inner, y.data);
  return record(y, 'sum', [a], (gy) => {
    const gx = allocate(a.dtype, a.size);
    for (let o = 0; o < outer; o++) {
      for (let k = 0; k < n; k++) {
        const base = (o * n + k) * inner;
        for (let i = 0; i < inner; i++) gx[base + i] = gy[o * inner + i]!;
      }
    }
    sendGrad(a, gx);
  });
}

/** One axis, kept with size 1; the gradient goes to the first maximum. */
function maxAxisKeep(a: Tensor, axis: number): Tensor {
  const { outer, n, inner } = layout(a.shape, axis);
  if (n === 0) throw new RangeError(`max: axis ${axis} of the tensor is empty`);
  const shape = [...a.shape];
  shape[axis] = 1;
  const y = new Tensor(allocate(a.dtype, outer * inner), shape);
  const argmax = new Int32Array(outer * inner);
  getBackend().maxAxis(a.data, outer, n, inner, y.data, argmax);
  return record(y, 'max', [a], (gy) => {
    const gx = allocate(a.dtype, a.size);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const r = o * inner + i;
        gx[(o * n + argmax[r]!) * inner + i] = gy[r]!;
      }
    }
    sendGrad(a, gx);
  });
}

function reduceWith(
  step: (t: Tensor, axis: number) => Tensor,
  a: Tensor,
  axis: Axes,
  keepDims: boolean,
  op: string,
): Tensor {
  const axes = axesOf(axis, a.rank, op);
  let t = a;
  for (let i = axes.length - 1; i >= 0; i--) t = step(t, axes[i]!);
  if (keepDims) return t;
  const shape = a.shape.filter((_, i) => !axes.includes(i));
  return reshape(t, shape);
}

/** Σ over the given axes (all when undefined); keepDims leaves them with size 1. */
export function sum(a: Tensor, axis?: Axes, keepDims = false): Tensor {
  if (axis === undefined && a.rank === 0) return reshape(a, []);
  return reduceWith(sumAxisKeep, a, axis, keepDims, 'sum');
}

export function mean(a: Tensor, axis?: Axes, keepDims = false): Tensor {
  const axes = axesOf(axis, a.rank, 'mean');
  let count = 1;
  for (const ax of axes) count *= a.shape[ax]!;
  return scale(sum(a, axis, keepDims), 1 / count);
}

/** Maximum over the given axes. Ties send the gradient to the first maximum (as torch.max(dim)). */
export function max(a: Tensor, axis?: Axes, keepDims = false): Tensor {
  if (axis === undefined && a.rank === 0) return reshape(a, []);
  return reduceWith(maxAxisKeep, a, axis, keepDims, 'max');
}
