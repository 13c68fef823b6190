/**
 * Float64 special functions the catalogue needs and JavaScript's Math lacks,
 * written to stay accurate (about 1e-15 relative) over the whole real line.
 */

const TWO_OVER_SQRT_PI = 1.1283791670955126; // 2/√π
const INV_SQRT_PI = 0.5641895835477563; // 1/√π
export const SQRT1_2 = Math.SQRT1_2;
export const SQRT_2_OVER_PI = 0.7978845608028654; // √(2/π)
export const INV_SQRT_2PI = 0.3989422804014327; // 1/√(2π)

/** 2^27 + 1: splits a double into two halves whose products are exact (Dekker). */
const SPLITTER = 134217729;

/**
 * exp(-x²) without the rounding error of forming x² (which would cost up to
 * x²·2^-53 relative, 1e-13 at x = 26): x = hi + lo, hi² exact.
 */
export function expNegSquare(x: number): number {
  // Beyond 27.5, e^{-x²} is below the smallest subnormal; returning early also
  // keeps the split from overflowing (∞·0 = NaN) for huge x.
  if (Math.abs(x) > 27.5) return 0;
  const t = SPLITTER * x;
  const hi = t - (t - x);
  const lo = x - hi;
  return Math.exp(-hi * hi) * Math.exp(-(2 * hi * lo + lo * lo));
}

/**
 * erf(x) = 2/√π e^{-x²} Σ 2ⁿ x^{2n+1} / (2n+1)!!, a series of positive terms
 * (no cancellation), used for |x| < 3.
 */
function erfSeries(x: number): number {
  const x2 = x * x;
  let term = x;
  let sum = x;
  for (let n = 0; n < 200; n++) {
    term *= (2 * x2) / (2 * n + 3);
    sum += term;
    if (Math.abs(term) <= 1e-17 * Math.abs(sum)) break;
  }
  return TWO_OVER_SQRT_PI * expNegSquare(x) * sum;
}

/**
 * erfc(x) for x >= 2 from its continued fraction (modified Lentz):
 * erfc(x) = e^{-x²}/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))).
 */
function erfcContinuedFraction(x: number): number {
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    d = d === 0 ? tiny : 1 / d;
    c = x + a / c;
    if (c === 0) c = tiny;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return (INV_SQRT_PI * expNegSquare(x)) / f;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === 0) return x; // keeps -0
  const ax = Math.abs(x);
  if (ax < 3) return erfSeries(x);
  const r = 1 - erfcContinuedFraction(ax);
  return x < 0 ? -r : r;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return x;
  if (x === Infinity) return 0;
  if (x === -Infinity) return 2;
  if (x < 0.5) return 1 - erfSeriesOrLimit(x);
  if (x < 2) return 1 - erfSeries(x);
  if (x > 27.3) return 0; // below the smallest subnormal
  return erfcContinuedFraction(x);
}

function erfSeriesOrLimit(x: number): number {
  return x < -6 ? -1 : erf(x);
}

/** Standard normal CDF Φ(z) = erfc(-z/√2)/2, accurate in the lower tail. */
export function normCdf(z: number): number {
  return 0.5 * erfc(-z * SQRT1_2);
}

/** Standard normal density φ(z). */
export function normPdf(z: number): number {
  return INV_SQRT_2PI * expNegSquare(z * SQRT1_2);
}

/** Logistic sigmoid 1/(1+e^-x), stable for every x. */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** log(1 + e^x), stable for every x (no overflow, no loss for x << 0). */
export function log1pExp(x: number): number {
  if (x > 36) return x + Math.exp(-x); // exp(-x) below half an ulp of x beyond ~37
  if (x > -37) return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
  return Math.exp(x);
}

/**
 * Swish x·σ(βx) and its derivatives, shared by silu, swish and GELU's sigmoid
 * form so that silu == swish(β=1) and gelu(sigmoid) == swish(β=1.702) bitwise.
 */
export function swish(x: number, beta: number): number {
  return timesProbability(x, sigmoid(beta * x));
}

/**
 * x·p for a probability-like factor p that tends to 0 where |x| → ∞: the limit
 * is a signed zero, where ∞·0 would give NaN (gelu(-∞), swish(-∞)).
 */
export function timesProbability(x: number, p: number): number {
  return p === 0 ? 0 * Math.sign(x) : x * p;
}

/** d/dx x·σ(βx) = σ(βx) + βx·σ(βx)·σ(-βx); the product term is 0 where a factor underflows (no ∞·0). */
export function swishDx(x: number, beta: number): number {
  const z = beta * x;
  const s = sigmoid(z);
  const sn = sigmoid(-z);
  if (Number.isNaN(z)) return z;
  const tail = s === 0 || sn === 0 ? 0 : z * s * sn;
  return s + tail;
}

/** d/dβ x·σ(βx) = x²·σ(βx)·σ(-βx). */
export function swishDbeta(x: number, beta: number): number {
  const z = beta * x;
  if (Number.isNaN(z)) return z;
  const s = sigmoid(z);
  const sn = sigmoid(-z);
  return s === 0 || sn === 0 ? 0 : x * x * s * sn;
}
