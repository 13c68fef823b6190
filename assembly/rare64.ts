// tanhshrink and squareplus, in float64 lanes as the kernels of smooth64.ts:
// both are rarely on a hot path, and in float64 their accuracy argument is
// short. Four float32 lanes are widened into two f64x2 halves, computed, and
// rounded once on the way back.
import { d, exp64, hi64, lo64, narrow } from './wide';

// @ts-ignore: decorator
@inline function sel64(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

// @ts-ignore: decorator
@inline function scaleGrad(gy: usize, gx: usize, i: usize, a: v128, b: v128): void {
  v128.store(gx + i, f32x4.mul(v128.load(gy + i), narrow(a, b)));
}

/** tanh|x| = (1 − e)/(1 + e), e = e^{−2|x|} (exactly 1 in the tails). */
// @ts-ignore: decorator
@inline function tanhAbs64(ax: v128): v128 {
  const e = exp64(f64x2.mul(ax, d(-2.0)));
  return f64x2.div(f64x2.sub(d(1.0), e), f64x2.add(d(1.0), e));
}

/**
 * x − tanh x. Below |x| = 1, where the difference (about x³/3) would lose its
 * digits, Lambert's continued fraction tanh x = x/(1 + q), q = x²/(3 + x²/(5 + …)),
 * gives x − tanh x = x·q/(1 + q), a sum of positive terms (as the js reference).
 */
// @ts-ignore: decorator
@inline function tanhshrink64(x: v128): v128 {
  const ax = f64x2.abs(x);
  const x2 = f64x2.mul(x, x);
  let den = d(25.0);
  for (let k = 11; k >= 1; k--) den = f64x2.add(d(<f64>(2 * k + 1)), f64x2.div(x2, den));
  const q = f64x2.div(x2, den);
  const small = f64x2.div(f64x2.mul(x, q), f64x2.add(d(1.0), q));
  const t = v128.or(tanhAbs64(ax), v128.and(x, d(-0.0)));
  return sel64(f64x2.lt(ax, d(1.0)), small, f64x2.sub(x, t));
}

export function tanhshrink_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    v128.store(y + i, narrow(tanhshrink64(lo64(v)), tanhshrink64(hi64(v))));
  }
}

/** tanhshrink' = tanh²x (no cancellation anywhere). */
// @ts-ignore: decorator
@inline function tanhshrinkDx64(x: v128): v128 {
  const t = tanhAbs64(f64x2.abs(x));
  return f64x2.mul(t, t);
}

export function tanhshrink_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    scaleGrad(gy, gx, i, tanhshrinkDx64(lo64(v)), tanhshrinkDx64(hi64(v)));
  }
}

/**
 * (x + r)/2, r = √(x² + b): for x < 0 as (b/4)/((r − x)/2), a quotient of
 * positive terms where the sum would cancel (as the js reference). x² cannot
 * overflow in float64 for a float32 x.
 */
// @ts-ignore: decorator
@inline function squareplus64(x: v128, r: v128, b4: v128): v128 {
  const pos = f64x2.add(f64x2.mul(x, d(0.5)), f64x2.mul(r, d(0.5)));
  const neg = f64x2.div(b4, f64x2.sub(f64x2.mul(r, d(0.5)), f64x2.mul(x, d(0.5))));
  return sel64(f64x2.ge(x, d(0.0)), pos, neg);
}

// @ts-ignore: decorator
@inline function root64(x: v128, b: v128): v128 {
  return f64x2.sqrt(f64x2.add(f64x2.mul(x, x), b));
}

export function squareplus_f(x: usize, y: usize, n: i32, b: f64): void {
  const vb = f64x2.splat(b);
  const b4 = f64x2.splat(0.25 * b);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const l = lo64(v);
    const h = hi64(v);
    v128.store(y + i, narrow(squareplus64(l, root64(l, vb), b4), squareplus64(h, root64(h, vb), b4)));
  }
}

/** f' = f/r (no cancellation for x < 0); 1/2 at r = 0 (b = 0, x = 0), 1 at +∞ (∞/∞). */
// @ts-ignore: decorator
@inline function squareplusDx64(x: v128, vb: v128, b4: v128): v128 {
  const r = root64(x, vb);
  const q = f64x2.div(squareplus64(x, r, b4), r);
  const atZero = sel64(f64x2.eq(r, d(0.0)), d(0.5), q);
  return sel64(f64x2.eq(x, d(Infinity)), d(1.0), atZero);
}

export function squareplus_b(s: usize, gy: usize, gx: usize, n: i32, b: f64): void {
  const vb = f64x2.splat(b);
  const b4 = f64x2.splat(0.25 * b);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    scaleGrad(gy, gx, i, squareplusDx64(lo64(v), vb, b4), squareplusDx64(hi64(v), vb, b4));
  }
}
