// Small v128 helpers shared by every kernel. Everything here inlines, so a
// kernel body reads as the formula it computes.

/** A constant in all four lanes. */
// @ts-ignore: decorator
@inline export function k(c: f32): v128 {
  return f32x4.splat(c);
}

/** The sign bit of each lane (also the bits of -0). */
// @ts-ignore: decorator
@inline export function signBits(x: v128): v128 {
  return v128.and(x, i32x4.splat(-2147483648));
}

/** -|x|, exact, NaN stays NaN. */
// @ts-ignore: decorator
@inline export function negAbs(x: v128): v128 {
  return v128.or(x, i32x4.splat(-2147483648));
}

/** All ones (a NaN) in lanes where x is NaN: OR-ed into a derivative so NaN in gives NaN out. */
// @ts-ignore: decorator
@inline export function nanMask(x: v128): v128 {
  return f32x4.ne(x, x);
}

/** a where mask, else b. */
// @ts-ignore: decorator
@inline export function sel(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

/** 1.0 where mask, else 0.0: a derivative that is a step. */
// @ts-ignore: decorator
@inline export function ones(mask: v128): v128 {
  return v128.and(mask, f32x4.splat(1.0));
}

/** |x| in lanes, bitwise. */
// @ts-ignore: decorator
@inline export function vabs(x: v128): v128 {
  return f32x4.abs(x);
}

/** x clamped to [lo, hi]; f32x4.min/max propagate NaN, so NaN stays NaN. */
// @ts-ignore: decorator
@inline export function clamp(x: v128, lo: f32, hi: f32): v128 {
  return f32x4.min(f32x4.max(x, f32x4.splat(lo)), f32x4.splat(hi));
}
