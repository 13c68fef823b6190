// Small v128 helpers shared by every kernel. Everything here inlines, so a
// kernel body reads as the formula it computes.

/** A constant in all four lanes. */
// @ts-ignore: decorator
@inline export function k(c: f32): v128 {
  return f32x4.splat(c);
}

/** Constants that many kernels share, in a table (see at32). SIGN is −0: the sign bit alone. */
const COMMON = memory.data<f32>([-0.0, 1.0, 2.0, 4.0, 0.5]);
export const enum K {
  SIGN,
  ONE,
  TWO,
  FOUR,
  HALF,
}

/** A shared constant in all four lanes. */
// @ts-ignore: decorator
@inline export function kc(i: K): v128 {
  return at32(COMMON, i);
}

/** The sign bit of each lane (also the bits of -0). */
// @ts-ignore: decorator
@inline export function signBits(x: v128): v128 {
  return v128.and(x, kc(K.SIGN));
}

/** |x| with the shared sign constant: f32x4.abs makes V8 rebuild its mask at every use. */
// @ts-ignore: decorator
@inline export function absOf(x: v128): v128 {
  return v128.andnot(x, kc(K.SIGN));
}

/** -|x|, exact, NaN stays NaN. */
// @ts-ignore: decorator
@inline export function negAbs(x: v128): v128 {
  return v128.or(x, kc(K.SIGN));
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


/**
 * Entry i of a float32 constant table in all four lanes. V8 rebuilds a
 * v128.const with three instructions at every use inside a loop; a splat load
 * from memory is one, so the hot kernels keep their constants in tables.
 */
// @ts-ignore: decorator
@inline export function at32(table: usize, i: i32): v128 {
  return v128.load32_splat(table + (<usize>i << 2));
}

/** Entry i of a float64 constant table in both lanes (one load, as at32). */
// @ts-ignore: decorator
@inline export function at64(table: usize, i: i32): v128 {
  return v128.load64_splat(table + (<usize>i << 3));
}

/**
 * max(x, lo) in one instruction: f32x4.pmax(x, lo) is `x < lo ? lo : x`, so a
 * NaN in x passes through (the compare is false) without the long NaN-correct
 * sequence that f32x4.max costs on x86. -0 stays -0.
 */
// @ts-ignore: decorator
@inline export function atLeast(x: v128, lo: v128): v128 {
  return f32x4.pmax(x, lo);
}

/** min(x, hi) in one instruction: `hi < x ? hi : x`, NaN in x passes through. */
// @ts-ignore: decorator
@inline export function atMost(x: v128, hi: v128): v128 {
  return f32x4.pmin(x, hi);
}
