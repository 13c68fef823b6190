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
}

// @ts-ignore: decorator
@inline function kt(i: C): v128 {
  return at32(TABLE, i);
}

/** t = z·log2 e + MAGIC (see MAGIC), z already clamped. */
// @ts-ignore: decorator
@inline function biased(z: v128): v128 {
  return f32x4.add(f32x4.mul(z, kt(C.LOG2E)), kt(C.MAGIC));
}

/** r = z − n·ln 2, |r| ≤ ln2/2. */
// @ts-ignore: decorator
@inline function reduce(z: v128, nf: v128): v128 {
  return f32x4.sub(f32x4.sub(z, f32x4.mul(nf, kt(C.LN2_HI))), f32x4.mul(nf, kt(C.LN2_LO)));
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
 * 2^24·e^a for −104 <= a <= 71 (the caller clamps): expScaled with β = 1,
 * where r = (a − n·LN2_HI) − n·LN2_LO needs no product by β.
 */
// @ts-ignore: decorator
@inline export function expScaled1(a: v128): v128 {
  const t = f32x4.add(f32x4.mul(a, kt(C.LOG2E)), kt(C.MAGIC_S));
  return expReduced(i32x4.shl(t, 23), reduce(a, f32x4.sub(t, kt(C.MAGIC_S))));
}

/**
 * 2^24·e^{β·a} for a <= 0 with β·a >= −104, the scale keeping the result a
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

/** 2^n·e^r from t (see biased) and r, flushed to 0 where z < EXP_FLOOR. */
// @ts-ignore: decorator
@inline function rebuild(z: v128, t: v128, r: v128): v128 {
  const e = expReduced(i32x4.shl(t, 23), r);
  return v128.andnot(e, f32x4.lt(z, kt(C.EXP_FLOOR)));
}

/**
 * e^{hi + lo} for hi + lo <= 0, where lo carries digits that one float32 sum
 * would drop (hi = −th²/2 exact, lo the rest of −t²/2). n comes from the
 * rounded sum; lo joins r after the Cody-Waite step, so the result keeps full
 * relative precision even where hi + lo is −87. Below EXP_FLOOR the result is
 * flushed to 0 (any bits the shift made there are cleared).
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
  return rebuild(z, t, r);
}

/**
 * e^{hi + mid + lo}, as expNegSplit with a third term of moderate size (|mid| < 1)
 * added to r next to hi, where both are still exact or nearly so.
 */
// @ts-ignore: decorator
@inline export function expNegSplit3(hi: v128, mid: v128, lo: v128): v128 {
  const z = f32x4.add(f32x4.add(hi, mid), lo);
  const t = biased(z);
  const nf = f32x4.sub(t, kt(C.MAGIC));
  const r = f32x4.add(
    f32x4.add(f32x4.sub(hi, f32x4.mul(nf, kt(C.LN2_HI))), mid),
    f32x4.sub(lo, f32x4.mul(nf, kt(C.LN2_LO))),
  );
  return rebuild(z, t, r);
}
