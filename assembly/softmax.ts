// Softmax, log-softmax and the sparse softmax cross-entropy over float32
// slices, with the js reference's rules (src/activations/defs/softmax.ts,
// log_softmax.ts; src/kernels/js/reduce.ts). x is seen as [outer, n, inner]
// and each slice x[o, :, i] is normalised on its own: when inner is 1 a slice
// is a row and the four lanes run along it; otherwise four neighbouring
// slices share a vector, one lane each, and the loop runs down the axis.
//
// The slice's max m is subtracted first. x − m is split exactly into hi + lo
// (TwoSum), so that e^{x−m} keeps its relative precision down to FLT_MIN,
// where a rounded float32 difference would cost |x − m|·2^-24 (5e-6 at −87).
// Sums of exponentials and the backward's dot products are accumulated in
// float64; their logarithms are float32 (log32.ts). A slice whose max is NaN
// or infinite goes through a scalar float64 loop with the reference's rules:
// NaN everywhere for a NaN; tied infinite maxima share the mass, so an all
// −∞ slice is uniform.
import { expNegSplit } from './exp32';
import { firstLanes, loadLanes, loadPart, storeLanes, storePart } from './lanes';
import { log1pUnit } from './log32';
import { absOf, at32 } from './vec';
import { exp64, hi64, lo64, narrow } from './wide';

const TABLE = memory.data<f32>([-Infinity, Infinity, -88.0]);
const enum C {
  NEG_INF,
  INF,
  /** Below this x − m, e^{x−m} is flushed to 0 (exp32.ts EXP_FLOOR) and lo is not needed. */
  LOW,
}

// @ts-ignore: decorator
@inline function kt(i: C): v128 {
  return at32(TABLE, i);
}

/**
 * e^{x−m} for x <= m, m finite. hi + lo = x − m exactly (Knuth's TwoSum);
 * where hi is below the exponential's range, x = −∞ or an overflowing
 * difference included (whose lo would be NaN), lo is dropped and the
 * result is 0.
 */
// @ts-ignore: decorator
@inline function expDiff(x: v128, m: v128): v128 {
  const hi = f32x4.sub(x, m);
  const mb = f32x4.sub(hi, x);
  const xb = f32x4.sub(hi, mb);
  const lo = f32x4.sub(f32x4.sub(x, xb), f32x4.add(m, mb));
  return expNegSplit(hi, v128.and(lo, f32x4.gt(hi, kt(C.LOW))));
}

