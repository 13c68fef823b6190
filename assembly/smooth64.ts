// Activations evaluated in float64 lanes (see wide.ts for why): the swish
// family (silu, swish, GELU's sigmoid form), GELU exact and tanh forms, mish,
// and the exponential. Each kernel widens four float32 lanes into two f64x2
// halves, computes, and rounds once on the way back.
import { at64 } from './vec';
import { clamp64, d, exp64, hi64, lo64, narrow } from './wide';

const INV_SQRT2: f64 = 0.7071067811865476;
const INV_SQRT_2PI: f64 = 0.3989422804014327;
/** 2√(2/π) and 2√(2/π)·0.044715: GELU's tanh form is x·σ(z), z = x(T1 + T3·x²). */
const T1: f64 = 1.5957691216057308;
const T3: f64 = 0.07135481627159783;
// h(u) ≈ (1 + 2t)·e^{t²}·erfc(t), u = (t − 3)/(t + 3), t in [0, 14] (mpmath chebyfit, 4e-11).
const H13: f64 = -7.327517882807843e-6;
const H12: f64 = 1.1876351383305973e-5;
const H11: f64 = 0.00011259261311792544;
const H10: f64 = -0.00011497406668568924;
const H9: f64 = -0.0007746666983060507;
const H8: f64 = 0.0018937425906954588;
const H7: f64 = 0.0025283832520653525;
const H6: f64 = -0.02377172169269579;
const H5: f64 = 0.06830811987624544;
const H4: f64 = -0.11927353140691285;
const H3: f64 = 0.12964515488044703;
const H2: f64 = -0.047562299697622136;
const H1: f64 = -0.13562110606042643;
const H0: f64 = 1.2530080583049226;

const TABLE = memory.data<f64>([
  -3.5e38,
  3.5e38,
  -1e30,
  1e30,
  -40.0,
  40.0,
  -750.0,
  20.0,
  1.0,
  T1,
  T3,
  3.0 * T3,
  INV_SQRT2,
  3.0,
  H13,
  H12,
  H11,
  H10,
  H9,
  H8,
  H7,
  H6,
  H5,
  H4,
  H3,
  H2,
  H1,
  H0,
  0.5,
  -0.5,
  INV_SQRT_2PI,
  2.0,
  4.0,
]);
const enum C {
  XMIN,
  XMAX,
  XDZMIN,
  XDZMAX,
  GMIN,
  GMAX,
  MMIN,
  TWENTY,
  ONE,
  T1,
  T3,
  T3X3,
  INV_SQRT2,
  THREE,
  H13,
  H12,
  H11,
  H10,
  H9,
  H8,
  H7,
  H6,
  H5,
  H4,
  H3,
  H2,
  H1,
  H0,
  HALF,
  MINUS_HALF,
  INV_SQRT_2PI,
  TWO,
  FOUR,
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

/** swish x·σ(βx) (silu: β = 1; GELU's sigmoid form: β = 1.702). */
export function swish_f(x: usize, y: usize, n: i32, beta: f64): void {
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

export function swish_b(s: usize, gy: usize, gx: usize, n: i32, beta: f64): void {
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

// @ts-ignore: decorator
@inline function tanhFormZ(x: v128): v128 {
  return f64x2.mul(x, f64x2.add(kt(C.T1), f64x2.mul(kt(C.T3), f64x2.mul(x, x))));
}

// @ts-ignore: decorator
@inline function tanhFormDz(x: v128): v128 {
  return f64x2.add(kt(C.T1), f64x2.mul(kt(C.T3X3), f64x2.mul(x, x)));
}

/** GELU, tanh form: 0.5x(1 + tanh u) = x·σ(2u), which never overflows. */
export function gelu_tanh_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const a = lo64(v);
    const b = hi64(v);
    v128.store(y + i, narrow(xSigmoid(a, tanhFormZ(a)), xSigmoid(b, tanhFormZ(b))));
  }
}

export function gelu_tanh_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const a = lo64(v);
    const b = hi64(v);
    scaleGrad(
      gy,
      gx,
      i,
      xSigmoidDx(a, tanhFormZ(a), tanhFormDz(a)),
      xSigmoidDx(b, tanhFormZ(b), tanhFormDz(b)),
    );
  }
}

