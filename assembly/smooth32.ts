// Smooth activations in float32 lanes. Where plain float32 would lose the
// 4-ULP bound, the kernels take care: an exponent argument that float32 would
// round is reduced exactly (expScaled, expNegSplit) or in float64 lanes (GELU's
// tanh form), and a derivative that crosses 0 is taken near its root as u·p(u),
// a fitted polynomial (scripts/fit_kernels.py).
//
// The loops take two vectors a turn, both computed before either is stored, so
// that V8's code overlaps their exponentials and divisions: 10-25 % faster than
// one vector a turn (or two, each stored as soon as computed).
import {
  expm1Neg,
  expNeg,
  expNegSplit,
  expNegSplit3,
  expReduced,
  expScaled,
  expScaled1,
} from './exp32';
import { log1pUnit } from './log32';
import { absOf, at32, at64, atLeast, atMost, K, k, kc, negAbs, sel, signBits } from './vec';
import { hi64, lo64, narrow } from './wide';

// @ts-ignore: decorator
@inline function scaleGrad(gy: usize, gx: usize, i: usize, d: v128): void {
  v128.store(gx + i, f32x4.mul(v128.load(gy + i), d));
}

/** σ(x) = e/(1 + e) below 0 and 1/(1 + e) above, with e = e^{-|x|} (never overflows). */
// @ts-ignore: decorator
@inline function sigmoidOf(v: v128): v128 {
  const e = expNeg(negAbs(v));
  return f32x4.div(sel(f32x4.lt(v, k(0.0)), e, kc(K.ONE)), f32x4.add(kc(K.ONE), e));
}

export function sigmoid_f(x: usize, y: usize, n: i32): void {
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = sigmoidOf(v128.load(x + i));
    const b = sigmoidOf(v128.load(x + i, 16));
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, sigmoidOf(v128.load(x + i)));
}

/** σ'(x) = σ(x)σ(−x) = e/(1 + e)², symmetric, so the tail is kept on both sides. */
// @ts-ignore: decorator
@inline function sigmoidDx(v: v128): v128 {
  const e = expNeg(negAbs(v));
  const q = f32x4.add(kc(K.ONE), e);
  return f32x4.div(e, f32x4.mul(q, q));
}

export function sigmoid_b(s: usize, gy: usize, gx: usize, n: i32): void {
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = sigmoidDx(v128.load(s + i));
    const b = sigmoidDx(v128.load(s + i, 16));
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, sigmoidDx(v128.load(s + i)));
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
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = tanhOf(v128.load(x + i));
    const b = tanhOf(v128.load(x + i, 16));
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, tanhOf(v128.load(x + i)));
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
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = tanhDx(v128.load(s + i));
    const b = tanhDx(v128.load(s + i, 16));
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, tanhDx(v128.load(s + i)));
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

export function elu_f(x: usize, y: usize, n: i32, ps: f32, ns: f32, is: f32): void {
  const vps = f32x4.splat(ps);
  const vns = f32x4.splat(ns);
  const vis = f32x4.splat(is);
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = eluOf(v128.load(x + i), vps, vns, vis);
    const b = eluOf(v128.load(x + i, 16), vps, vns, vis);
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, eluOf(v128.load(x + i), vps, vns, vis));
}

/** f' = ps above 0, nd·e^{is·x} at and below 0 (nd = ns·is; elu'(0) = α as in PyTorch). */
// @ts-ignore: decorator
@inline function eluDx(v: v128, ps: v128, nd: v128, is: v128): v128 {
  const neg = f32x4.mul(nd, expNeg(f32x4.mul(v, is)));
  return sel(f32x4.gt(v, k(0.0)), ps, neg);
}

export function elu_b(s: usize, gy: usize, gx: usize, n: i32, ps: f32, nd: f32, is: f32): void {
  const vps = f32x4.splat(ps);
  const vnd = f32x4.splat(nd);
  const vis = f32x4.splat(is);
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = eluDx(v128.load(s + i), vps, vnd, vis);
    const b = eluDx(v128.load(s + i, 16), vps, vnd, vis);
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, eluDx(v128.load(s + i), vps, vnd, vis));
}

/** softplus (β = 1): x above the threshold, else max(x, 0) + log1p(e^{−|x|}). */
// @ts-ignore: decorator
@inline function softplusOf(v: v128, t: v128): v128 {
  const sp = f32x4.add(atLeast(v, k(0.0)), log1pUnit(expNeg(negAbs(v))));
  return sel(f32x4.gt(v, t), v, sp);
}

