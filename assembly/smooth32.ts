// Smooth activations in float32 lanes. Where plain float32 would lose the
// 4-ULP bound, the kernels take care: an exponent argument that float32 would
// round is reduced exactly (expScaled, expHalfSplit) or in float64 lanes (GELU's
// tanh form), and a derivative that crosses 0 is taken as a product with the
// distance to its root (GELU, swish) or near the root as u·p(u), a fitted
// polynomial (scripts/fit_kernels.py). Derivatives, whose bound is 1e-5, take a
// cheaper exponential (expLow) where it keeps them within it.
//
// The loops take two vectors a turn, both computed before either is stored, so
// that V8's code overlaps their exponentials and divisions: 10-25 % faster than
// one vector a turn (or two, each stored as soon as computed).
import {
  biased,
  expHalfSplit,
  expLow,
  expm1Neg,
  expm1Reduced,
  expNeg,
  expReduced,
  expScaled,
  expScaled1,
  expWide,
  magic,
} from './exp32';
import { log1pUnit } from './log32';
import { absOf, at32, at64, atLeast, atMost, K, k, kc, negAbs, sel, signBits } from './vec';
import { hi64, lo64, narrow } from './wide';

// @ts-ignore: decorator
@inline function scaleGrad(gy: usize, gx: usize, i: usize, d: v128): void {
  v128.store(gx + i, f32x4.mul(v128.load(gy + i), d));
}

// The loops of the kernels below: two vectors a turn, both computed before
// either is stored (10–25 % faster than one), then the last whole vector.
// `kind` (and `tail`) are constants at every call, so each export inlines one
// function of x with its parameters p0..p2, and the choice costs nothing.

const enum Fw {
  SIGMOID,
  TANH,
  ELU,
  /** elu with ps = is = 1 (p1 = ns): the tail still takes ELU. */
  ELU_UNIT,
  SOFTPLUS,
  SWISH,
  /** swish with β = 1: the tail still takes SWISH. */
  SILU,
  GELU,
  GELU_TANH,
  MISH,
}

const enum Bw {
  SIGMOID,
  TANH,
  ELU,
  SOFTPLUS,
  SWISH,
  GELU,
  GELU_TANH,
  MISH,
}

/** The parameters a kind does not take. */
// @ts-ignore: decorator
@inline function none(): v128 {
  return i32x4(0, 0, 0, 0);
}

// @ts-ignore: decorator
@inline function valueOf(kind: Fw, v: v128, p0: v128, p1: v128, p2: v128): v128 {
  if (kind == Fw.SIGMOID) return sigmoidOf(v);
  if (kind == Fw.TANH) return tanhOf(v);
  if (kind == Fw.ELU) return eluOf(v, p0, p1, p2);
  if (kind == Fw.ELU_UNIT) return elu1Of(v, p1);
  if (kind == Fw.SOFTPLUS) return softplusOf(v, p0);
  if (kind == Fw.SWISH) return swishOf(v);
  if (kind == Fw.SILU) return siluOf(v);
  if (kind == Fw.GELU) return geluOf(v);
  if (kind == Fw.GELU_TANH) return gelu_tanhOf(v);
  return mishOf(v);
}

// @ts-ignore: decorator
@inline function derivativeOf(kind: Bw, v: v128, p0: v128, p1: v128, p2: v128): v128 {
  if (kind == Bw.SIGMOID) return sigmoidDx(v);
  if (kind == Bw.TANH) return tanhDx(v);
  if (kind == Bw.ELU) return eluDx(v, p0, p1, p2);
  if (kind == Bw.SOFTPLUS) return softplusDx(v, p0);
  if (kind == Bw.SWISH) return swishDx(v);
  if (kind == Bw.GELU) return geluDx(v);
  if (kind == Bw.GELU_TANH) return gelu_tanhDx(v);
  return mishDx(v);
}

/** y = f(x) over n lanes (a multiple of 4): `kind` in the loop, `tail` for the last odd vector. */
// @ts-ignore: decorator
@inline function forward(
  x: usize,
  y: usize,
  n: i32,
  kind: Fw,
  tail: Fw,
  p0: v128,
  p1: v128,
  p2: v128,
): void {
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = valueOf(kind, v128.load(x + i), p0, p1, p2);
    const b = valueOf(kind, v128.load(x + i, 16), p0, p1, p2);
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, valueOf(tail, v128.load(x + i), p0, p1, p2));
}

/** gx = gy·f'(s) over n lanes (a multiple of 4). */
// @ts-ignore: decorator
@inline function backward(
  s: usize,
  gy: usize,
  gx: usize,
  n: i32,
  kind: Bw,
  p0: v128,
  p1: v128,
  p2: v128,
): void {
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = derivativeOf(kind, v128.load(s + i), p0, p1, p2);
    const b = derivativeOf(kind, v128.load(s + i, 16), p0, p1, p2);
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, derivativeOf(kind, v128.load(s + i), p0, p1, p2));
}

