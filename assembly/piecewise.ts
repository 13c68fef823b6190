// Piecewise-linear activations, branch-free: compares, select, min and max.
// Forward kernels take (x, y, n, params...), backward kernels
// (saved, gy, gx, n, params...) and write gx = gy · f'(saved). n is a
// multiple of 4 (the caller pads). Thresholds arrive already rounded in the
// direction that makes the float32 compare agree with the float64 one.
import { atLeast, atMost, K, k, kc, nanMask, ones, sel } from './vec';

// @ts-ignore: decorator
@inline function scaleGrad(gy: usize, gx: usize, i: usize, d: v128): void {
  v128.store(gx + i, f32x4.mul(v128.load(gy + i), d));
}

/** y = max(x, 0); NaN stays NaN. */
export function relu_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    // pmax keeps NaN and −0; adding +0 turns −0 into +0 as max(−0, 0) does.
    v128.store(y + i, f32x4.add(atLeast(v128.load(x + i), k(0.0)), k(0.0)));
  }
}

/** y = x where x > t, else v (relu, threshold, thresholded_relu); NaN stays NaN. */
export function step_f(x: usize, y: usize, n: i32, t: f32, v: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const a = v128.load(x + i);
    const keep = v128.or(f32x4.gt(a, k(t)), nanMask(a));
    v128.store(y + i, sel(keep, a, k(v)));
  }
}

/** f' = 1 where x > t, else 0 (relu'(0) = 0). */
export function step_b(s: usize, gy: usize, gx: usize, n: i32, t: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const a = v128.load(s + i);
    scaleGrad(gy, gx, i, v128.or(ones(f32x4.gt(a, k(t))), nanMask(a)));
  }
}

/** y = x where x > 0, else a·x (leaky_relu, prelu, rrelu at inference). */
export function leaky_f(x: usize, y: usize, n: i32, a: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    v128.store(y + i, sel(f32x4.gt(v, k(0.0)), v, f32x4.mul(v, k(a))));
  }
}

/** f' = 1 where x > 0, else a (the negative side's slope at 0, as PyTorch). */
export function leaky_b(s: usize, gy: usize, gx: usize, n: i32, a: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    scaleGrad(gy, gx, i, v128.or(sel(f32x4.gt(v, k(0.0)), k(1.0), k(a)), nanMask(v)));
  }
}

/** y = min(max(x, lo), hi) (relu6, hardtanh). */
export function clamp_f(x: usize, y: usize, n: i32, lo: f32, hi: f32): void {
  // pmax/pmin keep −0; adding +0 turns it into max(−0, +0) = +0 where lo is +0
  // (relu6), and adding −0 changes nothing elsewhere (hardtanh(−0) = −0).
  const z: f32 = reinterpret<u32>(lo) == 0 ? 0.0 : -0.0;
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = atMost(atLeast(v128.load(x + i), k(lo)), k(hi));
    v128.store(y + i, f32x4.add(v, k(z)));
  }
}

/** f' = 1 strictly inside (lo, hi), 0 at and beyond the ends. */
export function clamp_b(s: usize, gy: usize, gx: usize, n: i32, lo: f32, hi: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const inside = v128.and(f32x4.gt(v, k(lo)), f32x4.lt(v, k(hi)));
    scaleGrad(gy, gx, i, v128.or(ones(inside), nanMask(v)));
  }
}

/**
 * hardsigmoid: slope·x + offset clipped to [0, 1], as a·(clamp(x, lo, hi) − lo)
 * with lo, hi the corners where it meets 0 and 1: x − lo is exact near lo
 * (Sterbenz), so small results keep their digits, and elsewhere the two
 * roundings stay within 2 ULP; nothing cancels. Five instructions a vector.
 */
export function hardsigmoid_f(x: usize, y: usize, n: i32, lo: f32, hi: f32, a: f32): void {
  // Splats of parameters, made once: inside the loop V8 would redo each at every use.
  const vlo = f32x4.splat(lo);
  const vhi = f32x4.splat(hi);
  const va = f32x4.splat(a);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    // pmax/pmin clamp and let NaN through; at lo the difference is +0.
    const c = atMost(atLeast(v128.load(x + i), vlo), vhi);
    v128.store(y + i, atMost(f32x4.mul(va, f32x4.sub(c, vlo)), kc(K.ONE)));
  }
}

