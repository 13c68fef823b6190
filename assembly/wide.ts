// Float64 lanes for the activations whose float32 evaluation would lose the
// 4-ULP bound: an exponent argument that is itself rounded (β·x, x + 0.044715x³,
// x²/2) is amplified by |z| in e^z, and derivatives that cross zero (silu',
// gelu', mish') cancel. Four float32 lanes are widened into two f64x2 halves.

const LOG2E: f64 = 1.4426950408889634;
const LN2_HI: f64 = 0.6931471803691238; // 32 significant bits: n·LN2_HI is exact
const LN2_LO: f64 = 1.9082149292705877e-10;
/** 1.5·2^52: adding it rounds to an integer that sits in the low mantissa bits. */
const MAGIC: f64 = 6755399441055744.0;
// w(r) ≈ (e^r − 1 − r)/r² on |r| ≤ 0.354 (mpmath chebyfit): 4e-12 relative in e^r.
const W6: f64 = 2.4861933036077905e-5;
const W5: f64 = 0.00019901629865100873;
const W4: f64 = 0.0013888851163979506;
const W3: f64 = 0.008333295596813488;
const W2: f64 = 0.04166666672561168;
const W1: f64 = 0.16666666725631213;
const W0: f64 = 0.5;

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

// @ts-ignore: decorator
@inline export function clamp64(x: v128, lo: f64, hi: f64): v128 {
  return f64x2.min(f64x2.max(x, d(lo)), d(hi));
}

/** e^z in float64 for any z (clamped to ±700, where float32 results are 0 or ∞ anyway). */
// @ts-ignore: decorator
@inline export function exp64(z: v128): v128 {
  const zc = clamp64(z, -700.0, 700.0);
  const t = f64x2.add(f64x2.mul(zc, d(LOG2E)), d(MAGIC));
  const nf = f64x2.sub(t, d(MAGIC));
  const r = f64x2.sub(f64x2.sub(zc, f64x2.mul(nf, d(LN2_HI))), f64x2.mul(nf, d(LN2_LO)));
  let w = f64x2.add(f64x2.mul(d(W6), r), d(W5));
  w = f64x2.add(f64x2.mul(w, r), d(W4));
  w = f64x2.add(f64x2.mul(w, r), d(W3));
  w = f64x2.add(f64x2.mul(w, r), d(W2));
  w = f64x2.add(f64x2.mul(w, r), d(W1));
  w = f64x2.add(f64x2.mul(w, r), d(W0));
  const p = f64x2.add(d(1.0), f64x2.add(r, f64x2.mul(f64x2.mul(r, r), w)));
  const s = i64x2.add(i64x2.shl(t, 52), i64x2.splat(1023 << 52));
  return f64x2.mul(p, s);
}