/** The clamps of the sigmoid kernels (a v128.const costs three instructions at every use). */
const SIG = memory.data<f32>([-87.0, 88.5]);
const enum SG {
  FLOOR,
  TOP,
}

/**
 * σ(x) = 1/(1 + e^{−x}), x clamped to [−88.5, 87]: e^{−x} keeps its relative
 * precision on both sides, 1/(1 + e) is exactly 1 from x = 17 on, and from
 * x = −88.4 down e^{−x} is ∞ and σ is 0 (below FLT_MIN from x = −87.3).
 */
// @ts-ignore: decorator
@inline function sigmoidOf(v: v128): v128 {
  const z = atMost(atLeast(v128.xor(v, kc(K.SIGN)), at32(SIG, SG.FLOOR)), at32(SIG, SG.TOP));
  return f32x4.div(kc(K.ONE), f32x4.add(kc(K.ONE), expWide(z)));
}

export function sigmoid_f(x: usize, y: usize, n: i32): void {
  forward(x, y, n, Fw.SIGMOID, Fw.SIGMOID, none(), none(), none());
}

/**
 * σ'(x) = σ(x)σ(−x) = e/(1 + e)², e = e^{−|x|}, symmetric, so the tail is kept on
 * both sides (−|x| clamped to −87, where σ' is 1.6e-38).
 */
// @ts-ignore: decorator
@inline function sigmoidDx(v: v128): v128 {
  const e = expLow(atLeast(negAbs(v), at32(SIG, SG.FLOOR)));
  const q = f32x4.add(kc(K.ONE), e);
  return f32x4.div(e, f32x4.mul(q, q));
}

export function sigmoid_b(s: usize, gy: usize, gx: usize, n: i32): void {
  backward(s, gy, gx, n, Bw.SIGMOID, none(), none(), none());
}

/** σ' from the output: y(1 − y). */
export function sigmoid_by(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const y = v128.load(s + i);
    scaleGrad(gy, gx, i, f32x4.mul(y, f32x4.sub(kc(K.ONE), y)));
  }
}

/** tanh x = sign(x)·|em/(2 + em)| with em = e^{−2|x|} − 1: accurate near 0, exactly ±1 in the tails, tanh(−0) = −0. */
// @ts-ignore: decorator
@inline function tanhOf(v: v128): v128 {
  const a = negAbs(v);
  const em = expm1Neg(f32x4.add(a, a));
  const t = absOf(f32x4.div(em, f32x4.add(kc(K.TWO), em))); // tanh|x|
  return v128.or(t, signBits(v));
}

export function tanh_f(x: usize, y: usize, n: i32): void {
  forward(x, y, n, Fw.TANH, Fw.TANH, none(), none(), none());
}

/** tanh' = 4e/(1 + e)² with e = e^{−2|x|}: keeps the tail (tanh'(10) = 8e-9) that 1 − tanh² loses. */
// @ts-ignore: decorator
@inline function tanhDx(v: v128): v128 {
  const a = negAbs(v);
  const e = expNeg(f32x4.add(a, a));
  const q = f32x4.add(kc(K.ONE), e);
  return f32x4.div(f32x4.mul(kc(K.FOUR), e), f32x4.mul(q, q));
}

