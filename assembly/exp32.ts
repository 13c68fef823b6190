// Float32 exponentials without Math (XNNPACK's rr2-p5 scheme): n = round(z·log2 e)
// and 2^n both come from one addition of a magic number, r = z − n·ln2 in two
// parts (Cody-Waite: n·LN2_HI is exact for |n| < 512), e^r = 1 + r·q(r) with
// q(r) = 1 + r·w(r), w a minimax polynomial.
import { at32, atLeast } from './vec';

const LOG2E: f32 = 1.4426950408889634;
/**
 * 1.5·2^23 + 127: t = z·log2e + MAGIC rounds z·log2e to an integer n that sits,
 * biased by 127, in t's low mantissa bits, so t << 23 is 2^n and t − MAGIC is n.
 */
const MAGIC: f32 = 12583039.0;
const LN2_HI: f32 = 0.693145751953125; // 0x3F317200: 15 significant bits
const LN2_LO: f32 = 1.4286068203094173e-6; // ln 2 − LN2_HI
// w(r) ≈ (e^r − 1 − r)/r² on |r| ≤ 0.354 (mpmath chebyfit): 1.3e-8 relative in e^r.
const W4: f32 = 0.0013927690537665583;
const W3: f32 = 0.008364385433452002;
const W2: f32 = 0.04166654538410244;
const W1: f32 = 0.16666569598501735;
const W0: f32 = 0.5;
/** Below this, 2^n would need n < −126; e^z is then under FLT_MIN and flushed to 0. */
const EXP_FLOOR: f32 = -87.6;
/** Below this, e^z − 1 rounds to −1 in float32 and 2^n − 1 stays exact. */
const EXPM1_FLOOR: f32 = -17.5;
/** MAGIC with 24 more in the biased exponent: t << 23 is then 2^(n+24) (see expScaled). */
const MAGIC_S: f32 = 12583063.0;
// expHalfSplit works in doubled units (z2 = 2z, r2 = 2r): its constants are
// the ones above times powers of two, exactly, so it rounds as e^z would.
const HALF_LOG2E: f32 = 0.7213475108146667;
const LN2_HI2: f32 = 1.38629150390625;
const LN2_LO2: f32 = 2.857213530660374e-6;
// w(r2/2)/4: W_k/2^(k+2).
const V4: f32 = 2.17620163311949e-5;
const V3: f32 = 0.00026138703105971217;
const V2: f32 = 0.0026041590608656406;
const V1: f32 = 0.02083321288228035;
const V0: f32 = 0.125;
/** ln 2 in float32: one-constant reduction for expLow (error n·2e-9, well within its bound). */
const LN2: f32 = 0.6931471824645996;
// e^r = 1 + r·q(r) on |r| <= ln2/2, q of degree 3: 2.9e-6 relative, e^0 = 1
// exactly; for the derivative kernels (bound 1e-5; scripts/fit_kernels.py exp_low).
const X3: f32 = 0.04151380807161331;
const X2: f32 = 0.1678747981786728;
const X1: f32 = 0.5000301599502563;
const X0: f32 = 0.9999668598175049;

const TABLE = memory.data<f32>([
  LOG2E,
  MAGIC,
  LN2_HI,
  LN2_LO,
  W4,
  W3,
  W2,
  W1,
  W0,
  1.0,
  EXP_FLOOR,
  EXPM1_FLOOR,
  MAGIC_S,
  LN2,
  X3,
  X2,
  X1,
  X0,
  HALF_LOG2E,
  LN2_HI2,
  LN2_LO2,
  V4,
  V3,
  V2,
  V1,
  V0,
  0.5,
]);
const enum C {
  LOG2E,
  MAGIC,
  LN2_HI,
  LN2_LO,
  W4,
  W3,
  W2,
  W1,
  W0,
  ONE,
  EXP_FLOOR,
  EXPM1_FLOOR,
  MAGIC_S,
  LN2,
  X3,
  X2,
  X1,
  X0,
  HALF_LOG2E,
  LN2_HI2,
  LN2_LO2,
  V4,
  V3,
  V2,
  V1,
  V0,
  HALF,
}

// @ts-ignore: decorator
@inline function kt(i: C): v128 {
  return at32(TABLE, i);
}

/** t = z·log2 e + MAGIC (see MAGIC), z already clamped: n = t − MAGIC, 2^n = t << 23. */
// @ts-ignore: decorator
@inline export function biased(z: v128): v128 {
  return f32x4.add(f32x4.mul(z, kt(C.LOG2E)), kt(C.MAGIC));
}

/** r = z − n·ln 2, |r| ≤ ln2/2. */
// @ts-ignore: decorator
@inline function reduce(z: v128, nf: v128): v128 {
  return f32x4.sub(f32x4.sub(z, f32x4.mul(nf, kt(C.LN2_HI))), f32x4.mul(nf, kt(C.LN2_LO)));
}

