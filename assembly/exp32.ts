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

const TABLE = memory.data<f32>([LOG2E, MAGIC, LN2_HI, LN2_LO, W4, W3, W2, W1, W0, 1.0, EXP_FLOOR, EXPM1_FLOOR]);
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
