// Sums and maxima along an axis of x seen as [outer, n, inner], in the js
// reference's order of float32 operations (src/kernels/js/reduce.ts), so that
// both backends agree bit for bit: each y[o, i] is summed k after k in
// float32, and the max keeps the first maximum, a NaN winning over numbers.
// Four lanes are four neighbouring slices: across inner when inner > 1; when
// inner is 1, four rows (the sum reads a 4×4 tile at a time and transposes it,
// the max gathers one value of each row a step).
//
// k0 > 0 continues an axis that the host splits into chunks of rows: the rows
// given start at index k0 of the axis, and y (and argmax) hold the result of
// the rows before.
import { gather4, loadLanes, storeLanes } from './lanes';

/** Lanes where v takes over from best: larger, or a NaN over a number. */
// @ts-ignore: decorator
@inline function takes(v: v128, best: v128): v128 {
  return v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
}

/** y[o, i] (+)= Σ_k x[o, k, i]. */
export function sumAlongAxis(x: usize, y: usize, outer: i32, n: i32, inner: i32, k0: i32): void {
  if (inner == 1) sumRows(x, y, outer, n, k0 > 0);
  else sumColumns(x, y, outer, n, inner, k0 > 0);
}

function sumColumns(x: usize, y: usize, outer: i32, n: i32, inner: i32, carry: bool): void {
  const row = (<usize>inner) << 2;
  const zero = f32x4.splat(0);
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * <usize>n * row;
    const py = y + <usize>o * row;
    let c = 0;
    // Sixteen columns a turn: four independent chains of additions.
    for (; c + 16 <= inner; c += 16) {
      const q = py + ((<usize>c) << 2);
      let s0 = carry ? v128.load(q) : zero;
      let s1 = carry ? v128.load(q, 16) : zero;
      let s2 = carry ? v128.load(q, 32) : zero;
      let s3 = carry ? v128.load(q, 48) : zero;
      for (let k = 0, p = px + ((<usize>c) << 2); k < n; k++, p += row) {
        s0 = f32x4.add(s0, v128.load(p));
        s1 = f32x4.add(s1, v128.load(p, 16));
        s2 = f32x4.add(s2, v128.load(p, 32));
        s3 = f32x4.add(s3, v128.load(p, 48));
      }
      v128.store(q, s0);
      v128.store(q, s1, 16);
      v128.store(q, s2, 32);
      v128.store(q, s3, 48);
    }
    for (; c < inner; c += 4) {
      const t = min(4, inner - c);
      const q = py + ((<usize>c) << 2);
      let s = carry ? loadLanes(q, t) : zero;
      for (let k = 0, p = px + ((<usize>c) << 2); k < n; k++, p += row) {
        s = f32x4.add(s, loadLanes(p, t));
      }
      storeLanes(q, s, t);
    }
  }
}

function sumRows(x: usize, y: usize, outer: i32, n: i32, carry: bool): void {
  const row = (<usize>n) << 2;
  let o = 0;
  for (; o + 4 <= outer; o += 4) {
    const p0 = x + <usize>o * row;
    const p1 = p0 + row;
    const p2 = p1 + row;
    const p3 = p2 + row;
    const q = y + ((<usize>o) << 2);
    let s = carry ? v128.load(q) : f32x4.splat(0);
    let k: usize = 0;
    for (; k + 16 <= row; k += 16) {
      const a = v128.load(p0 + k);
      const b = v128.load(p1 + k);
      const c = v128.load(p2 + k);
      const d = v128.load(p3 + k);
      const ab0 = i32x4.shuffle(a, b, 0, 4, 1, 5);
      const ab1 = i32x4.shuffle(a, b, 2, 6, 3, 7);
      const cd0 = i32x4.shuffle(c, d, 0, 4, 1, 5);
      const cd1 = i32x4.shuffle(c, d, 2, 6, 3, 7);
      s = f32x4.add(s, i32x4.shuffle(ab0, cd0, 0, 1, 4, 5));
      s = f32x4.add(s, i32x4.shuffle(ab0, cd0, 2, 3, 6, 7));
      s = f32x4.add(s, i32x4.shuffle(ab1, cd1, 0, 1, 4, 5));
      s = f32x4.add(s, i32x4.shuffle(ab1, cd1, 2, 3, 6, 7));
    }
    for (; k < row; k += 4) s = f32x4.add(s, gather4(p0, p1, p2, p3, k));
    v128.store(q, s);
  }
  for (; o < outer; o++) {
    const p = x + <usize>o * row;
    const q = y + ((<usize>o) << 2);
    let s: f32 = carry ? load<f32>(q) : 0;
    for (let k: usize = 0; k < row; k += 4) s += load<f32>(p + k);
    store<f32>(q, s);
  }
}

/** y[o, i] = max_k x[o, k, i] and argmax[o, i] = the first k where it is (a NaN wins). */
export function maxAlongAxis(
  x: usize,
  y: usize,
  argmax: usize,
  outer: i32,
  n: i32,
  inner: i32,
  k0: i32,
): void {
  if (inner == 1) maxRows(x, y, argmax, outer, n, k0);
  else maxColumns(x, y, argmax, outer, n, inner, k0);
}