/** The sum of the four float64 lanes of two accumulators. */
// @ts-ignore: decorator
@inline function sum64(a: v128, b: v128): f64 {
  const s = f64x2.add(a, b);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** Largest of the n floats at p, NaN when one of them is NaN (−∞ for a row of −∞). */
function rowMax(p: usize, n: i32): f32 {
  let m = kt(C.NEG_INF);
  let nan = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(p + ((<usize>i) << 2));
    // pmax skips a NaN in v: the NaN lanes are kept apart.
    m = f32x4.pmax(m, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (i < n) {
    const t = n - i;
    const v = v128.bitselect(loadPart(p + ((<usize>i) << 2), t), kt(C.NEG_INF), firstLanes(t));
    m = f32x4.pmax(m, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (v128.any_true(nan)) return NaN;
  m = f32x4.pmax(m, i32x4.shuffle(m, m, 2, 3, 0, 1));
  m = f32x4.pmax(m, i32x4.shuffle(m, m, 1, 0, 3, 2));
  return f32x4.extract_lane(m, 0);
}

/**
 * One slice by the reference's own float64 steps (stride in bytes): for a max
 * that is NaN or infinite, and for the neighbours of such a slice in a vector.
 */
function sliceReference(x: usize, y: usize, n: i32, stride: usize, log: bool): void {
  let m: f64 = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = <f64>load<f32>(x + <usize>i * stride);
    if (isNaN(v)) {
      m = v;
      break;
    }
    if (v > m) m = v;
  }
  if (isNaN(m)) {
    for (let i = 0; i < n; i++) store<f32>(y + <usize>i * stride, NaN);
    return;
  }
  if (!isFinite(m)) {
    // Tied maxima share the mass (slice.ts shareTiedMax).
    let k = 0;
    for (let i = 0; i < n; i++) if (<f64>load<f32>(x + <usize>i * stride) == m) k++;
    const share = log ? -Math.log(<f64>k) : 1.0 / <f64>k;
    const other = log ? -Infinity : 0.0;
    for (let i = 0; i < n; i++) {
      const p = <usize>i * stride;
      store<f32>(y + p, <f32>(<f64>load<f32>(x + p) == m ? share : other));
    }
    return;
  }
  if (log) {
    let top = 0;
    while (<f64>load<f32>(x + <usize>top * stride) != m) top++;
    let r: f64 = 0;
    for (let i = 0; i < n; i++) {
      if (i != top) r += Math.exp(<f64>load<f32>(x + <usize>i * stride) - m);
    }
    const lse = Math.log1p(r);
    for (let i = 0; i < n; i++) {
      const p = <usize>i * stride;
      store<f32>(y + p, <f32>(<f64>load<f32>(x + p) - m - lse));
    }
  } else {
    let s: f64 = 0;
    for (let i = 0; i < n; i++) s += Math.exp(<f64>load<f32>(x + <usize>i * stride) - m);
    for (let i = 0; i < n; i++) {
      const p = <usize>i * stride;
      store<f32>(y + p, <f32>(Math.exp(<f64>load<f32>(x + p) - m) / s));
    }
  }
}

/** Entries equal to the max in the row expBelow last went through. */
let ties: i32 = 0;

/**
 * Σ e^{x_i − m} over the entries of a row below its max m (finite), in
 * float64, and the count of entries equal to m in `ties` (each of their terms
 * is exactly 1). Each term, ties included, is also written to e unless e is 0.
 * Kept apart from the 1s, the sum keeps its digits where it is tiny beside
 * them (a dominant entry's log-probability, a confident row's loss).
 */
function expBelow(x: usize, e: usize, n: i32, m: f32): f64 {
  const vm = f32x4.splat(m);
  let r0 = f64x2.splat(0);
  let r1 = r0;
  let count = i32x4.splat(0);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const v = v128.load(x + o);
    const t = expDiff(v, vm);
    if (e != 0) v128.store(e + o, t);
    const below = v128.and(t, f32x4.lt(v, vm));
    count = i32x4.sub(count, f32x4.eq(v, vm));
    r0 = f64x2.add(r0, lo64(below));
    r1 = f64x2.add(r1, hi64(below));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    const lanes = firstLanes(n - i);
    const v = loadPart(x + o, n - i);
    const t = expDiff(v, vm);
    if (e != 0) storePart(e + o, t, n - i);
    const below = v128.and(t, v128.and(f32x4.lt(v, vm), lanes));
    count = i32x4.sub(count, v128.and(f32x4.eq(v, vm), lanes));
    r0 = f64x2.add(r0, lo64(below));
    r1 = f64x2.add(r1, hi64(below));
  }
  ties =
    i32x4.extract_lane(count, 0) +
    i32x4.extract_lane(count, 1) +
    i32x4.extract_lane(count, 2) +
    i32x4.extract_lane(count, 3);
  return sum64(r0, r1);
}

/**
 * log Σ e^{x_i − m} from expBelow's sum r: log1p(r + ties − 1), the terms of
 * all but one maximum (as the reference, in float32).
 */
// @ts-ignore: decorator
@inline function logSumBelow(r: f64): f32 {
  return f32x4.extract_lane(log1pUnit(f32x4.splat(<f32>(r + <f64>(ties - 1)))), 0);
}

/** y = e^{x−m}/s over a row: the exponentials from expBelow, scaled by 1/s rounded to float32. */
function softmaxRow(x: usize, y: usize, n: i32, m: f32): void {
  const r = expBelow(x, y, n, m);
  const inv = f32x4.splat(<f32>(1.0 / (r + <f64>ties)));
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(y + o, f32x4.mul(v128.load(y + o), inv));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    storePart(y + o, f32x4.mul(loadPart(y + o, n - i), inv), n - i);
  }
}

/** y = x − m − logsumexp over a row, the two terms of one sign. */
function logSoftmaxRow(x: usize, y: usize, n: i32, m: f32): void {
  const vm = f32x4.splat(m);
  const lse = f32x4.splat(logSumBelow(expBelow(x, 0, n, m)));
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(y + o, f32x4.sub(f32x4.sub(v128.load(x + o), vm), lse));
  }
  if (i < n) {
    const o = (<usize>i) << 2;
    storePart(y + o, f32x4.sub(f32x4.sub(loadPart(x + o, n - i), vm), lse), n - i);
  }
}

