// Activations evaluated in float64 lanes (see wide.ts for why): the swish
// family (silu, swish, GELU's sigmoid form), GELU exact and tanh forms, mish,
// and the exponential. Each kernel widens four float32 lanes into two f64x2
// halves, computes, and rounds once on the way back.
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
  const s = f64x2.div(ifNeg(z, e, d(1.0)), f64x2.add(d(1.0), e));
  return f64x2.mul(clamp64(x, -3.5e38, 3.5e38), s);
}

/** d/dx x·σ(z(x)) = σ(z) + x·z'·σ(z)σ(−z); the second term is clamped so that ∞·0 never happens. */
// @ts-ignore: decorator
@inline function xSigmoidDx(x: v128, z: v128, dz: v128): v128 {
  const e = expNegAbs(z);
  const q = f64x2.add(d(1.0), e);
  const s = f64x2.div(ifNeg(z, e, d(1.0)), q);
  const xdz = clamp64(f64x2.mul(x, dz), -1e30, 1e30);
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
  return f64x2.mul(x, f64x2.add(d(T1), f64x2.mul(d(T3), f64x2.mul(x, x))));
}

// @ts-ignore: decorator
@inline function tanhFormDz(x: v128): v128 {
  return f64x2.add(d(T1), f64x2.mul(d(3.0 * T3), f64x2.mul(x, x)));
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
  const t = f64x2.mul(f64x2.abs(xc), d(INV_SQRT2));
  const u = f64x2.div(f64x2.sub(t, d(3.0)), f64x2.add(t, d(3.0)));
  let h = f64x2.add(f64x2.mul(d(H13), u), d(H12));
  h = f64x2.add(f64x2.mul(h, u), d(H11));
  h = f64x2.add(f64x2.mul(h, u), d(H10));
  h = f64x2.add(f64x2.mul(h, u), d(H9));
  h = f64x2.add(f64x2.mul(h, u), d(H8));
  h = f64x2.add(f64x2.mul(h, u), d(H7));
  h = f64x2.add(f64x2.mul(h, u), d(H6));
  h = f64x2.add(f64x2.mul(h, u), d(H5));
  h = f64x2.add(f64x2.mul(h, u), d(H4));
  h = f64x2.add(f64x2.mul(h, u), d(H3));
  h = f64x2.add(f64x2.mul(h, u), d(H2));
  h = f64x2.add(f64x2.mul(h, u), d(H1));
  h = f64x2.add(f64x2.mul(h, u), d(H0));
  return f64x2.div(f64x2.mul(f64x2.mul(d(0.5), g), h), f64x2.add(d(1.0), f64x2.add(t, t)));
}

// @ts-ignore: decorator
@inline function gaussian(xc: v128): v128 {
  return exp64(f64x2.mul(d(-0.5), f64x2.mul(xc, xc)));
}

/** GELU x·Φ(x) (μ = 0, σ = 1). Beyond |x| = 40 the tail is below any float32. */
// @ts-ignore: decorator
@inline function gelu64(x: v128): v128 {
  const xc = clamp64(x, -40.0, 40.0);
  const c = lowerTail(xc, gaussian(xc));
  return ifNeg(x, f64x2.mul(xc, c), f64x2.mul(x, f64x2.sub(d(1.0), c)));
}

/** GELU' = Φ(x) + x·φ(x). */
// @ts-ignore: decorator
@inline function geluDx64(x: v128): v128 {
  const xc = clamp64(x, -40.0, 40.0);
  const g = gaussian(xc);
  const c = lowerTail(xc, g);
  const phi = ifNeg(x, c, f64x2.sub(d(1.0), c));
  return f64x2.add(phi, f64x2.mul(xc, f64x2.mul(g, d(INV_SQRT_2PI))));
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
  const xc = clamp64(x, -750.0, 20.0);
  const e = exp64(xc);
  const m = f64x2.mul(e, f64x2.add(d(2.0), e));
  const y = f64x2.div(f64x2.mul(xc, m), f64x2.add(m, d(2.0)));
  return v128.bitselect(x, y, f64x2.gt(x, d(20.0)));
}

/** mish' = m/(m + 2) + 4x·e(1 + e)/(m + 2)². */
// @ts-ignore: decorator
@inline function mishDx64(x: v128): v128 {
  const xc = clamp64(x, -750.0, 20.0);
  const e = exp64(xc);
  const m = f64x2.mul(e, f64x2.add(d(2.0), e));
  const q = f64x2.add(m, d(2.0));
  const tail = f64x2.mul(f64x2.mul(d(4.0), xc), f64x2.mul(e, f64x2.add(d(1.0), e)));
  const y = f64x2.add(f64x2.div(m, q), f64x2.div(tail, f64x2.mul(q, q)));
  return v128.bitselect(d(1.0), y, f64x2.gt(x, d(20.0)));
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
