/**
 * Finite-difference gradient check of a whole model in float64: the scalar
 * L = Σ r ⊙ model(x) with a fixed random r; autograd's dL/dx and dL/dw against
 * central differences, at up to `probes` elements of each tensor.
 */
import type { Model } from '../../src/nn/model.js';
import { Random } from '../../src/tensor/random.js';
import { noGrad, Tensor } from '../../src/tensor/tensor.js';

export interface GradCheckOptions {
  training?: boolean;
  /** Seed of the Random given to each forward pass (dropout masks, RReLU slopes repeat exactly). */
  seed?: number;
  h?: number;
  probes?: number;
  rtol?: number;
  atol?: number;
  /** Input values; random normal when absent. */
  inputs?: Tensor[];
}

export interface GradCheckResult {
  /** How many partial derivatives were compared. */
  checked: number;
  failures: string[];
}

export function gradCheck(
  model: Model,
  inputShapes: number[][],
  opts: GradCheckOptions = {},
): GradCheckResult {
  const rng = new Random(12345);
  const h = opts.h ?? 1e-6;
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-8;
  const xs =
    opts.inputs ??
    inputShapes.map(
      (s) =>
        new Tensor(
          Float64Array.from({ length: s.reduce((a, b) => a * b, 1) }, () => rng.normal()),
          s,
        ),
    );
  for (const x of xs) x.requiresGrad = true;
  const ctx = () => ({
    training: opts.training ?? false,
    rng: new Random(opts.seed ?? 1),
    trace: null,
  });
  const first = model.forward(xs, ctx())[0]!;
  const r = Float64Array.from({ length: first.size }, () => rng.normal());
  const weights = model.trainableWeights.map((w) => w.tensor);
  for (const t of [...xs, ...weights]) t.grad = null;
  first.backward(r);
  const loss = (): number =>
    noGrad(() => {
      const y = model.forward(xs, ctx())[0]!;
      let s = 0;
      for (let i = 0; i < y.size; i++) s += r[i]! * y.data[i]!;
      return s;
    });
  const failures: string[] = [];
  let checked = 0;
  const targets: [string, Tensor][] = [
    ...xs.map((x, i): [string, Tensor] => [`input ${i}`, x]),
    ...model.trainableWeights.map((w): [string, Tensor] => [w.path, w.tensor]),
  ];
  for (const [name, t] of targets) {
    const n = t.size;
    const probes = Math.min(n, opts.probes ?? 24);
    for (let p = 0; p < probes; p++) {
      const i = probes === n ? p : rng.int(n);
      const old = t.data[i]!;
      t.data[i] = old + h;
      const up = loss();
      t.data[i] = old - h;
      const down = loss();
      t.data[i] = old;
      const numeric = (up - down) / (2 * h);
      const analytic = t.grad === null ? 0 : t.grad.data[i]!;
      checked++;
      if (!(Math.abs(analytic - numeric) <= atol + rtol * Math.abs(numeric))) {
        failures.push(`${name}[${i}]: autograd ${analytic} vs finite difference ${numeric}`);
      }
    }
  }
  return { checked, failures };
}
