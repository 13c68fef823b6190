// Gradients of the learnable parameters that every element shares (swish β,
// elu α, prelu α): Σ gy·∂f/∂θ over the whole tensor. Terms and sum are in
// float64 lanes: a float32 sum over millions of terms would lose digits, and
// these kernels run once per backward, so the wide lanes cost little.
// n is a multiple of 4 (the host does the last few elements itself).
import { d, exp64, hi64, lo64 } from './wide';

/**
 * ∂/∂β of x·σ(βx) = x²·σ(βx)·σ(−βx) = x²·e/(1 + e)², e = e^{−|βx|}; 0 where
 * |βx| > 700 (σ(−|βx|) is 0 in float64 there, as in the spec, and x = ±∞
 * would give ∞·0).
 */
// @ts-ignore: decorator
@inline function swishDbeta64(x: v128, beta: v128): v128 {
  const az = f64x2.abs(f64x2.mul(beta, x));
  const e = exp64(f64x2.neg(az));
  const q = f64x2.add(d(1.0), e);
  const t = f64x2.div(f64x2.mul(f64x2.mul(x, x), e), f64x2.mul(q, q));
  return v128.andnot(t, f64x2.gt(az, d(700.0)));
}

/** ∂/∂α of elu = e^x − 1 at and below 0, 0 above (NaN stays NaN). */
// @ts-ignore: decorator
@inline function eluDalpha64(x: v128): v128 {
  const em1 = f64x2.sub(exp64(x), d(1.0));
  return v128.andnot(em1, f64x2.gt(x, d(0.0)));
}

/** ∂/∂α of prelu = min(x, 0) (NaN stays NaN). */
// @ts-ignore: decorator
@inline function preluDalpha64(x: v128): v128 {
  return f64x2.pmin(x, d(0.0));
}

// @ts-ignore: decorator
@inline function lanes(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

const SWISH = 0;
const ELU = 1;
const PRELU = 2;

/**
 * Σ gy·∂f/∂θ for the parameter `kind` names, two f64x2 accumulators a turn.
 * `kind` is a constant at every call, so each export inlines one loop.
 */
// @ts-ignore: decorator
@inline function sumTerms(x: usize, gy: usize, n: i32, kind: i32, beta: v128): f64 {
  let a0 = f64x2.splat(0);
  let a1 = f64x2.splat(0);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const g = v128.load(gy + i);
    a0 = f64x2.add(a0, f64x2.mul(lo64(g), term(lo64(v), kind, beta)));
    a1 = f64x2.add(a1, f64x2.mul(hi64(g), term(hi64(v), kind, beta)));
  }
  return lanes(f64x2.add(a0, a1));
}

// @ts-ignore: decorator
@inline function term(x: v128, kind: i32, beta: v128): v128 {
  if (kind == SWISH) return swishDbeta64(x, beta);
  return kind == ELU ? eluDalpha64(x) : preluDalpha64(x);
}

/** Σ gy·∂(x·σ(βx))/∂β. */
export function swish_pg(x: usize, gy: usize, n: i32, beta: f64): f64 {
  return sumTerms(x, gy, n, SWISH, f64x2.splat(beta));
}

/** Σ gy·∂elu/∂α. */
export function elu_pg(x: usize, gy: usize, n: i32): f64 {
  return sumTerms(x, gy, n, ELU, f64x2.splat(0));
}

/** Σ gy·∂prelu/∂α. */
export function prelu_pg(x: usize, gy: usize, n: i32): f64 {
  return sumTerms(x, gy, n, PRELU, f64x2.splat(0));
}