export function softplus_f(x: usize, y: usize, n: i32, t: f32): void {
  const vt = f32x4.splat(t);
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = softplusOf(v128.load(x + i), vt);
    const b = softplusOf(v128.load(x + i, 16), vt);
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, softplusOf(v128.load(x + i), vt));
}

/** softplus' = σ(x), 1 above the threshold. */
// @ts-ignore: decorator
@inline function softplusDx(v: v128, t: v128): v128 {
  const e = expNeg(negAbs(v));
  const sg = f32x4.div(sel(f32x4.lt(v, k(0.0)), e, kc(K.ONE)), f32x4.add(kc(K.ONE), e));
  return sel(f32x4.gt(v, t), kc(K.ONE), sg);
}

export function softplus_b(s: usize, gy: usize, gx: usize, n: i32, t: f32): void {
  const vt = f32x4.splat(t);
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = softplusDx(v128.load(s + i), vt);
    const b = softplusDx(v128.load(s + i, 16), vt);
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, softplusDx(v128.load(s + i), vt));
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
/** β·a below −104 is the end of expScaled's range; |x·σ(βx)| < FLT_MIN there (for β >= 2^−16). */
const GATE_FLOOR: f64 = -104.0;
/** z0 where swish'(z/β) = σ(z)(1 + z·σ(−z)) crosses 0: the root of 1 + z·σ(−z) (mpmath). */
const Z0: f64 = -1.2784645427610737;
/**
 * Near z0, 1 + e + z (below) cancels: swish' is taken there as u·p(u), with
 * u = β(x − z0/β) and p(u) ≈ D(z0 + u)/u on |u| <= 1/16, D(z) = σ(z)(1 + z·σ(−z))
 * (1.4e-7 relative with these float32 coefficients; scripts/fit_kernels.py).
 */
const P3: f32 = -0.015222158282995224;
const P2: f32 = 0.018855465576052666;
const P1: f32 = 0.14664879441261292;
const P0: f32 = 0.2178117036819458;
const ROOT_RADIUS: f32 = 0.0625;

const SWISH = memory.data<f32>([UNSCALE, P3, P2, P1, P0, ROOT_RADIUS]);
const enum S {
  UNSCALE,
  P3,
  P2,
  P1,
  P0,
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
 * tail), the floor of −|x| (β·a >= −104), and the root of swish' in x, z0/β,
 * in two parts.
 */
function gate(beta: f64): void {
  const c = 0.6931471805599453 / beta;
  const cHi = reinterpret<f32>(reinterpret<u32>(<f32>c) & 0xffffff00);
  const x0 = Z0 / beta;
  const x0Hi = <f32>x0;
  setGate(G.KB, <f32>(beta * 1.4426950408889634));
  setGate(G.C_HI, cHi);
  setGate(G.C_LO, <f32>(c - <f64>cHi));
  setGate(G.BETA, <f32>beta);
  setGate(G.FLOOR, <f32>(GATE_FLOOR / beta));
  setGate(G.X0_HI, x0Hi);
  setGate(G.X0_LO, <f32>(x0 - <f64>x0Hi));
}

/** 2^24·e^{β·ac}, ac = −|x| clamped to the floor. */
// @ts-ignore: decorator
@inline function gateExp(ac: v128): v128 {
  return expScaled(ac, kg(G.KB), kg(G.C_HI), kg(G.C_LO), kg(G.BETA));
}

/**
 * swish x·σ(βx) for 2^−10 <= β <= 2^10: x/(1 + e) above 0 and x·e/(1 + e) below,
 * e = e^{−β|x|}. Below 0 the product x·e is formed from the scaled exponential
 * (2^24·e stays normal where e is subnormal and x·e is not), then unscaled.
 * Beyond the floor (x → −∞) the result is −0.
 */
// @ts-ignore: decorator
@inline function swishOf(v: v128): v128 {
  const es = gateExp(atLeast(negAbs(v), kg(G.FLOOR)));
  const below = f32x4.mul(f32x4.mul(v, es), ks(S.UNSCALE));
  let num = sel(f32x4.lt(v, k(0.0)), below, v);
  num = sel(f32x4.lt(v, kg(G.FLOOR)), kc(K.SIGN), num);
  return f32x4.div(num, f32x4.add(kc(K.ONE), f32x4.mul(es, ks(S.UNSCALE))));
}

