// Smooth activations evaluated in float32 lanes: the exponent argument is the
// input itself (exact), and no derivative cancels, so float32 meets the bound.
import { expm1Neg, expNeg } from './exp32';
import { log1pUnit } from './log32';
import { atLeast, atMost, K, k, kc, negAbs, sel, signBits } from './vec';

// @ts-ignore: decorator
@inline function scaleGrad(gy: usize, gx: usize, i: usize, d: v128): void {
  v128.store(gx + i, f32x4.mul(v128.load(gy + i), d));
}

/** σ(x) = e/(1 + e) below 0 and 1/(1 + e) above, with e = e^{-|x|} (never overflows). */
export function sigmoid_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const e = expNeg(negAbs(v));
    v128.store(y + i, f32x4.div(sel(f32x4.lt(v, k(0.0)), e, kc(K.ONE)), f32x4.add(kc(K.ONE), e)));
  }
}

/** σ'(x) = σ(x)σ(−x) = e/(1 + e)², symmetric, so the tail is kept on both sides. */
export function sigmoid_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const e = expNeg(negAbs(v128.load(s + i)));
    const q = f32x4.add(kc(K.ONE), e);
    scaleGrad(gy, gx, i, f32x4.div(e, f32x4.mul(q, q)));
  }
}

/** σ' from the output: y(1 − y). */
export function sigmoid_by(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const y = v128.load(s + i);
    scaleGrad(gy, gx, i, f32x4.mul(y, f32x4.sub(kc(K.ONE), y)));
  }
}

/** tanh x = sign(x)·|em/(2 + em)| with em = e^{−2|x|} − 1: accurate near 0, exactly ±1 in the tails, tanh(−0) = −0. */
export function tanh_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const a = negAbs(v);
    const em = expm1Neg(f32x4.add(a, a));
    const t = f32x4.abs(f32x4.div(em, f32x4.add(kc(K.TWO), em))); // tanh|x|
    v128.store(y + i, v128.or(t, signBits(v)));
  }
}

/** tanh' = 4e/(1 + e)² with e = e^{−2|x|}: keeps the tail (tanh'(10) = 8e-9) that 1 − tanh² loses. */
export function tanh_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const a = negAbs(v128.load(s + i));
    const e = expNeg(f32x4.add(a, a));
    const q = f32x4.add(kc(K.ONE), e);
    scaleGrad(gy, gx, i, f32x4.div(f32x4.mul(kc(K.FOUR), e), f32x4.mul(q, q)));
  }
}

/** tanh' from the output: (1 − y)(1 + y), where 1 − y is exact near ±1 (1 − y² would cancel). */
export function tanh_by(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const y = v128.load(s + i);
    scaleGrad(gy, gx, i, f32x4.mul(f32x4.sub(kc(K.ONE), y), f32x4.add(kc(K.ONE), y)));
  }
}

/**
 * The ELU family: y = ps·x above 0, ns·(e^{is·x} − 1) below, with expm1 so
 * that tiny negative inputs keep their digits. elu: (1, α, 1); selu: (λ, λα, 1);
 * celu: (1, α, 1/α).
 */
export function elu_f(x: usize, y: usize, n: i32, ps: f32, ns: f32, is: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const neg = f32x4.mul(k(ns), expm1Neg(f32x4.mul(v, k(is))));
    v128.store(y + i, sel(f32x4.gt(v, k(0.0)), f32x4.mul(v, k(ps)), neg));
  }
}

/** f' = ps above 0, nd·e^{is·x} at and below 0 (nd = ns·is; elu'(0) = α as in PyTorch). */
export function elu_b(s: usize, gy: usize, gx: usize, n: i32, ps: f32, nd: f32, is: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const neg = f32x4.mul(k(nd), expNeg(f32x4.mul(v, k(is))));
    scaleGrad(gy, gx, i, sel(f32x4.gt(v, k(0.0)), k(ps), neg));
  }
}

/** softplus (β = 1): x above the threshold, else max(x, 0) + log1p(e^{−|x|}). */
export function softplus_f(x: usize, y: usize, n: i32, t: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const sp = f32x4.add(atLeast(v, k(0.0)), log1pUnit(expNeg(negAbs(v))));
    v128.store(y + i, sel(f32x4.gt(v, k(t)), v, sp));
  }
}

/** softplus' = σ(x), 1 above the threshold. */
export function softplus_b(s: usize, gy: usize, gx: usize, n: i32, t: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const e = expNeg(negAbs(v));
    const sg = f32x4.div(sel(f32x4.lt(v, k(0.0)), e, kc(K.ONE)), f32x4.add(kc(K.ONE), e));
    scaleGrad(gy, gx, i, sel(f32x4.gt(v, k(t)), kc(K.ONE), sg));
  }
}

/** log σ(x) = min(x, 0) − log1p(e^{−|x|}). */
export function log_sigmoid_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const l = log1pUnit(expNeg(negAbs(v)));
    v128.store(y + i, f32x4.sub(atMost(v, k(0.0)), l));
  }
}

/** (log σ)' = σ(−x). */
export function log_sigmoid_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const e = expNeg(negAbs(v));
    scaleGrad(gy, gx, i, f32x4.div(sel(f32x4.gt(v, k(0.0)), e, kc(K.ONE)), f32x4.add(kc(K.ONE), e)));
  }
}

/** (log σ)' from the output: σ(−x) = 1 − e^y = −expm1(y), y <= 0. */
export function log_sigmoid_by(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    scaleGrad(gy, gx, i, f32x4.neg(expm1Neg(v128.load(s + i))));
  }
}
