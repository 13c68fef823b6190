/**
 * Finite-difference gradient check. The function is evaluated in float64 at
 * x ± h for every component of every input, and the central difference of
 * L = Σ u·f(x) (u a random upstream gradient) is compared with the gradient
 * autograd computes for the same u.
 */
import { noGrad, Random, Tensor } from '../../src/tensor/index.js';

export interface GradCheckOptions {
  /** Step of the central difference (default 1e-6). */
  readonly h?: number;
  /** Relative tolerance (default 1e-6). */
  readonly rtol?: number;
  /** Absolute floor of the tolerance (default 1e-7). */
  readonly atol?: number;
  /** Seed of the upstream gradient. */
  readonly seed?: number;
}

export interface GradCheckResult {
  /** Number of gradient components compared. */
  readonly checked: number;
  /** One line per component outside the tolerance (empty when all agree). */
  readonly failures: string[];
}

let total = 0;

/** Components checked so far in this test file (for the report of each suite). */
export function componentsChecked(): number {
  return total;
}

function weighted(u: Float64Array, y: Tensor): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i]! * y.data[i]!;
  return s;
}

/**
 * Compares autograd's gradients of f with respect to every input with central
 * differences. Inputs must be float64 tensors with requiresGrad set.
 */
export function gradCheck(
  f: (...inputs: Tensor[]) => Tensor,
  inputs: readonly Tensor[],
  options: GradCheckOptions = {},
): GradCheckResult {
  const h = options.h ?? 1e-6;
  const rtol = options.rtol ?? 1e-6;
  const atol = options.atol ?? 1e-7;
  for (const t of inputs) {
    if (t.dtype !== 'float64') throw new Error('gradCheck needs float64 inputs');
    if (!t.requiresGrad) throw new Error('gradCheck needs inputs with requiresGrad');
    t.zeroGrad();
  }
  const y = f(...inputs);
  const rng = new Random(options.seed ?? 12345);
  const u = new Float64Array(y.size);
  for (let i = 0; i < u.length; i++) u[i] = rng.normal();
  y.backward(u);
  const failures: string[] = [];
  let checked = 0;
  inputs.forEach((t, which) => {
    const x = t.data;
    const analytic = t.grad?.data;
    for (let j = 0; j < x.length; j++) {
      const saved = x[j]!;
      x[j] = saved + h;
      const plus = noGrad(() => weighted(u, f(...inputs)));
      x[j] = saved - h;
      const minus = noGrad(() => weighted(u, f(...inputs)));
      x[j] = saved;
      const numeric = (plus - minus) / (2 * h);
      const got = analytic === undefined ? 0 : analytic[j]!;
      const err = Math.abs(numeric - got);
      if (!(err <= rtol * Math.max(Math.abs(numeric), Math.abs(got)) + atol)) {
        failures.push(`input ${which} [${j}]: autograd ${got}, central difference ${numeric}`);
      }
      checked++;
    }
  });
  total += checked;
  return { checked, failures };
}

/** A float64 leaf with standard normal values (or uniform in [lo, hi]). */
export function randomLeaf(
  rng: Random,
  shape: readonly number[],
  range?: readonly [number, number],
): Tensor {
  let n = 1;
  for (const d of shape) n *= d;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++)
    data[i] = range === undefined ? rng.normal() : rng.uniform(range[0], range[1]);
  return makeLeaf(data, shape);
}

export function makeLeaf(data: Float64Array, shape: readonly number[]): Tensor {
  return new Tensor(data, shape, true);
}