/** MAGIC in all lanes: n = biased(z) − magic(). */
// @ts-ignore: decorator
@inline export function magic(): v128 {
  return kt(C.MAGIC);
}

/** e^r − 1 = r + r²·w(r) for |r| <= ln2/2, with full relative precision near 0. */
// @ts-ignore: decorator
@inline export function expm1Reduced(r: v128): v128 {
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r), w(r)));
}

/** w(r) by Horner. */
// @ts-ignore: decorator
@inline function w(r: v128): v128 {
  let p = f32x4.add(f32x4.mul(kt(C.W4), r), kt(C.W3));
  p = f32x4.add(f32x4.mul(p, r), kt(C.W2));
  p = f32x4.add(f32x4.mul(p, r), kt(C.W1));
  return f32x4.add(f32x4.mul(p, r), kt(C.W0));
}

/**
 * e^z for z <= 0 (NaN passes through). Below EXP_FLOOR the result is under
 * FLT_MIN and is flushed to 0.
 */
// @ts-ignore: decorator
@inline export function expNeg(z: v128): v128 {
  const zc = atLeast(z, kt(C.EXP_FLOOR));
  const t = biased(zc);
  const s = i32x4.shl(t, 23);
  const r = reduce(zc, f32x4.sub(t, kt(C.MAGIC)));
  const q = f32x4.add(kt(C.ONE), f32x4.mul(r, w(r)));
  // e^z = s·(1 + r·q) = s + (s·r)·q: s·r is exact, two roundings remain.
  const e = f32x4.add(s, f32x4.mul(f32x4.mul(s, r), q));
  return v128.andnot(e, f32x4.lt(z, kt(C.EXP_FLOOR)));
}

/**
 * e^z for −87 <= z <= 88.5 (the caller clamps; NaN passes through): as expNeg,
 * but rebuilt as a product, 2^n·(1 + r·q), so that 2^n = ∞ (n = 128, from
 * z = 88.4 on) gives ∞ whatever the sign of r. For 1/(1 + e^z) without a select.
 */
// @ts-ignore: decorator
@inline export function expWide(z: v128): v128 {
  const t = biased(z);
  const r = reduce(z, f32x4.sub(t, kt(C.MAGIC)));
  const q = f32x4.add(kt(C.ONE), f32x4.mul(r, w(r)));
  return f32x4.mul(i32x4.shl(t, 23), f32x4.add(kt(C.ONE), f32x4.mul(r, q)));
}

/**
 * e^z for −87 <= z <= 0 (the caller clamps; NaN passes through) to 3e-6
 * relative, for derivatives, whose bound is 1e-5: one-constant reduction and a
 * degree-4 polynomial, eight operations fewer than expNeg; e^0 = 1 exactly.
 */
// @ts-ignore: decorator
@inline export function expLow(z: v128): v128 {
  const t = biased(z);
  const r = f32x4.sub(z, f32x4.mul(f32x4.sub(t, kt(C.MAGIC)), kt(C.LN2)));
  let p = f32x4.add(f32x4.mul(kt(C.X3), r), kt(C.X2));
  p = f32x4.add(f32x4.mul(p, r), kt(C.X1));
  p = f32x4.add(f32x4.mul(p, r), kt(C.X0));
  p = f32x4.add(f32x4.mul(p, r), kt(C.ONE));
  return f32x4.mul(i32x4.shl(t, 23), p);
}

/**
 * e^z − 1 for z <= 0: (2^n − 1) + 2^n(e^r − 1). 2^n − 1 is exact for the
 * n >= −25 that the clamp allows (below, e^z − 1 rounds to −1 anyway).
 */
// @ts-ignore: decorator
@inline export function expm1Neg(z: v128): v128 {
  const zc = atLeast(z, kt(C.EXPM1_FLOOR));
  const t = biased(zc);
  const s = i32x4.shl(t, 23);
  const r = reduce(zc, f32x4.sub(t, kt(C.MAGIC)));
  const em = f32x4.add(r, f32x4.mul(f32x4.mul(r, r), w(r)));
  return f32x4.add(f32x4.mul(s, em), f32x4.sub(s, kt(C.ONE)));
}

/**
 * 2^24·e^a for −105 <= a <= 71 (the caller clamps; from a = −104.7 down, n = −151
 * and 2^(n+24) is 0): expScaled with β = 1,
 * where r = (a − n·LN2_HI) − n·LN2_LO needs no product by β.
 */
// @ts-ignore: decorator
@inline export function expScaled1(a: v128): v128 {
  const t = f32x4.add(f32x4.mul(a, kt(C.LOG2E)), kt(C.MAGIC_S));
  return expReduced(i32x4.shl(t, 23), reduce(a, f32x4.sub(t, kt(C.MAGIC_S))));
}