export function swish_f(x: usize, y: usize, n: i32, beta: f64): void {
  gate(beta);
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = swishOf(v128.load(x + i));
    const b = swishOf(v128.load(x + i, 16));
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, swishOf(v128.load(x + i)));
}

/**
 * swish' = σ(z)(1 + z·σ(−z)), z = βx: e(1 + e + z)/(1 + e)² below 0 and
 * (1 + e + |z|·e)/(1 + e)² above, e = e^{−|z|}, with |z| taken from the clamped
 * argument so that no infinity meets a 0. Near z0, where 1 + e + z cancels, u·p(u).
 */
// @ts-ignore: decorator
@inline function swishDx(v: v128): v128 {
  const ac = atLeast(negAbs(v), kg(G.FLOOR));
  const e = f32x4.mul(gateExp(ac), ks(S.UNSCALE));
  const q = f32x4.add(kc(K.ONE), e);
  const zn = f32x4.mul(ac, kg(G.BETA)); // −|z|
  const num = sel(
    f32x4.lt(v, k(0.0)),
    f32x4.mul(e, f32x4.add(q, zn)),
    f32x4.sub(q, f32x4.mul(zn, e)),
  );
  const d = f32x4.div(num, f32x4.mul(q, q));
  const u = f32x4.mul(f32x4.sub(f32x4.sub(v, kg(G.X0_HI)), kg(G.X0_LO)), kg(G.BETA));
  let p = f32x4.add(f32x4.mul(ks(S.P3), u), ks(S.P2));
  p = f32x4.add(f32x4.mul(p, u), ks(S.P1));
  p = f32x4.add(f32x4.mul(p, u), ks(S.P0));
  const near = f32x4.lt(absOf(u), ks(S.ROOT_RADIUS));
  return sel(near, f32x4.mul(u, p), d);
}

export function swish_b(s: usize, gy: usize, gx: usize, n: i32, beta: f64): void {
  gate(beta);
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = swishDx(v128.load(s + i));
    const b = swishDx(v128.load(s + i, 16));
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, swishDx(v128.load(s + i)));
}

// GELU x·Φ(x), Φ(x) = erfc(−x/√2)/2. With t = |x| and Q(t) = Φ(−t) (the lower
// tail, never 1 − something small): gelu(x) = −t·Q(t) below 0 and x − x·Q(t)
// above. e^{−t²/2} is formed from t² in two parts so that it keeps full
// precision down to e^{−87}; the rest, e^{t²/2}·Q(t)·(a + t), is smooth, without
// zeros and between 0.40 and 0.98 on t in [0, 13.25], and is fitted in
// u = (t − 3)/(t + 3). The forward kernel takes it as e^{L(u)} inside the same
// exponential, so that Q(t)(a + t) carries one rounding, not three.

/** Beyond |x| = 13.25, e^{−t²/2} is flushed: |gelu(x)| < FLT_MIN there below 0 (from −13.2 on). */
const GELU_TMAX: f32 = 13.25;
/** th = t with its 12 low mantissa bits cleared: th² is exact in float32. */
const HEAD_MASK: i32 = 0xfffff000;
const MAP_K: f32 = 3.0;
/**
 * The shape factor a + t: e^{L} = Q(t)(a + t) is a/2 = 0.98 near t = 0, at the
 * top of its binade, where a rounding costs least.
 */
const SHAPE_A: f32 = 1.96;
// L(u) = ln(e^{t²/2}·Q(t)·(a + t)), 5.1e-8 absolute with float32 Horner; G(u)
// = e^{L(u)} for the derivative, 8.3e-8 relative (scripts/fit_kernels.py).
const L11: f32 = 7.314206595765427e-5;
const L10: f32 = 7.121667294995859e-5;
const L9: f32 = -0.0004913281882181764;
const L8: f32 = -0.000693253125064075;
const L7: f32 = 0.0017649413784965873;
const L6: f32 = 0.0033282109070569277;
const L5: f32 = -0.006813351064920425;
const L4: f32 = -0.015459896065294743;
const L3: f32 = 0.04500063508749008;
const L2: f32 = 0.04949101433157921;
const L1: f32 = -0.48891451954841614;
const L0: f32 = -0.5063204765319824;
const G10: f32 = 4.891665594186634e-5;
const G9: f32 = 6.377487443387508e-5;
const G8: f32 = -0.00036643861676566303;
const G7: f32 = -0.0006699952646158636;
const G6: f32 = 0.002051269868388772;
const G5: f32 = 0.003945892211049795;
const G4: f32 = -0.016840828582644463;
const G3: f32 = 0.0007994284387677908;
const G2: f32 = 0.10186373442411423;
const G1: f32 = -0.29467326402664185;
const G0: f32 = 0.602709174156189;
const INV_SQRT_2PI: f32 = 0.3989422804014327;
/** x1 where gelu' = Φ(x) + x·φ(x) crosses 0 (mpmath), as head and tail. */
const X1_HI: f32 = -0.7517915368080139;
const X1_LO: f32 = 1.211444988769017e-8;
// Near x1, Φ(x) + x·φ(x) cancels: gelu' is taken there as u·p(u), u = x − x1,
// p(u) ≈ gelu'(x1 + u)/u on |u| <= 1/16 (1.8e-7 relative).
const D3: f32 = -0.11393240094184875;
const D2: f32 = -0.018242914229631424;
const D1: f32 = 0.38828492164611816;
const D0: f32 = 0.43149399757385254;