/**
 * t (1–4) neighbouring slices of n, one lane each, row = bytes between their
 * entries k and k + 1: the row kernels' steps, down the axis.
 */
function columnsForward(x: usize, y: usize, n: i32, row: usize, t: i32, log: bool): void {
  let m = kt(C.NEG_INF);
  let nan = i32x4.splat(0);
  for (let k = 0, p: usize = 0; k < n; k++, p += row) {
    const v = loadLanes(x + p, t);
    m = f32x4.pmax(m, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  const special = v128.or(nan, f32x4.eq(absOf(m), kt(C.INF)));
  if (v128.any_true(v128.and(special, firstLanes(t)))) {
    for (let j = 0; j < t; j++) {
      sliceReference(x + ((<usize>j) << 2), y + ((<usize>j) << 2), n, row, log);
    }
    return;
  }
  let a0 = f64x2.splat(0);
  let a1 = a0;
  if (log) {
    let ties = i32x4.splat(0);
    for (let k = 0, p: usize = 0; k < n; k++, p += row) {
      const v = loadLanes(x + p, t);
      const e = v128.and(expDiff(v, m), f32x4.lt(v, m));
      ties = i32x4.sub(ties, f32x4.eq(v, m));
      a0 = f64x2.add(a0, lo64(e));
      a1 = f64x2.add(a1, hi64(e));
    }
    // r + ties − 1 per lane in float64, then log1p of the float32 sums.
    const extra = i32x4.sub(ties, i32x4.splat(1));
    const lse = log1pUnit(
      narrow(
        f64x2.add(a0, f64x2.convert_low_i32x4_s(extra)),
        f64x2.add(a1, f64x2.convert_low_i32x4_s(i32x4.shuffle(extra, extra, 2, 3, 0, 1))),
      ),
    );
    for (let k = 0, p: usize = 0; k < n; k++, p += row) {
      storeLanes(y + p, f32x4.sub(f32x4.sub(loadLanes(x + p, t), m), lse), t);
    }
    return;
  }
  for (let k = 0, p: usize = 0; k < n; k++, p += row) {
    const e = expDiff(loadLanes(x + p, t), m);
    storeLanes(y + p, e, t);
    a0 = f64x2.add(a0, lo64(e));
    a1 = f64x2.add(a1, hi64(e));
  }
  const one = f64x2.splat(1.0);
  const inv = narrow(f64x2.div(one, a0), f64x2.div(one, a1));
  for (let k = 0, p: usize = 0; k < n; k++, p += row) {
    storeLanes(y + p, f32x4.mul(loadLanes(y + p, t), inv), t);
  }
}

/**
 * y = softmax (log = 0) or log_softmax (log = 1) of each slice of x seen as
 * [outer, n, inner]; y may be x.
 */
export function softmaxForward(
  x: usize,
  y: usize,
  outer: i32,
  n: i32,
  inner: i32,
  log: i32,
): void {
  const row = (<usize>inner) << 2;
  const slice = <usize>n * row;
  for (let o = 0; o < outer; o++) {
    const px = x + <usize>o * slice;
    const py = y + <usize>o * slice;
    if (inner == 1) {
      const m = rowMax(px, n);
      if (!isFinite(m)) sliceReference(px, py, n, 4, log != 0);
      else if (log != 0) logSoftmaxRow(px, py, n, m);
      else softmaxRow(px, py, n, m);
      continue;
    }
    for (let c = 0; c < inner; c += 4) {
      const off = (<usize>c) << 2;
      columnsForward(px + off, py + off, n, row, min(4, inner - c), log != 0);
    }
  }
}

/** gy − e^y·total for one float64 half; e^{−∞} is exactly 0, so that 0·∞ stays NaN as in the reference. */
// @ts-ignore: decorator
@inline function logSoftmaxHalf(y: v128, g: v128, total: v128): v128 {
  const p = v128.andnot(exp64(y), f64x2.eq(y, f64x2.splat(-Infinity)));
  return f64x2.sub(g, f64x2.mul(p, total));
}

/**
 * gx of four lanes in float64, rounded once, from the sums s0 (lanes 0–1) and
 * s1 (lanes 2–3): softmax y·(gy − Σ gy·y); log-softmax gy − e^y·Σ gy, with
 * e^y to 4e-12 (wide.ts exp64).
 */
// @ts-ignore: decorator
@inline function vjp(vy: v128, vg: v128, s0: v128, s1: v128, log: bool): v128 {
  if (log) {
    return narrow(logSoftmaxHalf(lo64(vy), lo64(vg), s0), logSoftmaxHalf(hi64(vy), hi64(vg), s1));
  }
  return narrow(
    f64x2.mul(lo64(vy), f64x2.sub(lo64(vg), s0)),
    f64x2.mul(hi64(vy), f64x2.sub(hi64(vg), s1)),
  );
}

/** The sums vjp needs: Σ gy (log-softmax) or Σ gy·y (softmax), four lanes into two float64 halves. */
// @ts-ignore: decorator
@inline function addLo(a: v128, vy: v128, vg: v128, log: bool): v128 {
  return f64x2.add(a, log ? lo64(vg) : f64x2.mul(lo64(vg), lo64(vy)));
}

// @ts-ignore: decorator
@inline function addHi(a: v128, vy: v128, vg: v128, log: bool): v128 {
  return f64x2.add(a, log ? hi64(vg) : f64x2.mul(hi64(vg), hi64(vy)));
}

function rowBackward(y: usize, gy: usize, gx: usize, n: i32, log: bool): void {
  let a0 = f64x2.splat(0);
  let a1 = a0;
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    const vy = v128.load(y + o);
    const vg = v128.load(gy + o);
    a0 = addLo(a0, vy, vg, log);
    a1 = addHi(a1, vy, vg, log);
  }
  const t = n - i;
  if (t > 0) {
    // Zeros above the tail add nothing.
    const o = (<usize>i) << 2;
    const vy = loadPart(y + o, t);
    const vg = loadPart(gy + o, t);
    a0 = addLo(a0, vy, vg, log);
    a1 = addHi(a1, vy, vg, log);
  }
  const s = f64x2.splat(sum64(a0, a1));
  for (i = 0; i + 4 <= n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(gx + o, vjp(v128.load(y + o), v128.load(gy + o), s, s, log));
  }
  if (t > 0) {
    const o = (<usize>i) << 2;
    storePart(gx + o, vjp(loadPart(y + o, t), loadPart(gy + o, t), s, s, log), t);
  }
}

function columnsBackward(
  y: usize,
  gy: usize,
  gx: usize,
  n: i32,
  row: usize,
  t: i32,
  log: bool,
): void {
  // One sum per lane, k after k: the reference's order.
  let a0 = f64x2.splat(0);
  let a1 = a0;
  for (let k = 0, p: usize = 0; k < n; k++, p += row) {
    const vy = loadLanes(y + p, t);
    const vg = loadLanes(gy + p, t);
    a0 = addLo(a0, vy, vg, log);
    a1 = addHi(a1, vy, vg, log);
  }
  for (let k = 0, p: usize = 0; k < n; k++, p += row) {
    storeLanes(gx + p, vjp(loadLanes(y + p, t), loadLanes(gy + p, t), a0, a1, log), t);
  }
}

/**
 * gx = Jᵀ·gy of softmax (log = 0) or log_softmax (log = 1) from its output y,
 * slice by slice; gx may be gy.
 */
export function softmaxBackward(
  y: usize,
  gy: usize,
  gx: usize,
  outer: i32,
  n: i32,
  inner: i32,
  log: i32,
): void {
  const row = (<usize>inner) << 2;
  const slice = <usize>n * row;
  for (let o = 0; o < outer; o++) {
    const off = <usize>o * slice;
    if (inner == 1) {
      rowBackward(y + off, gy + off, gx + off, n, log != 0);
      continue;
    }
    for (let c = 0; c < inner; c += 4) {
      const p = off + ((<usize>c) << 2);
      columnsBackward(y + p, gy + p, gx + p, n, row, min(4, inner - c), log != 0);
    }
  }
}

/**
 * total + Σ over rows of logsumexp(z_r) − z_r[label_r] for logits [rows,
 * classes], row after row (so that a host passing chunks of rows, the total
 * so far with each, sums in the order of one pass; it divides by the rows at
 * the end). Each row is (m − z[label]) + log Σ e^{z−m},
 * two terms >= 0, so that the float32 logarithm costs no more than its own
 * rounding. A NaN or infinite max m is the reference's logsumexp itself.
 */
export function softmaxXent(z: usize, labels: usize, rows: i32, classes: i32, total: f64): f64 {
  const rowBytes = (<usize>classes) << 2;
  for (let r = 0; r < rows; r++) {
    const p = z + <usize>r * rowBytes;
    const zl = <f64>load<f32>(p + ((<usize>load<i32>(labels + ((<usize>r) << 2))) << 2));
    const m = rowMax(p, classes);
    if (!isFinite(m)) {
      total += <f64>m - zl;
      continue;
    }
    total += <f64>m - zl + <f64>logSumBelow(expBelow(p, 0, classes, m));
  }
  return total;
}

/**
 * gz = (softmax(z) − onehot(label))·scale for logits [rows, classes]. The
 * label's entry is −scale·Σ_{c≠label} e_c / s, which keeps its digits where
 * the label's probability is close to 1 (p − 1 would not).
 */
export function softmaxXentBackward(
  z: usize,
  labels: usize,
  rows: i32,
  classes: i32,
  scale: f64,
  gz: usize,
): void {
  const rowBytes = (<usize>classes) << 2;
  for (let r = 0; r < rows; r++) {
    const p = z + <usize>r * rowBytes;
    const q = gz + <usize>r * rowBytes;
    const label = (<usize>load<i32>(labels + ((<usize>r) << 2))) << 2;
    const at = q + label;
    const zl = load<f32>(p + label);
    const m = rowMax(p, classes);
    if (!isFinite(m)) {
      // The reference's steps with logsumexp = m: NaN, or 0 and NaN at ±∞.
      for (let c = 0; c < classes; c++) {
        const o = (<usize>c) << 2;
        store<f32>(q + o, <f32>(Math.exp(<f64>load<f32>(p + o) - <f64>m) * scale));
      }
      store<f32>(at, <f32>(<f64>load<f32>(at) - scale));
      continue;
    }
    const r = expBelow(p, q, classes, m);
    const s = r + <f64>ties;
    // Σ over the other classes: r and the other ties where the label is a
    // maximum (its term is 1), else s less the label's term.
    const others = zl == m ? r + <f64>(ties - 1) : s - <f64>load<f32>(at);
    const g = f64x2.splat(scale / s);
    let i = 0;
    for (; i + 4 <= classes; i += 4) {
      const o = (<usize>i) << 2;
      const e = v128.load(q + o);
      v128.store(q + o, narrow(f64x2.mul(lo64(e), g), f64x2.mul(hi64(e), g)));
    }
    if (i < classes) {
      const o = (<usize>i) << 2;
      const e = loadPart(q + o, classes - i);
      storePart(q + o, narrow(f64x2.mul(lo64(e), g), f64x2.mul(hi64(e), g)), classes - i);
    }
    store<f32>(at, <f32>((-others / s) * scale));
  }
}