function maxColumns(
  x: usize,
  y: usize,
  argmax: usize,
  outer: i32,
  n: i32,
  inner: i32,
  k0: i32,
): void {
  const row = (<usize>inner) << 2;
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * <usize>n * row;
    const py = y + <usize>o * row;
    const pa = argmax + <usize>o * row;
    let c = 0;
    // Sixteen columns a turn: four independent chains of compares.
    for (; c + 16 <= inner; c += 16) {
      const off = (<usize>c) << 2;
      const from = k0 > 0 ? py + off : px + off;
      let b0 = v128.load(from);
      let b1 = v128.load(from, 16);
      let b2 = v128.load(from, 32);
      let b3 = v128.load(from, 48);
      const zero = i32x4.splat(0);
      let a0 = k0 > 0 ? v128.load(pa + off) : zero;
      let a1 = k0 > 0 ? v128.load(pa + off, 16) : zero;
      let a2 = k0 > 0 ? v128.load(pa + off, 32) : zero;
      let a3 = k0 > 0 ? v128.load(pa + off, 48) : zero;
      let k = k0 > 0 ? 0 : 1;
      for (let p = px + off + <usize>k * row; k < n; k++, p += row) {
        const at = i32x4.splat(k0 + k);
        const v0 = v128.load(p);
        const v1 = v128.load(p, 16);
        const v2 = v128.load(p, 32);
        const v3 = v128.load(p, 48);
        const t0 = takes(v0, b0);
        const t1 = takes(v1, b1);
        const t2 = takes(v2, b2);
        const t3 = takes(v3, b3);
        b0 = v128.bitselect(v0, b0, t0);
        b1 = v128.bitselect(v1, b1, t1);
        b2 = v128.bitselect(v2, b2, t2);
        b3 = v128.bitselect(v3, b3, t3);
        a0 = v128.bitselect(at, a0, t0);
        a1 = v128.bitselect(at, a1, t1);
        a2 = v128.bitselect(at, a2, t2);
        a3 = v128.bitselect(at, a3, t3);
      }
      v128.store(py + off, b0);
      v128.store(py + off, b1, 16);
      v128.store(py + off, b2, 32);
      v128.store(py + off, b3, 48);
      v128.store(pa + off, a0);
      v128.store(pa + off, a1, 16);
      v128.store(pa + off, a2, 32);
      v128.store(pa + off, a3, 48);
    }
    for (; c < inner; c += 4) {
      const t = min(4, inner - c);
      const off = (<usize>c) << 2;
      // A new axis starts from its row 0; a continued one from the result so far.
      let best = k0 > 0 ? loadLanes(py + off, t) : loadLanes(px + off, t);
      let at = k0 > 0 ? loadLanes(pa + off, t) : i32x4.splat(0);
      let k = k0 > 0 ? 0 : 1;
      for (let p = px + off + <usize>k * row; k < n; k++, p += row) {
        const v = loadLanes(p, t);
        const take = takes(v, best);
        best = v128.bitselect(v, best, take);
        at = v128.bitselect(i32x4.splat(k0 + k), at, take);
      }
      storeLanes(py + off, best, t);
      storeLanes(pa + off, at, t);
    }
  }
}

function maxRows(x: usize, y: usize, argmax: usize, outer: i32, n: i32, k0: i32): void {
  const row = (<usize>n) << 2;
  let o = 0;
  for (; o + 4 <= outer; o += 4) {
    const p0 = x + <usize>o * row;
    const p1 = p0 + row;
    const p2 = p1 + row;
    const p3 = p2 + row;
    const q = (<usize>o) << 2;
    let best = k0 > 0 ? v128.load(y + q) : gather4(p0, p1, p2, p3, 0);
    let at = k0 > 0 ? v128.load(argmax + q) : i32x4.splat(0);
    for (let k = k0 > 0 ? 0 : 1; k < n; k++) {
      const v = gather4(p0, p1, p2, p3, (<usize>k) << 2);
      const take = takes(v, best);
      best = v128.bitselect(v, best, take);
      at = v128.bitselect(i32x4.splat(k0 + k), at, take);
    }
    v128.store(y + q, best);
    v128.store(argmax + q, at);
  }
  for (; o < outer; o++) {
    const p = x + <usize>o * row;
    const q = (<usize>o) << 2;
    let best = k0 > 0 ? load<f32>(y + q) : load<f32>(p);
    let at = k0 > 0 ? load<i32>(argmax + q) : 0;
    for (let k = k0 > 0 ? 0 : 1; k < n; k++) {
      const v = load<f32>(p + ((<usize>k) << 2));
      if (v > best || (v != v && best == best)) {
        best = v;
        at = k0 + k;
      }
    }
    store<f32>(y + q, best);
    store<i32>(argmax + q, at);
  }
}
