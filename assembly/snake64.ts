// snake x + sin²(αx)/α in float64 lanes. sin and cos of u = αx by Cody-Waite
// reduction with π/2 in three parts (k·P1 and k·P2 exact for |k| < 2^20, so r
// keeps full precision up to |u| ≈ 1.6e6) and fdlibm's kernel polynomials on
// [−π/4, π/4]. Beyond |u| = 1e6 (and for u not finite) the kernels count the
// lanes and the host evaluates those elements with the js reference, which
// reduces exactly.
import { d, hi64, lo64, narrow } from './wide';

const LIMIT: f64 = 1e6;
const TWO_OVER_PI: f64 = 0.6366197723675814;
/** π/2 = P1 + P2 + P3: P1 and P2 have 33 significant bits (fdlibm's pio2_1, pio2_2, pio2_2t). */
const P1: f64 = 1.57079632673412561417;
const P2: f64 = 6.07710050630396597660e-11;
const P3: f64 = 2.02226624879595063154e-21;
/** 1.5·2^52: adding it rounds to an integer that sits in the low mantissa bits. */
const ROUND: f64 = 6755399441056768.0;
// fdlibm __kernel_sin / __kernel_cos.
const S1: f64 = -1.66666666666666324348e-1;
const S2: f64 = 8.33333333332248946124e-3;
const S3: f64 = -1.98412698298579493134e-4;
const S4: f64 = 2.75573137070700676789e-6;
const S5: f64 = -2.50507602534068634195e-8;
const S6: f64 = 1.58969099521155010221e-10;
const C1: f64 = 4.16666666666666019037e-2;
const C2: f64 = -1.38888888888741095749e-3;
const C3: f64 = 2.48015872894767294178e-5;
const C4: f64 = -2.75573143513906633035e-7;
const C5: f64 = 2.08757232129817482790e-9;
const C6: f64 = -1.13596475577881948265e-11;

// @ts-ignore: decorator
@inline function sel64(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask);
}

/**
 * sinCos's two results. Globals, not static memory: every instance of the
 * module has its own, so threads that share one memory never share these.
 */
let SIN: v128 = f64x2.splat(0);
let COS: v128 = f64x2.splat(0);

/** sin u and cos u into SIN and COS (u clamped into range; out-of-range lanes are the host's). */
// @ts-ignore: decorator
@inline function sinCos(u0: v128): void {
  const u = f64x2.pmin(f64x2.pmax(u0, d(-LIMIT)), d(LIMIT));
  const t = f64x2.add(f64x2.mul(u, d(TWO_OVER_PI)), d(ROUND));
  const kf = f64x2.sub(t, d(ROUND));
  const r = f64x2.sub(f64x2.sub(f64x2.sub(u, f64x2.mul(kf, d(P1))), f64x2.mul(kf, d(P2))), f64x2.mul(kf, d(P3)));
  const z = f64x2.mul(r, r);
  let ps = f64x2.add(f64x2.mul(d(S6), z), d(S5));
  ps = f64x2.add(f64x2.mul(ps, z), d(S4));
  ps = f64x2.add(f64x2.mul(ps, z), d(S3));
  ps = f64x2.add(f64x2.mul(ps, z), d(S2));
  ps = f64x2.add(f64x2.mul(ps, z), d(S1));
  const sr = f64x2.add(r, f64x2.mul(f64x2.mul(r, z), ps));
  let pc = f64x2.add(f64x2.mul(d(C6), z), d(C5));
  pc = f64x2.add(f64x2.mul(pc, z), d(C4));
  pc = f64x2.add(f64x2.mul(pc, z), d(C3));
  pc = f64x2.add(f64x2.mul(pc, z), d(C2));
  pc = f64x2.add(f64x2.mul(pc, z), d(C1));
  const hz = f64x2.mul(z, d(0.5));
  const w = f64x2.sub(d(1.0), hz);
  // cos r = w + ((1 − w) − hz + z²·pc): fdlibm's form, exact in the leading part.
  const cr = f64x2.add(w, f64x2.add(f64x2.sub(f64x2.sub(d(1.0), w), hz), f64x2.mul(f64x2.mul(z, z), pc)));
  // Quadrant q = k mod 4 (k's low bits sit in t's mantissa): odd swaps sin and cos,
  // q = 2, 3 negate sin; q = 1, 2 negate cos.
  const q = v128.and(t, i64x2.splat(3));
  const odd = i64x2.eq(v128.and(q, i64x2.splat(1)), i64x2.splat(1));
  const s = sel64(odd, cr, sr);
  const c = sel64(odd, sr, cr);
  const sinNeg = i64x2.eq(v128.and(q, i64x2.splat(2)), i64x2.splat(2));
  const cosNeg = v128.or(i64x2.eq(q, i64x2.splat(1)), i64x2.eq(q, i64x2.splat(2)));
  SIN = v128.xor(s, v128.and(sinNeg, d(-0.0)));
  COS = v128.xor(c, v128.and(cosNeg, d(-0.0)));
}