export function tanh_b(s: usize, gy: usize, gx: usize, n: i32): void {
  backward(s, gy, gx, n, Bw.TANH, none(), none(), none());
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
// @ts-ignore: decorator
@inline function eluOf(v: v128, ps: v128, ns: v128, is: v128): v128 {
  const neg = f32x4.mul(ns, expm1Neg(f32x4.mul(v, is)));
  return sel(f32x4.gt(v, k(0.0)), f32x4.mul(v, ps), neg);
}

/** elu itself, ps = is = 1: the two products by 1 left out (the results are the same). */
// @ts-ignore: decorator
@inline function elu1Of(v: v128, ns: v128): v128 {
  return sel(f32x4.gt(v, k(0.0)), v, f32x4.mul(ns, expm1Neg(v)));
}

export function elu_f(x: usize, y: usize, n: i32, ps: f32, ns: f32, is: f32): void {
  const vps = f32x4.splat(ps);
  const vns = f32x4.splat(ns);
  const vis = f32x4.splat(is);
  if (ps == 1 && is == 1) forward(x, y, n, Fw.ELU_UNIT, Fw.ELU, vps, vns, vis);
  else forward(x, y, n, Fw.ELU, Fw.ELU, vps, vns, vis);
}

/** f' = ps above 0, nd·e^{is·x} at and below 0 (nd = ns·is; elu'(0) = α as in PyTorch; is·x clamped to −87). */
// @ts-ignore: decorator
@inline function eluDx(v: v128, ps: v128, nd: v128, is: v128): v128 {
  const neg = f32x4.mul(nd, expLow(atLeast(f32x4.mul(v, is), at32(SIG, SG.FLOOR))));
  return sel(f32x4.gt(v, k(0.0)), ps, neg);
}

export function elu_b(s: usize, gy: usize, gx: usize, n: i32, ps: f32, nd: f32, is: f32): void {
  backward(s, gy, gx, n, Bw.ELU, f32x4.splat(ps), f32x4.splat(nd), f32x4.splat(is));
}

/** softplus (β = 1): x above the threshold, else max(x, 0) + log1p(e^{−|x|}). */
// @ts-ignore: decorator
@inline function softplusOf(v: v128, t: v128): v128 {
  const sp = f32x4.add(atLeast(v, k(0.0)), log1pUnit(expNeg(negAbs(v))));
  return sel(f32x4.gt(v, t), v, sp);
}

export function softplus_f(x: usize, y: usize, n: i32, t: f32): void {
  forward(x, y, n, Fw.SOFTPLUS, Fw.SOFTPLUS, f32x4.splat(t), none(), none());
}

/** softplus' = σ(x), 1 above the threshold. */
// @ts-ignore: decorator
@inline function softplusDx(v: v128, t: v128): v128 {
  const e = expNeg(negAbs(v));
  const sg = f32x4.div(sel(f32x4.lt(v, k(0.0)), e, kc(K.ONE)), f32x4.add(kc(K.ONE), e));
  return sel(f32x4.gt(v, t), kc(K.ONE), sg);
}

export function softplus_b(s: usize, gy: usize, gx: usize, n: i32, t: f32): void {
  backward(s, gy, gx, n, Bw.SOFTPLUS, f32x4.splat(t), none(), none());
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

// The swish family x·σ(βx) (silu: β = 1; GELU's sigmoid form: β = 1.702) for
// β in the range the binder allows. e^{−β|x|} comes from expScaled, which
// reduces −|x| itself, so the rounding of β·x never reaches the exponential.

/** 2^−24, undoing expScaled's scale. */
const UNSCALE: f32 = 5.960464477539063e-8;
/**
 * The floor of β·a = −β|x|: there n = round(β·a·log2 e) = −151, so that
 * expScaled's 2^(n+24) and with it the tail are 0; |x·σ(βx)| < FLT_MIN from
 * β·a = −104 on.
 */
const GATE_FLOOR: f64 = -105.0;
/** t0 = −z0, where swish'(z/β) = D(z) = σ(z)(1 + z·σ(−z)) crosses 0: the root of 1 + e^{−t} − t (mpmath). */
const T0: f64 = 1.2784645427610737;
/** e0 = e^{−t0} = t0 − 1. */
const E0: f32 = 0.27846455574035645;
/** ln 2 in float32, for the derivative's reduction (its bound is 1e-5). */
const LN2: f32 = 0.6931471824645996;
/** Beyond β|x| = 25, |D(−β|x|)| < 1e-9: the derivative kernel clamps there. */
const GATE_DMAX: f64 = 25.0;

/** The half-width of the u·p(u) root patches of the other derivative kernels. */
const ROOT_RADIUS: f32 = 0.0625;

const SWISH = memory.data<f32>([UNSCALE, E0, LN2, ROOT_RADIUS]);
const enum S {
  UNSCALE,
  E0,
  LN2,
  ROOT_RADIUS,
}

/** The constants that depend on β, set by gate() before each loop. */
const GATE = memory.data(4 * 8, 16);
const enum G {
  KB,
  C_HI,
  C_LO,
  BETA,
  FLOOR,
  X0_HI,
  X0_LO,
  XMAX,
}

// @ts-ignore: decorator
@inline function ks(i: S): v128 {
  return at32(SWISH, i);
}

// @ts-ignore: decorator
@inline function kg(i: G): v128 {
  return at32(GATE, i);
}

// @ts-ignore: decorator
@inline function setGate(i: G, v: f32): void {
  store<f32>(GATE + (<usize>i << 2), v);
}

/**
 * expScaled's constants for β (kb = β·log2 e; ln2/β as a 16-bit head and a
 * tail), the floor of −|x| (β·a >= −105), the root of swish'(−|x|) in |x|,
 * t0/β, in two parts, and the derivative's clamp 25/β.
 */
function gate(beta: f64): void {
  const c = 0.6931471805599453 / beta;
  const cHi = reinterpret<f32>(reinterpret<u32>(<f32>c) & 0xffffff00);
  const x0 = T0 / beta;
  const x0Hi = <f32>x0;
  setGate(G.KB, <f32>(beta * 1.4426950408889634));
  setGate(G.C_HI, cHi);
  setGate(G.C_LO, <f32>(c - <f64>cHi));
  setGate(G.BETA, <f32>beta);
  setGate(G.FLOOR, <f32>(GATE_FLOOR / beta));
  setGate(G.X0_HI, x0Hi);
  setGate(G.X0_LO, <f32>(x0 - <f64>x0Hi));
  setGate(G.XMAX, <f32>(GATE_DMAX / beta));
}

/** 2^24·e^{β·ac}, ac = −|x| clamped to the floor. */
// @ts-ignore: decorator
@inline function gateExp(ac: v128): v128 {
  return expScaled(ac, kg(G.KB), kg(G.C_HI), kg(G.C_LO), kg(G.BETA));
}

/**
 * swish x·σ(βx) for 2^−10 <= β <= 2^10: x/(1 + e) above 0 and x·e/(1 + e) below,
 * e = e^{−β|x|}. Below 0 the product x·e is formed from the scaled exponential
 * (2^24·e stays normal where e is subnormal and x·e is not), then unscaled; x
 * is clamped to the floor there, where the scaled exponential is 0, so that
 * x → −∞ gives −0.
 */
// @ts-ignore: decorator
@inline function swishOf(v: v128): v128 {
  const a = atLeast(negAbs(v), kg(G.FLOOR));
  return swishTail(v, a, gateExp(a));
}

/** silu (β = 1): the same, with expScaled1, which needs no product by β (the results are the same). */
// @ts-ignore: decorator
@inline function siluOf(v: v128): v128 {
  const a = atLeast(negAbs(v), kg(G.FLOOR));
  return swishTail(v, a, expScaled1(a));
}

/** From a = −|x| clamped and es = 2^24·e^{β·a}; below 0, a is x clamped. */
// @ts-ignore: decorator
@inline function swishTail(v: v128, a: v128, es: v128): v128 {
  const below = f32x4.mul(f32x4.mul(a, es), ks(S.UNSCALE));
  const num = sel(f32x4.lt(v, k(0.0)), below, v);
  return f32x4.div(num, f32x4.add(kc(K.ONE), f32x4.mul(es, ks(S.UNSCALE))));
}

export function swish_f(x: usize, y: usize, n: i32, beta: f64): void {
  gate(beta);
  if (beta == 1.0) forward(x, y, n, Fw.SILU, Fw.SWISH, none(), none(), none());
  else forward(x, y, n, Fw.SWISH, Fw.SWISH, none(), none(), none());
}

/**
 * swish' = D(z), z = βx, D(z) = σ(z)(1 + z·σ(−z)) = 1 − D(−z): D(−t) below 0 and
 * 1 − D(−t) above, t = β|x|. D(−t) = e(1 + e − t)/(1 + e)², e = e^{−t}, and
 * 1 + e − t, which crosses 0 at t0, is taken as (e − e0) − δ with δ = t − t0
 * formed from |x| − t0/β (exact near the root) and e = e0·e^{−δ}, so that
 * e − e0 = e0·(2^n(1 + m) − 1), m = e^ρ − 1, keeps its digits where n = 0 and
 * δ is small: relative precision on both sides of the root, without a patch.
 */
// @ts-ignore: decorator
@inline function swishDx(v: v128): v128 {
  const ax = atMost(absOf(v), kg(G.XMAX));
  const y = f32x4.mul(f32x4.add(f32x4.sub(kg(G.X0_HI), ax), kg(G.X0_LO)), kg(G.BETA)); // −δ
  const tb = biased(y);
  const nf = f32x4.sub(tb, magic());
  const m = expm1Reduced(f32x4.sub(y, f32x4.mul(nf, ks(S.LN2))));
  const s0 = f32x4.mul(i32x4.shl(tb, 23), ks(S.E0)); // e0·2^n
  const a = f32x4.mul(s0, m);
  const e = f32x4.add(s0, a);
  const g = f32x4.add(f32x4.add(f32x4.sub(s0, ks(S.E0)), a), y); // 1 + e − t
  const q = f32x4.add(kc(K.ONE), e);
  const dm = f32x4.div(f32x4.mul(e, g), f32x4.mul(q, q));
  // h + (±dm): the sign of dm flipped and h = 1 where the sign bit of x is clear.
  const flip = v128.andnot(kc(K.SIGN), v);
  return f32x4.add(v128.and(i32x4.shr_s(flip, 31), kc(K.ONE)), v128.xor(dm, flip));
}

export function swish_b(s: usize, gy: usize, gx: usize, n: i32, beta: f64): void {
  gate(beta);
  backward(s, gy, gx, n, Bw.SWISH, none(), none(), none());
}

// GELU x·Φ(x), Φ(x) = erfc(−x/√2)/2. With t = |x| and Q(t) = Φ(−t) (the lower
// tail, never 1 − something small), gelu(x) = max(x, 0) − t·Q(t) on both sides:
// −t·Q(t) below 0, x − x·Q(x) above.
//
// Forward: e^{−t²/2} is formed from t² in two parts so that it keeps full
// precision down to e^{−87}; the rest, t·e^{t²/2}·Q(t) = w·e^{L} with
// w = t/(t + k), L smooth and 0 at t = 0, is taken inside the same
// exponential, 2L = w·P(w − 1/2) with P a polynomial: t·Q(t) = w·e^{−t²/2 + L}
// carries few roundings, and near 0, where L is small, L keeps its digits.
//
// Backward: gelu'(x) = Φ(x) + x·φ(x) = 1 − gelu'(−x), and gelu'(−t) =
// e^{−t²/2}(x1 − t)F(t) with −x1 the root of gelu' and F = N/M a rational
// function without zeros: relative precision everywhere, the root included, from one exponential
// (the bound there is 1e-5, so −t²/2 in float32 is precise enough).

/** Beyond |x| = 13.2 (where |gelu| < FLT_MIN below 0), 2^n is 0: see T_MAX in scripts/fit_kernels.py. */
const GELU_TMAX: f32 = 13.199999809265137;
/** th = t with its 12 low mantissa bits cleared: th² is exact in float32. */
const HEAD_MASK: i32 = 0xfffff000;
const MAP_K: f32 = 2.0;
// 2L = w·P(v), v = w − 1/2, L = ln(e^{t²/2}·Q(t)·(t + k)·2/k), 0 at t = 0: w·e^{L}
// is t·e^{t²/2}·Q(t) within 1.1e-7 relative, the roundings of w, v and Horner's
// in float32 included (scripts/fit_kernels.py).
const P9: f32 = 0.39566534757614136;
const P8: f32 = 0.6061750650405884;
const P7: f32 = 0.03324015066027641;
const P6: f32 = -0.5581453442573547;
const P5: f32 = -0.4522228240966797;
const P4: f32 = 0.15827341377735138;
const P3: f32 = 0.5910161733627319;
const P2: f32 = 0.27749860286712646;
const P1: f32 = -0.7677785754203796;
const P0: f32 = -1.5875599384307861;
/** Beyond |x| = 7, |gelu'(−|x|)| < 1e-10: t is clamped there for the derivative. */
const GELU_DMAX: f32 = 7.0;
/** −log2(e)/2: e^{−t²/2} = 2^{t²·this}. */
const NEG_HALF_LOG2E: f32 = -0.7213475204444817;
/** 1.5·2^23 + 127 (see exp32.ts MAGIC). */
const MAGIC: f32 = 12583039.0;
/** x1 = −(root of gelu') (mpmath), as head and tail. */
const X1_HI: f32 = 0.7517915368080139;
const X1_LO: f32 = -1.211444988769017e-8;
// F(t) = N(t)/M(t), M monic: 4.1e-7 relative on [0, 7].
const FN3: f32 = 0.39884859323501587;
const FN2: f32 = 2.693342685699463;
const FN1: f32 = 7.112698554992676;
const FN0: f32 = 7.825522422790527;
const FM2: f32 = 5.993631839752197;
const FM1: f32 = 13.819925308227539;
const FM0: f32 = 11.766321182250977;
// 2^r = 1 + r·q(r) on |r| <= 1/2, q of degree 3: 2.9e-6 relative.
const B3: f32 = 0.00958284456282854;
const B2: f32 = 0.055906444787979126;
const B1: f32 = 0.24024099111557007;
const B0: f32 = 0.6931241750717163;

const GELU = memory.data<f32>([
  GELU_TMAX,
  MAP_K,
  P9,
  P8,
  P7,
  P6,
  P5,
  P4,
  P3,
  P2,
  P1,
  P0,
  GELU_DMAX,
  NEG_HALF_LOG2E,
  MAGIC,
  X1_HI,
  X1_LO,
  FN3,
  FN2,
  FN1,
  FN0,
  FM2,
  FM1,
  FM0,
  B3,
  B2,
  B1,
  B0,
]);
const enum E {
  TMAX,
  MAP_K,
  P9,
  P8,
  P7,
  P6,
  P5,
  P4,
  P3,
  P2,
  P1,
  P0,
  DMAX,
  NEG_HALF_LOG2E,
  MAGIC,
  X1_HI,
  X1_LO,
  FN3,
  FN2,
  FN1,
  FN0,
  FM2,
  FM1,
  FM0,
  B3,
  B2,
  B1,
  B0,
}
const MASKS = memory.data<i32>([HEAD_MASK]);

// @ts-ignore: decorator
@inline function ke(i: E): v128 {
  return at32(GELU, i);
}

/** p·u + c, one Horner step. */
// @ts-ignore: decorator
@inline function step(p: v128, u: v128, c: E): v128 {
  return f32x4.add(f32x4.mul(p, u), ke(c));
}

/**
 * GELU (μ = 0, σ = 1): max(x, 0) − w·e^{z}, w = t/(t + k), z = −t²/2 + L(v),
 * taken in doubled units by expHalfSplit from th² (exact), (t − th)(t + th) and
 * 2L. t is clamped to 13.2, where n = −127 and 2^n is 0, so that ±∞ give ∞ − 0
 * and 0 − 0. The tail w·e^{z} is normal wherever the result is.
 */
// @ts-ignore: decorator
@inline function geluOf(v: v128): v128 {
  const t = atMost(absOf(v), ke(E.TMAX));
  const th = v128.and(t, at32(MASKS, 0));
  const lo2 = f32x4.mul(f32x4.sub(t, th), f32x4.add(t, th));
  const w = f32x4.div(t, f32x4.add(t, ke(E.MAP_K)));
  const c = f32x4.sub(w, kc(K.HALF));
  let p = step(ke(E.P9), c, E.P8);
  p = step(p, c, E.P7);
  p = step(p, c, E.P6);
  p = step(p, c, E.P5);
  p = step(p, c, E.P4);
  p = step(p, c, E.P3);
  p = step(p, c, E.P2);
  p = step(p, c, E.P1);
  p = step(p, c, E.P0);
  const e = expHalfSplit(f32x4.mul(th, th), f32x4.mul(w, p), lo2);
  return f32x4.sub(atLeast(v, k(0.0)), f32x4.mul(w, e));
}

export function gelu_f(x: usize, y: usize, n: i32): void {
  forward(x, y, n, Fw.GELU, Fw.GELU, none(), none(), none());
}

/**
 * GELU' = h ± m, m = gelu'(−t) = 2^{t²·(−log2 e/2)}·(x1 − t)·N(t)/M(t): m below
 * 0 (h = 0) and 1 − m above (h = 1). The exponent y is split as n + r with
 * r = y − n exact, 2^n from the bits of y + MAGIC.
 */
// @ts-ignore: decorator
@inline function geluDx(v: v128): v128 {
  const t = atMost(absOf(v), ke(E.DMAX));
  const y = f32x4.mul(f32x4.mul(t, t), ke(E.NEG_HALF_LOG2E));
  const tm = f32x4.add(y, ke(E.MAGIC));
  const r = f32x4.sub(y, f32x4.sub(tm, ke(E.MAGIC)));
  let p = step(ke(E.B3), r, E.B2);
  p = step(p, r, E.B1);
  p = step(p, r, E.B0);
  const e = f32x4.mul(i32x4.shl(tm, 23), f32x4.add(f32x4.mul(p, r), kc(K.ONE)));
  const dx = f32x4.add(f32x4.sub(ke(E.X1_HI), t), ke(E.X1_LO));
  let nn = step(ke(E.FN3), t, E.FN2);
  nn = step(nn, t, E.FN1);
  nn = step(nn, t, E.FN0);
  let mm = step(f32x4.add(t, ke(E.FM2)), t, E.FM1);
  mm = step(mm, t, E.FM0);
  const g = f32x4.div(f32x4.mul(e, f32x4.mul(dx, nn)), mm);
  // h + (±g): the sign of g flipped and h = 1 where the sign bit of x is clear.
  const flip = v128.andnot(kc(K.SIGN), v);
  return f32x4.add(v128.and(i32x4.shr_s(flip, 31), kc(K.ONE)), v128.xor(g, flip));
}

export function gelu_b(s: usize, gy: usize, gx: usize, n: i32): void {
  backward(s, gy, gx, n, Bw.GELU, none(), none(), none());
}

// GELU's tanh form, x·σ(z) with z = x(T1 + T3·x²) = 2√(2/π)(x + 0.044715x³)
// (0.5x(1 + tanh(z/2)) never overflows this way). A float32 z would be rounded,
// and e^z amplifies that by |z|: hundreds of ULP near z = −90. So z and the
// reduction of −|z| (n and r, as in expScaled) are computed in float64 lanes,
// a few operations, and e^r with everything after it in float32 lanes.

const TANH_T1: f64 = 1.5957691216057308;
const TANH_T3: f64 = 0.07135481627159783;
/** 1.5·2^52 + 151: t = z·log2 e + MAGIC holds n + 151 in its low word, so that word << 23 is the float32 2^(n+24). */
const WIDE_MAGIC: f64 = 6755399441055895.0;
/** −|z| >= −104 keeps n + 151 > 0 (see expScaled). */
const WIDE_FLOOR: f64 = -104.0;
const WIDE = memory.data<f64>([
  TANH_T1,
  TANH_T3,
  -0.0,
  WIDE_FLOOR,
  1.4426950408889634,
  WIDE_MAGIC,
  0.6931471805599453,
  5.960464477539063e-8,
  2.0,
]);
const enum WD {
  T1,
  T3,
  SIGN,
  FLOOR,
  LOG2E,
  MAGIC,
  LN2,
  UNSCALE,
  TWO,
}

/** Below this x, z < −104: |gelu| < FLT_MIN, and the result is −0 (scripts/fit_kernels.py). */
const TANH_FLOOR: f32 = -10.681296348571777;
/** x0 where the derivative crosses 0, as head and tail, and u·p(u) around it (2.1e-7 relative). */
const TX0_HI: f32 = -0.7524614334106445;
const TX0_LO: f32 = 1.1339627903339533e-8;
const H3: f32 = -0.1138676330447197;
const H2: f32 = -0.01583149842917919;
const H1: f32 = 0.38751837611198425;
const H0: f32 = 0.4304001033306122;
/** |x| beyond which f' is 0 or 1 in float32; the clamp keeps x·z' finite. */
const TANH_XMAX: f32 = 1e6;
const TANH32 = memory.data<f32>([
  TANH_FLOOR,
  <f32>TANH_T1,
  <f32>(3.0 * TANH_T3),
  TX0_HI,
  TX0_LO,
  H3,
  H2,
  H1,
  H0,
  -TANH_XMAX,
  TANH_XMAX,
]);
const enum TN {
  FLOOR,
  T1,
  T3X3,
  X0_HI,
  X0_LO,
  H3,
  H2,
  H1,
  H0,
  XMIN,
  XMAX,
}

// @ts-ignore: decorator
@inline function kw(i: WD): v128 {
  return at64(WIDE, i);
}

// @ts-ignore: decorator
@inline function kn(i: TN): v128 {
  return at32(TANH32, i);
}

/** −|z| for one float64 half, clamped to −104; NaN passes through. */
// @ts-ignore: decorator
@inline function tanhArg(x: v128): v128 {
  const z = f64x2.mul(x, f64x2.add(kw(WD.T1), f64x2.mul(kw(WD.T3), f64x2.mul(x, x))));
  return f64x2.pmax(v128.or(z, kw(WD.SIGN)), kw(WD.FLOOR));
}

/** t = a·log2 e + MAGIC for a float64 half (n in its low word). */
// @ts-ignore: decorator
@inline function wideBiased(a: v128): v128 {
  return f64x2.add(f64x2.mul(a, kw(WD.LOG2E)), kw(WD.MAGIC));
}

/** r = a − n·ln2, exact to 2^−46 in float64, for a float64 half. */
// @ts-ignore: decorator
@inline function wideReduced(a: v128, t: v128): v128 {
  return f64x2.sub(a, f64x2.mul(f64x2.sub(t, kw(WD.MAGIC)), kw(WD.LN2)));
}

/** 2^24·e^{−|z|} for the four lanes of x, z = x(T1 + T3·x²). */
// @ts-ignore: decorator
@inline function tanhFormExp(v: v128): v128 {
  const a = tanhArg(lo64(v));
  const b = tanhArg(hi64(v));
  const ta = wideBiased(a);
  const tb = wideBiased(b);
  const s = i32x4.shl(i32x4.shuffle(ta, tb, 0, 2, 4, 6), 23);
  return expReduced(s, narrow(wideReduced(a, ta), wideReduced(b, tb)));
}

/** GELU, tanh form: x·σ(z) as swish_f forms x·σ(βx), with z's sign that of x. */
// @ts-ignore: decorator
@inline function gelu_tanhOf(v: v128): v128 {
  const es = tanhFormExp(v);
  const below = f32x4.mul(f32x4.mul(v, es), ks(S.UNSCALE));
  let num = sel(f32x4.lt(v, k(0.0)), below, v);
  num = sel(f32x4.lt(v, kn(TN.FLOOR)), kc(K.SIGN), num);
  return f32x4.div(num, f32x4.add(kc(K.ONE), f32x4.mul(es, ks(S.UNSCALE))));
}

export function gelu_tanh_f(x: usize, y: usize, n: i32): void {
  forward(x, y, n, Fw.GELU_TANH, Fw.GELU_TANH, none(), none(), none());
}

/**
 * f' = σ(z)(1 + x·z'·σ(−z)), z' = T1 + 3T3·x²: e(1 + e + x·z')/(1 + e)² below 0
 * and (1 + e + x·z'·e)/(1 + e)² above, e = e^{−|z|}; near x0, u·p(u).
 */
// @ts-ignore: decorator
@inline function gelu_tanhDx(v: v128): v128 {
  const e = f32x4.mul(tanhFormExp(v), ks(S.UNSCALE));
  const q = f32x4.add(kc(K.ONE), e);
  const xc = atMost(atLeast(v, kn(TN.XMIN)), kn(TN.XMAX));
  const xdz = f32x4.mul(xc, f32x4.add(kn(TN.T1), f32x4.mul(kn(TN.T3X3), f32x4.mul(xc, xc))));
  const num = sel(
    f32x4.lt(v, k(0.0)),
    f32x4.mul(e, f32x4.add(q, xdz)),
    f32x4.add(q, f32x4.mul(xdz, e)),
  );
  const d = f32x4.div(num, f32x4.mul(q, q));
  const u = f32x4.sub(f32x4.sub(v, kn(TN.X0_HI)), kn(TN.X0_LO));
  let p = f32x4.add(f32x4.mul(kn(TN.H3), u), kn(TN.H2));
  p = f32x4.add(f32x4.mul(p, u), kn(TN.H1));
  p = f32x4.add(f32x4.mul(p, u), kn(TN.H0));
  const near = f32x4.lt(absOf(u), ks(S.ROOT_RADIUS));
  return sel(near, f32x4.mul(u, p), d);
}

export function gelu_tanh_b(s: usize, gy: usize, gx: usize, n: i32): void {
  backward(s, gy, gx, n, Bw.GELU_TANH, none(), none(), none());
}

// mish x·tanh(softplus x) = x·m/(m + 2), m = e(2 + e), e = e^x: one exponential,
// one division, no cancellation below 0 (m is a product). e comes scaled by 2^24
// (expScaled1), so that it stays normal down to x = −104, where x·e still is;
// the forward kernel takes the rest in float64 lanes (mishTail).

/** Above this, 2/(m + 2) < 2^−25 whatever x is: x is clamped to it and mish = x. */
const MISH_XMAX: f32 = 12.0;
/** Below this, |mish| < FLT_MIN: the result is −0. */
const MISH_FLOOR: f32 = -104.0;
/** x0 where mish' crosses 0, as head and tail, and u·p(u) around it (2.9e-7 relative). */
const MX0_HI: f32 = -1.1924312114715576;
const MX0_LO: f32 = -3.0439375464652585e-9;
const M3: f32 = -0.02028493769466877;
const M2: f32 = 0.04186147823929787;
const M1: f32 = 0.2047312706708908;
const M0: f32 = 0.2669479250907898;
const MISH = memory.data<f32>([
  MISH_FLOOR,
  MISH_XMAX,
  MX0_HI,
  MX0_LO,
  M3,
  M2,
  M1,
  M0,
]);
const enum MS {
  FLOOR,
  XMAX,
  X0_HI,
  X0_LO,
  M3,
  M2,
  M1,
  M0,
}

// @ts-ignore: decorator
@inline function km(i: MS): v128 {
  return at32(MISH, i);
}

/** x clamped to [−104, 12]. */
// @ts-ignore: decorator
@inline function mishX(v: v128): v128 {
  return atMost(atLeast(v, km(MS.FLOOR)), km(MS.XMAX));
}

/**
 * x·m/(m + 2), m = e(2 + e), for one float64 half, from the scaled exponential
 * es = 2^24·e (e is exact in float64). In float32 the roundings after e, four
 * of them, could reach 5 ULP; here only e's error and the final rounding remain.
 */
// @ts-ignore: decorator
@inline function mishTail(x: v128, es: v128): v128 {
  const e = f64x2.mul(es, kw(WD.UNSCALE));
  const m = f64x2.mul(e, f64x2.add(kw(WD.TWO), e));
  return f64x2.div(f64x2.mul(x, m), f64x2.add(m, kw(WD.TWO)));
}

/**
 * Above 12, m/(m + 2) at 12 is 1 − 7.5e-11: x·m/(m + 2) rounds to x, ∞ included.
 * Below −104 the result is −0 (x·m would be −∞·0 at −∞).
 */
// @ts-ignore: decorator
@inline function mishOf(v: v128): v128 {
  const es = expScaled1(mishX(v));
  const r = narrow(mishTail(lo64(v), lo64(es)), mishTail(hi64(v), hi64(es)));
  return sel(f32x4.lt(v, km(MS.FLOOR)), kc(K.SIGN), r);
}

export function mish_f(x: usize, y: usize, n: i32): void {
  forward(x, y, n, Fw.MISH, Fw.MISH, none(), none(), none());
}

/**
 * mish' = m/(m + 2) + 4x·e(1 + e)/(m + 2)² = (m(m + 2) + 4x·e(1 + e))/(m + 2)²,
 * x clamped as in mish_f (beyond, the second term is below float32's reach of
 * the first); near x0, where the sum cancels, u·p(u).
 */
// @ts-ignore: decorator
@inline function mishDx(v: v128): v128 {
  const xc = mishX(v);
  const e = f32x4.mul(expScaled1(xc), ks(S.UNSCALE));
  const mm = f32x4.mul(e, f32x4.add(kc(K.TWO), e));
  const dd = f32x4.add(mm, kc(K.TWO));
  const tail = f32x4.mul(f32x4.mul(kc(K.FOUR), xc), f32x4.mul(e, f32x4.add(kc(K.ONE), e)));
  const d = f32x4.div(f32x4.add(f32x4.mul(mm, dd), tail), f32x4.mul(dd, dd));
  const u = f32x4.sub(f32x4.sub(v, km(MS.X0_HI)), km(MS.X0_LO));
  let p = f32x4.add(f32x4.mul(km(MS.M3), u), km(MS.M2));
  p = f32x4.add(f32x4.mul(p, u), km(MS.M1));
  p = f32x4.add(f32x4.mul(p, u), km(MS.M0));
  const near = f32x4.lt(absOf(u), ks(S.ROOT_RADIUS));
  return sel(near, f32x4.mul(u, p), d);
}

export function mish_b(s: usize, gy: usize, gx: usize, n: i32): void {
  backward(s, gy, gx, n, Bw.MISH, none(), none(), none());
}
