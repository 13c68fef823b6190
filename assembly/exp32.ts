// Float32 exponentials without Math: n = round(z·log2 e), r = z − n·ln2 in
// two parts (Cody-Waite: n·LN2_HI is exact for |n| < 512), e^r = 1 + r + r²w(r)
// with w a minimax polynomial, and 2^n built in the exponent bits.
import { k } from './vec';

const LOG2E: f32 = 1.4426950408889634;
const LN2_HI: f32 = 0.693145751953125; // 0x3F317200: 15 significant bits
const LN2_LO: f32 = 1.4286068203094173e-6; // ln 2 − LN2_HI
// w(r) ≈ (e^r − 1 − r)/r² on |r| ≤ 0.354 (mpmath chebyfit): 1.3e-8 relative in e^r.
const W4: f32 = 0.0013927690537665583;
const W3: f32 = 0.008364385433452002;
const W2: f32 = 0.04166654538410244;
const W1: f32 = 0.16666569598501735;
const W0: f32 = 0.5;

/** n = round(z·log2 e), as a float. */
// @ts-ignore: decorator
@inline export function roundN(z: v128): v128 {
  return f32x4.nearest(f32x4.mul(z, k(LOG2E)));
}

/** r = z − n·ln 2, |r| ≤ ln2/2. */
// @ts-ignore: decorator
@inline export function reduce(z: v128, nf: v128): v128 {
  return f32x4.sub(f32x4.sub(z, f32x4.mul(nf, k(LN2_HI))), f32x4.mul(nf, k(LN2_LO)));
}

/** e^r − 1 for the reduced argument, accurate relative to itself (no cancellation near 0). */
// @ts-ignore: decorator
@inline export function expm1Reduced(r: v128): v128 {
  let w = f32x4.add(f32x4.mul(k(W4), r), k(W3));
  w = f32x4.add(f32x4.mul(w, r), k(W2));
  w = f32x4.add(f32x4.mul(w, r), k(W1));
  w = f32x4.add(f32x4.mul(w, r), k(W0));
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r), w));
}

/** 2^n for integer lanes n: 0 below 2^-126 (flushed), +Inf above 2^127. */
// @ts-ignore: decorator
@inline export function pow2i(n: v128): v128 {
  const b = i32x4.min_s(i32x4.max_s(i32x4.add(n, i32x4.splat(127)), i32x4.splat(0)), i32x4.splat(255));
  return i32x4.shl(b, 23);
}

/** 2^n for float lanes holding integers. */
// @ts-ignore: decorator
@inline export function pow2(nf: v128): v128 {
  return pow2i(i32x4.trunc_sat_f32x4_s(nf));
}

/**
 * e^z for z <= 0 (NaN passes through). Below −87.7 the result would be
 * subnormal and is flushed to 0.
 */
// @ts-ignore: decorator
@inline export function expNeg(z: v128): v128 {
  const zc = f32x4.max(z, k(-104.0));
  const nf = roundN(zc);
  const r = reduce(zc, nf);
  return f32x4.mul(f32x4.add(k(1.0), expm1Reduced(r)), pow2(nf));
}

/**
 * e^z − 1 for z <= 0: (2^n − 1) + 2^n(e^r − 1). 2^n − 1 is exact for the
 * n >= −25 that the clamp allows (below, e^z − 1 rounds to −1 anyway).
 */
// @ts-ignore: decorator
@inline export function expm1Neg(z: v128): v128 {
  const zc = f32x4.max(z, k(-17.5));
  const nf = roundN(zc);
  const s = pow2(nf);
  const t = f32x4.mul(s, expm1Reduced(reduce(zc, nf)));
  return f32x4.add(t, f32x4.sub(s, k(1.0)));
}