const GELU = memory.data<f32>([
  GELU_TMAX,
  -0.5,
  MAP_K,
  0.5 * MAP_K,
  SHAPE_A,
  L11,
  L10,
  L9,
  L8,
  L7,
  L6,
  L5,
  L4,
  L3,
  L2,
  L1,
  L0,
  G10,
  G9,
  G8,
  G7,
  G6,
  G5,
  G4,
  G3,
  G2,
  G1,
  G0,
  INV_SQRT_2PI,
  X1_HI,
  X1_LO,
  D3,
  D2,
  D1,
  D0,
  ROOT_RADIUS,
]);
const enum E {
  TMAX,
  MINUS_HALF,
  MAP_K,
  HALF_K,
  SHAPE_A,
  L11,
  L10,
  L9,
  L8,
  L7,
  L6,
  L5,
  L4,
  L3,
  L2,
  L1,
  L0,
  G10,
  G9,
  G8,
  G7,
  G6,
  G5,
  G4,
  G3,
  G2,
  G1,
  G0,
  INV_SQRT_2PI,
  X1_HI,
  X1_LO,
  D3,
  D2,
  D1,
  D0,
  ROOT_RADIUS,
}
const MASKS = memory.data<i32>([HEAD_MASK]);

// @ts-ignore: decorator
@inline function ke(i: E): v128 {
  return at32(GELU, i);
}

/** c·p + q, one Horner step. */
// @ts-ignore: decorator
@inline function step(p: v128, u: v128, c: E): v128 {
  return f32x4.add(f32x4.mul(p, u), ke(c));
}

/** t = |x| clamped to GELU_TMAX (NaN stays NaN). */
// @ts-ignore: decorator
@inline function geluT(x: v128): v128 {
  return atMost(absOf(x), ke(E.TMAX));
}

/** −th²/2, exact. */
// @ts-ignore: decorator
@inline function sqHead(t: v128): v128 {
  const th = v128.and(t, at32(MASKS, 0));
  return f32x4.mul(f32x4.mul(th, th), ke(E.MINUS_HALF));
}

/** The rest of −t²/2: −(t − th)(t + th)/2. */
// @ts-ignore: decorator
@inline function sqTail(t: v128): v128 {
  const th = v128.and(t, at32(MASKS, 0));
  return f32x4.mul(f32x4.mul(f32x4.sub(t, th), f32x4.add(t, th)), ke(E.MINUS_HALF));
}

/**
 * u = (t − k)/(t + k). Below k/2, t − k would round away low digits of t, to
 * which u near −1 is most sensitive: u is 2t/(t + k) − 1 there instead. From
 * k/2 to 2k, t − k is exact.
 */
// @ts-ignore: decorator
@inline function mapU(t: v128): v128 {
  const small = f32x4.lt(t, ke(E.HALF_K));
  const q = f32x4.div(sel(small, t, f32x4.sub(t, ke(E.MAP_K))), f32x4.add(t, ke(E.MAP_K)));
  return sel(small, f32x4.sub(f32x4.add(q, q), kc(K.ONE)), q);
}

// @ts-ignore: decorator
@inline function logShape(u: v128): v128 {
  let p = step(ke(E.L11), u, E.L10);
  p = step(p, u, E.L9);
  p = step(p, u, E.L8);
  p = step(p, u, E.L7);
  p = step(p, u, E.L6);
  p = step(p, u, E.L5);
  p = step(p, u, E.L4);
  p = step(p, u, E.L3);
  p = step(p, u, E.L2);
  p = step(p, u, E.L1);
  return step(p, u, E.L0);
}

