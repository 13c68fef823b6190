import type { FloatArray } from '../../activations/kernels.js';

/** The wasm kernels are float32: anything else goes to the js reference. */
export function isF32(a: FloatArray): a is Float32Array {
  return a instanceof Float32Array;
}

/** For optional arrays: absent, or float32. */
export function absentOrF32(a: FloatArray | null): boolean {
  return a === null || a instanceof Float32Array;
}

/**
 * Rounding a float64 threshold to float32 so that a float32 compare agrees with
 * the float64 one: for float32 x, x > t exactly when x > below(t), and x < t
 * exactly when x < above(t).
 */
const f32 = new Float32Array(1);
const i32 = new Int32Array(f32.buffer);

/** The next float32 towards +∞ (step = 1) or −∞ (step = −1) from a finite nonzero float32. */
function nextFloat32(v: number, step: 1 | -1): number {
  f32[0] = v;
  i32[0]! += v > 0 ? step : -step;
  return f32[0]!;
}

/** The largest float32 <= t. */
export function below(t: number): number {
  const r = Math.fround(t);
  if (r <= t) return r;
  return r === 0 ? -(2 ** -149) : nextFloat32(r, -1);
}

/** The smallest float32 >= t. */
export function above(t: number): number {
  const r = Math.fround(t);
  if (r >= t) return r;
  return r === 0 ? 2 ** -149 : nextFloat32(r, 1);
}
