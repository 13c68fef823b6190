// Float64 lanes, where a float32 evaluation would lose the 4-ULP bound: an
// exponent argument that is itself rounded (β·x, x + 0.044715x³) is amplified
// by |z| in e^z. Four float32 lanes are widened into two f64x2 halves, for a
// whole kernel or only for the part that needs them (GELU's tanh form reduces
// its argument here and takes the exponential in float32, smooth32.ts).
import { at64 } from './vec';

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931471803691238; // 32 significant bits: n·LN2_HI is exact
const LN2_LO: f64 = 1.9082149292705877e-10;
/**
 * 1.5·2^52 + 1023: adding it rounds to an integer n that sits, biased by 1023,
 * in the low mantissa bits, so t << 52 is 2^n and t − MAGIC is n.
 */
const MAGIC: f64 = 6755399441056767.0;
// w(r) ≈ (e^r − 1 − r)/r² on |r| ≤ 0.354 (mpmath chebyfit): 4e-12 relative in e^r.
const W6: f64 = 2.4861933036077905e-5;
const W5: f64 = 0.00019901629865100873;
const W4: f64 = 0.0013888851163979506;
const W3: f64 = 0.008333295596813488;
const W2: f64 = 0.04166666672561168;
const W1: f64 = 0.16666666725631213;
const W0: f64 = 0.5;

const TABLE = memory.data<f64>([LOG2E, MAGIC, LN2_HI, LN2_LO, W6, W5, W4, W3, W2, W1, W0, 1.0, -700.0, 700.0]);
const enum C {
  LOG2E,
  MAGIC,
  LN2_HI,
  LN2_LO,
  W6,
  W5,
  W4,
  W3,
  W2,
  W1,
  W0,
  ONE,
  LO,
  HI,
}

// @ts-ignore: decorator
@inline function kt(i: C): v128 {
  return at64(TABLE, i);
}

/** A float64 constant in both lanes. */
// @ts-ignore: decorator
@inline export function d(c: f64): v128 {
  return f64x2.splat(c);
}

/** Float32 lanes 0-1 as float64. */
// @ts-ignore: decorator
@inline export function lo64(x: v128): v128 {
  return f64x2.promote_low_f32x4(x);
}

/** Float32 lanes 2-3 as float64. */
// @ts-ignore: decorator
@inline export function hi64(x: v128): v128 {
  return f64x2.promote_low_f32x4(i32x4.shuffle(x, x, 2, 3, 2, 3));
}

/** Two float64 halves rounded back into four float32 lanes. */
// @ts-ignore: decorator
@inline export function narrow(a: v128, b: v128): v128 {
  return i32x4.shuffle(f32x4.demote_f64x2_zero(a), f32x4.demote_f64x2_zero(b), 0, 1, 4, 5);
}

/** x clamped to [lo, hi] in two instructions (pmin/pmax); NaN in x passes through. */
// @ts-ignore: decorator
@inline export function clamp64(x: v128, lo: v128, hi: v128): v128 {
  return f64x2.pmin(f64x2.pmax(x, lo), hi);
}

/** e^z in float64 for any z (clamped to ±700, where float32 results are 0 or ∞ anyway). */
// @ts-ignore: decorator
@inline export function exp64(z: v128): v128 {
  const zc = clamp64(z, kt(C.LO), kt(C.HI));
  const t = f64x2.add(f64x2.mul(zc, kt(C.LOG2E)), kt(C.MAGIC));
  const nf = f64x2.sub(t, kt(C.MAGIC));
  const r = f64x2.sub(f64x2.sub(zc, f64x2.mul(nf, kt(C.LN2_HI))), f64x2.mul(nf, kt(C.LN2_LO)));
  let w = f64x2.add(f64x2.mul(kt(C.W6), r), kt(C.W5));
  w = f64x2.add(f64x2.mul(w, r), kt(C.W4));
  w = f64x2.add(f64x2.mul(w, r), kt(C.W3));
  w = f64x2.add(f64x2.mul(w, r), kt(C.W2));
  w = f64x2.add(f64x2.mul(w, r), kt(C.W1));
  w = f64x2.add(f64x2.mul(w, r), kt(C.W0));
  const p = f64x2.add(kt(C.ONE), f64x2.add(r, f64x2.mul(f64x2.mul(r, r), w)));
  return f64x2.mul(p, i64x2.shl(t, 52));
}
