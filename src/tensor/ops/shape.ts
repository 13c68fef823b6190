/** Ops that only move values: reshape, flatten, concat, split, slice. */
import {
  allocate,
  type FloatArray,
  record,
  type Shape,
  sendGrad,
  shapeText,
  sizeOf,
  Tensor,
} from '../tensor.js';
import { normalizeAxis, resultDType } from './shapes.js';

/** Same values, new shape (one dimension may be -1). Shares the data array, as a view does. */
export function reshape(a: Tensor, shape: Shape): Tensor {
  const out = [...shape];
  let unknown = -1;
  let known = 1;
  for (let i = 0; i < out.length; i++) {
    const d = out[i]!;
    if (d === -1 && unknown < 0) unknown = i;
    else if (Number.isInteger(d) && d >= 0) known *= d;
    else throw new RangeError(`reshape: ${shapeText(shape)} is not a valid shape (one -1 at most)`);
  }
  if (unknown >= 0) {
    if (known === 0 || a.size % known !== 0) {
      throw new RangeError(`reshape: cannot reshape ${shapeText(a.shape)} to ${shapeText(shape)}`);
    }
    out[unknown] = a.size / known;
  }
  if (sizeOf(out) !== a.size) {
    throw new RangeError(
      `reshape: cannot reshape ${shapeText(a.shape)} (${a.size} elements) to ${shapeText(shape)}`,
    );
  }
  const y = new Tensor(a.data, out);
  return record(y, 'reshape', [a], (gy) => sendGrad(a, gy));
}

/** [N, ...] -> [N, product of the rest], as Keras's Flatten. */
export function flatten(a: Tensor): Tensor {
  if (a.rank < 1) throw new RangeError(`flatten: a scalar ${shapeText(a.shape)} has no batch axis`);
  if (a.rank === 1) return reshape(a, [a.shape[0]!, 1]);
  return reshape(a, [a.shape[0]!, sizeOf(a.shape.slice(1))]);
}

/** A tensor seen as [outer, n, inner] around an axis. */
function around(shape: Shape, axis: number): { outer: number; inner: number } {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, inner };
}

/** Copies block rows: dst[o, dOff + j, i] = src[o, sOff + j, i] for j < len. */
function copyBlocks(
  src: FloatArray,
  sN: number,
  sOff: number,
  dst: FloatArray,
  dN: number,
  dOff: number,
  len: number,
  outer: number,
  inner: number,
): void {
  const run = len * inner;
  for (let o = 0; o < outer; o++) {
    const s = (o * sN + sOff) * inner;
    const d = (o * dN + dOff) * inner;
    for (let i = 0; i < run; i++) dst[d + i] = src[s + i]!;
  }
}

export function concat(ts: readonly Tensor[], axis: number): Tensor {
  if (ts.length === 0) throw new RangeError('concat: needs at least one tensor');
  const first = ts[0]!;
  const ax = normalizeAxis(axis, first.rank, 'concat');
  let total = 0;
  let dtype = first.dtype;
  for (const t of ts) {
    const ok = t.rank === first.rank && t.shape.every((d, i) => i === ax || d === first.shape[i]);
    if (!ok) {
      throw new RangeError(
        `concat: shapes ${shapeText(first.shape)} and ${shapeText(t.shape)} differ outside axis ${axis}`,
      );
    }
    total += t.shape[ax]!;
    dtype = resultDType(dtype, t.dtype);
  }
  const shape = [...first.shape];
  shape[ax] = total;
  const { outer, inner } = around(shape, ax);
  const y = new Tensor(allocate(dtype, sizeOf(shape)), shape);
  let off = 0;
  for (const t of ts) {
    const n = t.shape[ax]!;
    copyBlocks(t.data, n, 0, y.data, total, off, n, outer, inner);
    off += n;
  }
  return record(y, 'concat', ts, (gy) => {
    let at = 0;
    for (const t of ts) {
      const n = t.shape[ax]!;
      const g = allocate(t.dtype, t.size);
      copyBlocks(gy, total, at, g, n, 0, n, outer, inner);
      sendGrad(t, g);
      at += n;
    }
  });
}