/** Lanes whose |u| is beyond the reduction's range (or not a number): the host's. */
// @ts-ignore: decorator
@inline function outside(u: v128): v128 {
  return v128.not(f64x2.le(f64x2.abs(u), d(LIMIT)));
}

// @ts-ignore: decorator
@inline function snake64(x: v128, alpha: v128): v128 {
  sinCos(f64x2.mul(alpha, x));
  const s = SIN;
  const ripple = f64x2.div(f64x2.mul(s, s), alpha);
  // ripple = 0 keeps x itself: −0 + 0 would lose f(−0) = −0.
  return sel64(f64x2.eq(ripple, d(0.0)), x, f64x2.add(x, ripple));
}

/** f' = (sin u + cos u)²: near its zeros the cancellation is in the sum, not in 1 + sin 2u. */
// @ts-ignore: decorator
@inline function snakeDx64(x: v128, alpha: v128): v128 {
  sinCos(f64x2.mul(alpha, x));
  const t = f64x2.add(SIN, COS);
  return f64x2.mul(t, t);
}

/** Returns how many lanes the host must evaluate (see outside). */
export function snake_f(x: usize, y: usize, n: i32, alpha: f64): i32 {
  const va = f64x2.splat(alpha);
  let out = i64x2.splat(0);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const l = lo64(v);
    const h = hi64(v);
    out = i64x2.sub(i64x2.sub(out, outside(f64x2.mul(va, l))), outside(f64x2.mul(va, h)));
    v128.store(y + i, narrow(snake64(l, va), snake64(h, va)));
  }
  return <i32>(i64x2.extract_lane(out, 0) + i64x2.extract_lane(out, 1));
}

export function snake_b(s: usize, gy: usize, gx: usize, n: i32, alpha: f64): i32 {
  const va = f64x2.splat(alpha);
  let out = i64x2.splat(0);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const l = lo64(v);
    const h = hi64(v);
    out = i64x2.sub(i64x2.sub(out, outside(f64x2.mul(va, l))), outside(f64x2.mul(va, h)));
    v128.store(gx + i, f32x4.mul(v128.load(gy + i), narrow(snakeDx64(l, va), snakeDx64(h, va))));
  }
  return <i32>(i64x2.extract_lane(out, 0) + i64x2.extract_lane(out, 1));
}

/**
 * Σ gy·∂f/∂α, ∂f/∂α = x·sin(2αx)/α − sin²(αx)/α², in float64 lanes; lanes
 * beyond the reduction's range add nothing here (the host adds their terms).
 */
export function snake_pg(x: usize, gy: usize, n: i32, alpha: f64): f64 {
  const va = f64x2.splat(alpha);
  const ia = f64x2.splat(1.0 / alpha);
  let acc = f64x2.splat(0);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const g = v128.load(gy + i);
    for (let half = 0; half < 2; half++) {
      const xv = half == 0 ? lo64(v) : hi64(v);
      const gv = half == 0 ? lo64(g) : hi64(g);
      const u = f64x2.mul(va, xv);
      sinCos(u);
      const s = SIN;
      const c = COS;
      const first = f64x2.mul(f64x2.mul(f64x2.mul(d(2.0), s), f64x2.mul(c, xv)), ia);
      const term = f64x2.sub(first, f64x2.mul(f64x2.mul(s, s), f64x2.mul(ia, ia)));
      acc = f64x2.add(acc, v128.andnot(f64x2.mul(gv, term), outside(u)));
    }
  }
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}
