/**
 * Accuracy of the fast float32 kernels, measured as the benchmark runs: the
 * worst distance in float32 ULP between a backend's forward output and the
 * catalogue's float64 function rounded to float32 (itself checked against
 * mpmath to 1e-12 by the conformance suite). Below FLT_MIN a kernel may flush
 * to 0; that counts as 0 ULP, as DESIGN.md §3 allows.
 */
import type { ElementwiseSpec, Params } from '../activations/types.js';
import type { Backend } from '../kernels/backend.js';

const FLT_MIN = 2 ** -126;
const bits = new Int32Array(1);
const asFloat = new Float32Array(bits.buffer);

/** float32 values in order as integers (−0 and +0 both 0), so ULP distance is a difference. */
function ordinal(v: number): number {
  asFloat[0] = v;
  const b = bits[0]!;
  return b < 0 ? -(b & 0x7fffffff) : b;
}

/** ULPs between a float32 result and the correctly rounded float64 value. */
export function ulpError(y: number, exact: number): number {
  if (Number.isNaN(exact) || Number.isNaN(y)) {
    return Number.isNaN(exact) === Number.isNaN(y) ? 0 : Number.POSITIVE_INFINITY;
  }
  if (y === 0 && Math.abs(exact) < FLT_MIN) return 0;
  const r = Math.fround(exact);
  if (!Number.isFinite(r) || !Number.isFinite(y)) return r === y ? 0 : Number.POSITIVE_INFINITY;
  return Math.abs(ordinal(y) - ordinal(r));
}

/**
 * Inputs that reach every branch: the benchmark's samples, a dense grid over
 * [-40, 40], and float32 values of every magnitude from a fixed sequence of
 * bit patterns (NaN patterns left out).
 */
export function accuracyInputs(samples: Float32Array): Float32Array {
  const grid = 1 << 16;
  const patterns = new Uint32Array(1 << 15);
  let s = 0x9e3779b9;
  for (let i = 0; i < patterns.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    patterns[i] = s;
  }
  const wide = new Float32Array(patterns.buffer).filter((v) => !Number.isNaN(v));
  const x = new Float32Array(samples.length + grid + wide.length);
  x.set(samples);
  for (let i = 0; i < grid; i++) x[samples.length + i] = -40 + (80 * i) / (grid - 1);
  x.set(wide, samples.length + grid);
  return x;
}

/** The worst forward error in float32 ULP of `backend` on x. */
export function worstUlp(
  backend: Backend,
  spec: ElementwiseSpec,
  p: Params,
  x: Float32Array,
): number {
  const y = new Float32Array(x.length);
  backend.unaryForward(spec, p, x, y);
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const e = ulpError(y[i]!, spec.f(x[i]!, p));
    if (e > worst) worst = e;
  }
  return worst;
}