/** f' = slope strictly between the corners, 0 at them (hardsigmoid'(±3) = 0). */
export function hardsigmoid_b(s: usize, gy: usize, gx: usize, n: i32, lo: f32, hi: f32, a: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const inside = v128.and(f32x4.gt(v, k(lo)), f32x4.lt(v, k(hi)));
    scaleGrad(gy, gx, i, v128.or(v128.and(inside, k(a)), nanMask(v)));
  }
}

/** y = x·(x + 3)/6 on (-3, 3), x above, 0 below. */
export function hardswish_f(x: usize, y: usize, n: i32): void {
  const three = f32x4.splat(3.0);
  const minusThree = f32x4.splat(-3.0);
  const six = f32x4.splat(6.0);
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const mid = f32x4.div(f32x4.mul(v, f32x4.add(v, three)), six);
    const upper = sel(f32x4.ge(v, three), v, mid);
    v128.store(y + i, v128.andnot(upper, f32x4.le(v, minusThree)));
  }
}

/** f' = (2x + 3)/6 on (-3, 3); 0 at -3 and below, 1 at 3 and above (current PyTorch). */
export function hardswish_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    const mid = f32x4.div(f32x4.add(f32x4.add(v, v), k(3.0)), k(6.0));
    const upper = sel(f32x4.ge(v, k(3.0)), k(1.0), mid);
    scaleGrad(gy, gx, i, v128.andnot(upper, f32x4.le(v, k(-3.0))));
  }
}

/** y = x where |x| > t, else 0 (hardshrink). */
export function hardshrink_f(x: usize, y: usize, n: i32, t: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const keep = v128.or(f32x4.gt(f32x4.abs(v), k(t)), nanMask(v));
    v128.store(y + i, v128.and(v, keep));
  }
}

/** f' = 1 where |x| > t, else 0 (hardshrink, softshrink). */
export function shrink_b(s: usize, gy: usize, gx: usize, n: i32, t: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(s + i);
    scaleGrad(gy, gx, i, v128.or(ones(f32x4.gt(f32x4.abs(v), k(t))), nanMask(v)));
  }
}

/** y = x − t·sign(x) where |x| > t, else 0 (softshrink; t exact in float32). */
export function softshrink_f(x: usize, y: usize, n: i32, t: f32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = v128.load(x + i);
    const shifted = f32x4.sub(v, v128.or(k(t), v128.and(v, i32x4.splat(-2147483648))));
    const keep = v128.or(f32x4.gt(f32x4.abs(v), k(t)), nanMask(v));
    v128.store(y + i, v128.and(shifted, keep));
  }
}

/** y = x / (1 + |x|); ±∞ -> ±1. */
export function softsign_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const v = atMost(atLeast(v128.load(x + i), k(-3.4e38)), k(3.4e38));
    v128.store(y + i, f32x4.div(v, f32x4.add(k(1.0), f32x4.abs(v))));
  }
}

/** f' = 1 / (1 + |x|)². */
export function softsign_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const q = f32x4.add(k(1.0), f32x4.abs(v128.load(s + i)));
    scaleGrad(gy, gx, i, f32x4.div(k(1.0), f32x4.mul(q, q)));
  }
}

/** y = x. */
export function linear_f(x: usize, y: usize, n: i32): void {
  memory.copy(y, x, <usize>n << 2);
}

/** gx = gy · s: f' = y for the exponential. */
export function mul_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    scaleGrad(gy, gx, i, v128.load(s + i));
  }
}

/** f' = 1 (NaN where x is NaN). */
export function linear_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    scaleGrad(gy, gx, i, v128.or(k(1.0), nanMask(v128.load(s + i))));
  }
}

/** y = max(x, 0)². */
export function relu_squared_f(x: usize, y: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const r = atLeast(v128.load(x + i), k(0.0));
    v128.store(y + i, f32x4.mul(r, r));
  }
}

/** f' = 2·max(x, 0). */
export function relu_squared_b(s: usize, gy: usize, gx: usize, n: i32): void {
  for (let i: usize = 0, m = <usize>n << 2; i < m; i += 16) {
    const r = atLeast(v128.load(s + i), k(0.0));
    scaleGrad(gy, gx, i, f32x4.add(r, r));
  }
}