/**
 * Φ(−|x|) = ½ erfc(|x|/√2) = ½ e^{−x²/2} h(u)/(1 + 2t), t = |x|/√2: the
 * lower tail directly, so gelu(−10) keeps its 1e-23 (1 − Φ(10) would be 0).
 * x²/2 is exact in float64. `g` is e^{−x²/2}.
 */
// @ts-ignore: decorator
@inline function lowerTail(xc: v128, g: v128): v128 {
  const t = f64x2.mul(f64x2.abs(xc), kt(C.INV_SQRT2));
  const u = f64x2.div(f64x2.sub(t, kt(C.THREE)), f64x2.add(t, kt(C.THREE)));
  let h = f64x2.add(f64x2.mul(kt(C.H13), u), kt(C.H12));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H11));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H10));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H9));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H8));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H7));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H6));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H5));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H4));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H3));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H2));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H1));
  h = f64x2.add(f64x2.mul(h, u), kt(C.H0));
  return f64x2.div(f64x2.mul(f64x2.mul(kt(C.HALF), g), h), f64x2.add(kt(C.ONE), f64x2.add(t, t)));
}

// @ts-ignore: decorator
@inline function gaussian(xc: v128): v128 {
  return exp64(f64x2.mul(kt(C.MINUS_HALF), f64x2.mul(xc, xc)));
}

/** GELU x·Φ(x) (μ = 0, σ = 1). Beyond |x| = 40 the tail is below any float32. */
// @ts-ignore: decorator
@inline function gelu64(x: v128): v128 {
  const xc = clamp64(x, kt(C.GMIN), kt(C.GMAX));
  const c = lowerTail(xc, gaussian(xc));
  return ifNeg(x, f64x2.mul(xc, c), f64x2.mul(x, f64x2.sub(kt(C.ONE), c)));
}

/** GELU' = Φ(x) + x·φ(x). */
// @ts-ignore: decorator
@inline function geluDx64(x: v128): v128 {
  const xc = clamp64(x, kt(C.GMIN), kt(C.GMAX));
  const g = gaussian(xc);
  const c = lowerTail(xc, g);
  const phi = ifNeg(x, c, f64x2.sub(kt(C.ONE), c));
  return f64x2.add(phi, f64x2.mul(xc, f64x2.mul(g, kt(C.INV_SQRT_2PI))));
}

export function gelu_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    v128.store(y + i, narrow(gelu64(lo64(v)), gelu64(hi64(v))));
  }
}

export function gelu_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    scaleGrad(gy, gx, i, geluDx64(lo64(v)), geluDx64(hi64(v)));
  }
}

/**
 * mish x·tanh(softplus x) = x·m/(m + 2) with m = e(2 + e), e = e^x: one exp,
 * one division, and no cancellation for x < 0 (m is formed as a product). Above
 * x = 20 tanh(softplus x) is 1 to float64 precision, so y = x.
 */
// @ts-ignore: decorator
@inline function mish64(x: v128): v128 {
  const xc = clamp64(x, kt(C.MMIN), kt(C.TWENTY));
  const e = exp64(xc);
  const m = f64x2.mul(e, f64x2.add(kt(C.TWO), e));
  const y = f64x2.div(f64x2.mul(xc, m), f64x2.add(m, kt(C.TWO)));
  return v128.bitselect(x, y, f64x2.gt(x, kt(C.TWENTY)));
}

/** mish' = m/(m + 2) + 4x·e(1 + e)/(m + 2)². */
// @ts-ignore: decorator
@inline function mishDx64(x: v128): v128 {
  const xc = clamp64(x, kt(C.MMIN), kt(C.TWENTY));
  const e = exp64(xc);
  const m = f64x2.mul(e, f64x2.add(kt(C.TWO), e));
  const q = f64x2.add(m, kt(C.TWO));
  const tail = f64x2.mul(f64x2.mul(kt(C.FOUR), xc), f64x2.mul(e, f64x2.add(kt(C.ONE), e)));
  const y = f64x2.add(f64x2.div(m, q), f64x2.div(tail, f64x2.mul(q, q)));
  return v128.bitselect(kt(C.ONE), y, f64x2.gt(x, kt(C.TWENTY)));
}

export function mish_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    v128.store(y + i, narrow(mish64(lo64(v)), mish64(hi64(v))));
  }
}

export function mish_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    scaleGrad(gy, gx, i, mishDx64(lo64(v)), mishDx64(hi64(v)));
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
