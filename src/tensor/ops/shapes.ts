/** Shape rules shared by the ops: axes, broadcasting, and the errors that name both shapes. */
import { type DType, type Shape, shapeText, sizeOf } from '../tensor.js';

/** A non-negative axis for a tensor of the given rank (negative counts from the end). */
export function normalizeAxis(axis: number, rank: number, op: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(axis) || a < 0 || a >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return a;
}

/** numpy broadcasting: align on the right; each pair of sizes must be equal or contain a 1. */
export function broadcastShapes(a: Shape, b: Shape, op: string): number[] {
  const rank = Math.max(a.length, b.length);
  const out = new Array<number>(rank);
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new RangeError(
        `${op}: shapes ${shapeText(a)} and ${shapeText(b)} cannot be broadcast together (size ${da} vs ${db} in dimension ${i} of the result)`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function requireSameShape(a: Shape, b: Shape, op: string, what = 'shapes'): void {
  if (!sameShape(a, b)) {
    throw new RangeError(`${op}: ${what} ${shapeText(a)} and ${shapeText(b)} must be equal`);
  }
}

/** For each element of `out`, the index of the element of `input` broadcast to it. */
export function broadcastMap(out: Shape, input: Shape): Int32Array {
  const rank = out.length;
  const n = sizeOf(out);
  const map = new Int32Array(n);
  // Stride of each output dimension in the input (0 where the input is broadcast).
  const strides = new Array<number>(rank).fill(0);
  let s = 1;
  for (let i = input.length - 1; i >= 0; i--) {
    const o = rank - input.length + i;
    strides[o] = input[i] === 1 ? 0 : s;
    s *= input[i]!;
  }
  if (rank === 0) return map;
  const last = rank - 1;
  const lastLen = out[last]!;
  const lastStride = strides[last]!;
  const counter = new Array<number>(rank).fill(0);
  let base = 0;
  for (let start = 0; start < n; start += lastLen) {
    for (let j = 0; j < lastLen; j++) map[start + j] = base + j * lastStride;
    // Advance the odometer over the leading dimensions.
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < out[d]!) break;
      base -= counter[d]! * strides[d]!;
      counter[d] = 0;
    }
  }
  return map;
}

export function resultDType(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}

/** Accepts a number or a pair for 2-D options (strides, poolSize, dilation). */
export function pair(
  v: number | readonly [number, number] | undefined,
  fallback: number,
  what: string,
  op: string,
): [number, number] {
  const p: [number, number] =
    v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];
  if (!(Number.isInteger(p[0]) && Number.isInteger(p[1]) && p[0] >= 1 && p[1] >= 1)) {
    throw new RangeError(`${op}: ${what} must be positive integers, got ${JSON.stringify(v)}`);
  }
  return p;
}