/** Splits along an axis into `count` equal parts, or into parts of the given sizes. */
export function split(a: Tensor, sizesOrCount: number | readonly number[], axis: number): Tensor[] {
  const ax = normalizeAxis(axis, a.rank, 'split');
  const len = a.shape[ax]!;
  let sizes: number[];
  if (typeof sizesOrCount === 'number') {
    if (!Number.isInteger(sizesOrCount) || sizesOrCount < 1 || len % sizesOrCount !== 0) {
      throw new RangeError(
        `split: ${shapeText(a.shape)} cannot be split into ${sizesOrCount} equal parts along axis ${axis}`,
      );
    }
    sizes = new Array<number>(sizesOrCount).fill(len / sizesOrCount);
  } else {
    sizes = [...sizesOrCount];
    const sum = sizes.reduce((s, v) => s + v, 0);
    if (sum !== len || sizes.some((v) => !Number.isInteger(v) || v < 0)) {
      throw new RangeError(
        `split: sizes [${sizes.join(', ')}] do not add up to ${len}, the length of axis ${axis} of ${shapeText(a.shape)}`,
      );
    }
  }
  const { outer, inner } = around(a.shape, ax);
  const parts: Tensor[] = [];
  let off = 0;
  for (const n of sizes) {
    const shape = [...a.shape];
    shape[ax] = n;
    const start = off;
    const y = new Tensor(allocate(a.dtype, sizeOf(shape)), shape);
    copyBlocks(a.data, len, start, y.data, n, 0, n, outer, inner);
    parts.push(
      record(y, 'split', [a], (gy) => {
        const g = allocate(a.dtype, a.size);
        copyBlocks(gy, n, 0, g, len, start, n, outer, inner);
        sendGrad(a, g);
      }),
    );
    off += n;
  }
  return parts;
}

/** For each element of a slice, the index of the element of the whole it comes from. */
function sliceMap(shape: Shape, begin: readonly number[], size: readonly number[]): Int32Array {
  const rank = shape.length;
  const n = sizeOf(size);
  const map = new Int32Array(n);
  if (n === 0) return map;
  const strides = new Array<number>(rank);
  let s = 1;
  let base = 0;
  for (let d = rank - 1; d >= 0; d--) {
    strides[d] = s;
    base += begin[d]! * s;
    s *= shape[d]!;
  }
  if (rank === 0) return map;
  const last = rank - 1;
  const lastLen = size[last]!;
  const counter = new Array<number>(rank).fill(0);
  for (let o = 0; o < n; o += lastLen) {
    for (let j = 0; j < lastLen; j++) map[o + j] = base + j;
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < size[d]!) break;
      base -= counter[d]! * strides[d]!;
      counter[d] = 0;
    }
  }
  return map;
}

/** The block starting at `begin` with extent `size` (-1: to the end), as tf.slice. */
export function slice(a: Tensor, begin: readonly number[], size: readonly number[]): Tensor {
  if (begin.length !== a.rank || size.length !== a.rank) {
    throw new RangeError(
      `slice: begin [${begin.join(', ')}] and size [${size.join(', ')}] must both have rank ${a.rank} for ${shapeText(a.shape)}`,
    );
  }
  const ext = size.map((s, i) => (s === -1 ? a.shape[i]! - begin[i]! : s));
  for (let i = 0; i < a.rank; i++) {
    const b = begin[i]!;
    const e = ext[i]!;
    if (!Number.isInteger(b) || !Number.isInteger(e) || b < 0 || e < 0 || b + e > a.shape[i]!) {
      throw new RangeError(
        `slice: begin [${begin.join(', ')}] size [${size.join(', ')}] is outside ${shapeText(a.shape)}`,
      );
    }
  }
  const map = sliceMap(a.shape, begin, ext);
  const y = new Tensor(allocate(a.dtype, map.length), ext);
  const x = a.data;
  const yd = y.data;
  for (let i = 0; i < map.length; i++) yd[i] = x[map[i]!]!;
  return record(y, 'slice', [a], (gy) => {
    const g = allocate(a.dtype, a.size);
    for (let i = 0; i < map.length; i++) g[map[i]!] = gy[i]!;
    sendGrad(a, g);
  });
}