// @ts-ignore: decorator
@inline function shape(u: v128): v128 {
  let p = step(ke(E.G10), u, E.G9);
  p = step(p, u, E.G8);
  p = step(p, u, E.G7);
  p = step(p, u, E.G6);
  p = step(p, u, E.G5);
  p = step(p, u, E.G4);
  p = step(p, u, E.G3);
  p = step(p, u, E.G2);
  p = step(p, u, E.G1);
  return step(p, u, E.G0);
}

/** All ones where the sign bit of x is set (−0 included). */
// @ts-ignore: decorator
@inline function signMask(x: v128): v128 {
  return i32x4.shr_s(x, 31);
}

/**
 * GELU (μ = 0, σ = 1). The tail product uses x clamped to ±13.25, so that
 * −∞ gives −0 and +∞ gives ∞ − 0; it is (x·E)/(a + t) with E = Q(t)(a + t),
 * where x·E stays normal while Q(t) alone would be subnormal.
 */
// @ts-ignore: decorator
@inline function geluOf(v: v128): v128 {
  const t = geluT(v);
  const qs = expNegSplit3(sqHead(t), logShape(mapU(t)), sqTail(t));
  const p = f32x4.div(f32x4.mul(v128.or(t, signBits(v)), qs), f32x4.add(ke(E.SHAPE_A), t));
  // p below 0; x − p above, as max(x, −0) + (−p) with p's sign flipped where x's sign bit is clear.
  return f32x4.add(atLeast(v, kc(K.SIGN)), v128.xor(p, v128.andnot(kc(K.SIGN), v)));
}

export function gelu_f(x: usize, y: usize, n: i32): void {
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = geluOf(v128.load(x + i));
    const b = geluOf(v128.load(x + i, 16));
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, geluOf(v128.load(x + i)));
}

/**
 * GELU' = Φ(x) + x·φ(x): with m = e^{−t²/2}(t/√(2π) − R(t)), R(t) = G(u)/(a + t),
 * −m below 0 and 1 + m above. Near x1, where −m cancels, u·p(u).
 */
// @ts-ignore: decorator
@inline function geluDx(v: v128): v128 {
  const t = geluT(v);
  const r = f32x4.div(shape(mapU(t)), f32x4.add(ke(E.SHAPE_A), t));
  const e = expNegSplit(sqHead(t), sqTail(t));
  const mm = f32x4.mul(e, f32x4.sub(f32x4.mul(t, ke(E.INV_SQRT_2PI)), r));
  const d = sel(signMask(v), f32x4.neg(mm), f32x4.add(kc(K.ONE), mm));
  const u = f32x4.sub(f32x4.sub(v, ke(E.X1_HI)), ke(E.X1_LO));
  let p = step(ke(E.D3), u, E.D2);
  p = step(p, u, E.D1);
  p = step(p, u, E.D0);
  const near = f32x4.lt(absOf(u), ke(E.ROOT_RADIUS));
  return sel(near, f32x4.mul(u, p), d);
}

export function gelu_b(s: usize, gy: usize, gx: usize, n: i32): void {
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = geluDx(v128.load(s + i));
    const b = geluDx(v128.load(s + i, 16));
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, geluDx(v128.load(s + i)));
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
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = gelu_tanhOf(v128.load(x + i));
    const b = gelu_tanhOf(v128.load(x + i, 16));
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, gelu_tanhOf(v128.load(x + i)));
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
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = gelu_tanhDx(v128.load(s + i));
    const b = gelu_tanhDx(v128.load(s + i, 16));
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, gelu_tanhDx(v128.load(s + i)));
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
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = mishOf(v128.load(x + i));
    const b = mishOf(v128.load(x + i, 16));
    v128.store(y + i, a);
    v128.store(y + i, b, 16);
  }
  if (i < m) v128.store(y + i, mishOf(v128.load(x + i)));
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
  const m = <usize>n << 2;
  let i: usize = 0;
  for (; i + 32 <= m; i += 32) {
    const a = mishDx(v128.load(s + i));
    const b = mishDx(v128.load(s + i, 16));
    scaleGrad(gy, gx, i, a);
    scaleGrad(gy, gx, i + 16, b);
  }
  if (i < m) scaleGrad(gy, gx, i, mishDx(v128.load(s + i)));
}
