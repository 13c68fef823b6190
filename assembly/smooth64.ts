// Activations evaluated in float64 lanes (see wide.ts for why): swish for the
// β outside the float32 kernel's range (smooth32.ts), and the exponential.
// Each kernel widens four float32 lanes into two f64x2 halves, computes, and
// rounds once on the way back.
import { at64 } from './vec';
import { clamp64, d, exp64, hi64, lo64, narrow } from './wide';

const TABLE = memory.data<f64>([-3.5e38, 3.5e38, -1e30, 1e30, 1.0]);
const enum C {
  XMIN,
  XMAX,
  XDZMIN,
  XDZMAX,
  ONE,
}

// @ts-ignore: decorator
@inline function kt(i: C): v128 {
  return at64(TABLE, i);
}

// @ts-ignore: decorator
@inline function scaleGrad(gy: usize, gx: usize, i: usize, a: v128, b: v128): void {
  v128.store(gx + i, f32x4.mul(v128.load(gy + i), narrow(a, b)));
}

// @ts-ignore: decorator
@inline function ifNeg(z: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, f64x2.lt(z, d(0.0)));
}

/** e^{−|z|}, the only exponential the logistic needs (it never overflows). */
// @ts-ignore: decorator
@inline function expNegAbs(z: v128): v128 {
  return exp64(f64x2.neg(f64x2.abs(z)));
}

/**
 * x·σ(z). x is clamped to ±3.5e38, just past float32's largest value, so that
 * ∞·σ still rounds to ∞ while −∞·σ(−∞) (σ no smaller than e^{−700}) gives −0, never NaN.
 */
// @ts-ignore: decorator
@inline function xSigmoid(x: v128, z: v128): v128 {
  const e = expNegAbs(z);
  const s = f64x2.div(ifNeg(z, e, kt(C.ONE)), f64x2.add(kt(C.ONE), e));
  return f64x2.mul(clamp64(x, kt(C.XMIN), kt(C.XMAX)), s);
}

/** d/dx x·σ(z(x)) = σ(z) + x·z'·σ(z)σ(−z); the second term is clamped so that ∞·0 never happens. */
// @ts-ignore: decorator
@inline function xSigmoidDx(x: v128, z: v128, dz: v128): v128 {
  const e = expNegAbs(z);
  const q = f64x2.add(kt(C.ONE), e);
  const s = f64x2.div(ifNeg(z, e, kt(C.ONE)), q);
  const xdz = clamp64(f64x2.mul(x, dz), kt(C.XDZMIN), kt(C.XDZMAX));
  return f64x2.add(s, f64x2.div(f64x2.mul(xdz, e), f64x2.mul(q, q)));
}

/** swish x·σ(βx) for the β that the float32 kernel (smooth32.ts) does not take. */
export function swish64_f(x: usize, y: usize, n: i32, beta: f64): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const a = lo64(v);
    const b = hi64(v);
    v128.store(
      y + i,
      narrow(xSigmoid(a, f64x2.mul(a, d(beta))), xSigmoid(b, f64x2.mul(b, d(beta)))),
    );
  }
}

export function swish64_b(s: usize, gy: usize, gx: usize, n: i32, beta: f64): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const a = lo64(v);
    const b = hi64(v);
    scaleGrad(
      gy,
      gx,
      i,
      xSigmoidDx(a, f64x2.mul(a, d(beta)), d(beta)),
      xSigmoidDx(b, f64x2.mul(b, d(beta)), d(beta)),
    );
  }
}

/** e^x (its own derivative): float64 keeps e^{88.7} finite and e^{−103} subnormal, as float32 rounds them. */
export function exponential_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    v128.store(y + i, narrow(exp64(lo64(v)), exp64(hi64(v))));
  }
}

export function exponential_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    scaleGrad(gy, gx, i, exp64(lo64(v)), exp64(hi64(v)));
  }
}