/**
 * 2^24·e^{β·a} for a <= 0 with β·a >= −105 (from −104.7 down it is 0), the scale keeping the result a
 * normal float32 where e^{β·a} alone would be subnormal. The reduction is done
 * on a itself, not on a rounded β·a: n = round(β·a·log2 e) (kb = β·log2 e) and
 * r = β·(a − n·c) with c = ln2/β in two parts, cHi of 16 bits so that n·cHi is
 * exact and a − n·cHi is exact (Sterbenz: n·cHi lies within a factor 2 of a).
 * So e^r carries only the rounding of r itself, whatever β is; for
 * β = 1 (cHi, cLo = LN2_HI, LN2_LO) the last product is exact.
 * The caller clamps a; NaN passes through.
 */
// @ts-ignore: decorator
@inline export function expScaled(a: v128, kb: v128, cHi: v128, cLo: v128, beta: v128): v128 {
  const t = f32x4.add(f32x4.mul(a, kb), kt(C.MAGIC_S));
  const s = i32x4.shl(t, 23);
  const nf = f32x4.sub(t, kt(C.MAGIC_S));
  const r = f32x4.mul(f32x4.sub(f32x4.sub(a, f32x4.mul(nf, cHi)), f32x4.mul(nf, cLo)), beta);
  const q = f32x4.add(kt(C.ONE), f32x4.mul(r, w(r)));
  return f32x4.add(s, f32x4.mul(f32x4.mul(s, r), q));
}

/**
 * s·e^r for a reduced argument r (|r| <= ln2/2, however it was reduced) and
 * s = 2^n: s + (s·r)·(1 + r·w(r)), where s·r is exact.
 */
// @ts-ignore: decorator
@inline export function expReduced(s: v128, r: v128): v128 {
  const q = f32x4.add(kt(C.ONE), f32x4.mul(r, w(r)));
  return f32x4.add(s, f32x4.mul(f32x4.mul(s, r), q));
}

/**
 * e^{hi + lo} for hi + lo <= 0, where lo carries digits that one float32 sum
 * would drop (softmax: hi = x − max rounded, lo its rounding error). n comes
 * from the rounded sum; lo joins r after the Cody-Waite step, so the result
 * keeps full relative precision even where hi + lo is −87. Below EXP_FLOOR the
 * result is flushed to 0 (any bits the shift made there are cleared).
 */
// @ts-ignore: decorator
@inline export function expNegSplit(hi: v128, lo: v128): v128 {
  const z = f32x4.add(hi, lo);
  const t = biased(z);
  const nf = f32x4.sub(t, kt(C.MAGIC));
  const r = f32x4.add(
    f32x4.sub(hi, f32x4.mul(nf, kt(C.LN2_HI))),
    f32x4.sub(lo, f32x4.mul(nf, kt(C.LN2_LO))),
  );
  const e = expReduced(i32x4.shl(t, 23), r);
  return v128.andnot(e, f32x4.lt(z, kt(C.EXP_FLOOR)));
}

/**
 * e^{(mid2 − sq − lo2)/2} for a non-positive exponent, where −sq/2 − lo2/2 =
 * −t²/2 is given as sq = th² (exact) and lo2 = (t − th)(t + th), the digits
 * that one float32 sum would drop, and mid2 is of moderate size (|mid2| < 2).
 * Everything runs in doubled units, z2 = 2z and r2 = 2r, so that no product by
 * −1/2 is needed; the constants are scaled by powers of two, so the roundings
 * are those of e^z itself. n comes from the rounded sum; mid2 joins r2 next to
 * −sq − n·2LN2_HI, where both are still exact or nearly so, and lo2 after the
 * Cody-Waite step, so the result keeps full relative precision even where z is
 * −87. No flush: the caller keeps n >= −127, where 2^n (t << 23) is 0.
 */
// @ts-ignore: decorator
@inline export function expHalfSplit(sq: v128, mid2: v128, lo2: v128): v128 {
  const z2 = f32x4.sub(f32x4.sub(mid2, sq), lo2);
  const t = f32x4.add(f32x4.mul(z2, kt(C.HALF_LOG2E)), kt(C.MAGIC));
  const nf = f32x4.sub(t, kt(C.MAGIC));
  const r2 = f32x4.sub(
    f32x4.sub(mid2, f32x4.add(sq, f32x4.mul(nf, kt(C.LN2_HI2)))),
    f32x4.add(lo2, f32x4.mul(nf, kt(C.LN2_LO2))),
  );
  let p = f32x4.add(f32x4.mul(kt(C.V4), r2), kt(C.V3));
  p = f32x4.add(f32x4.mul(p, r2), kt(C.V2));
  p = f32x4.add(f32x4.mul(p, r2), kt(C.V1));
  p = f32x4.add(f32x4.mul(p, r2), kt(C.V0));
  const q2 = f32x4.add(kt(C.HALF), f32x4.mul(r2, p));
  const s = i32x4.shl(t, 23);
  return f32x4.add(s, f32x4.mul(f32x4.mul(s, r2), q2));
}
