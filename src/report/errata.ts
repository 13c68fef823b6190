/**
 * Errata: mistakes that recur in texts on activation functions, each with the
 * wrong and the right form and a check computed when the report is built —
 * central finite differences of the catalogue's own float64 functions (h =
 * 1e-6), compared with what each form predicts. Nothing here is asserted by
 * hand: if a spec were wrong, the check would say so in the report.
 */
import {
  type ElementwiseSpec,
  type Params,
  resolveElementwise,
  resolveVector,
} from '../activations/index.js';
import { Random } from '../tensor/random.js';

const H = 1e-6;

export interface ErratumCheck {
  readonly label: string;
  readonly value: number;
}

export interface Erratum {
  readonly id: string;
  readonly topic: string;
  /** LaTeX of the wrong statement (or plain text when `text` is set). */
  readonly wrong: string;
  readonly right: string;
  /** Wrong/right are plain text rather than LaTeX. */
  readonly text?: boolean;
  readonly checks: readonly ErratumCheck[];
  /** The computed checks agree with the right form and refute the wrong one. */
  readonly holds: boolean;
  readonly note: string;
}

type Scalar = (x: number) => number;

function fn(
  name: string,
  params: Readonly<Record<string, number | string>> = {},
): { f: Scalar; df: Scalar } {
  const { spec, params: p }: { spec: ElementwiseSpec; params: Params } = resolveElementwise(
    name,
    params,
  );
  return { f: (x) => spec.f(x, p), df: (x) => spec.df(x, p) };
}

export function centralDifference(f: Scalar, x: number, h = H): number {
  return (f(x + h) - f(x - h)) / (2 * h);
}

/** Relative agreement used by every check: finite differences in float64 carry ~1e-9 of noise. */
function close(a: number, b: number, tol = 1e-6): boolean {
  return Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
}

function leakyRelu(): Erratum {
  const a = 0.01;
  const { f } = fn('leaky_relu', { negative_slope: a });
  const x = -1.5;
  const fd = centralDifference(f, x);
  return {
    id: 'leaky-relu-derivative',
    topic: 'Leaky ReLU / PReLU derivative below 0',
    wrong: "f'(x) = -a \\quad (x < 0)",
    right: "f'(x) = +a \\quad (x < 0)",
    checks: [
      { label: `finite difference at x = ${x}, a = ${a}`, value: fd },
      { label: 'right form: +a', value: a },
      { label: 'wrong form: −a', value: -a },
    ],
    holds: close(fd, a) && !close(fd, -a),
    note: 'The negative branch is a·x, a line of slope +a: it keeps a small gradient of the same sign as above 0.',
  };
}

function elu(): Erratum {
  const { f } = fn('elu', { alpha: 1 });
  const x = -1;
  const fd = centralDifference(f, x);
  const right = Math.exp(x);
  return {
    id: 'elu-derivative',
    topic: 'ELU derivative below 0',
    wrong: "f'(x) = -\\alpha e^{x} \\quad (x < 0)",
    right: "f'(x) = \\alpha e^{x} = \\mathrm{ELU}(x) + \\alpha \\quad (x < 0)",
    checks: [
      { label: `finite difference at x = ${x}, α = 1`, value: fd },
      { label: 'right form: α·eˣ', value: right },
      { label: 'the same from the output: ELU(x) + α', value: f(x) + 1 },
      { label: 'wrong form: −α·eˣ', value: -right },
    ],
    holds: close(fd, right) && close(f(x) + 1, right) && !close(fd, -right),
    note: 'α(eˣ − 1) rises towards 0 as x grows, so its slope is positive; computing it from the output saves an exp.',
  };
}

function sigmoidFormula(): Erratum {
  const { f } = fn('sigmoid');
  const wrong = (_x: number) => 1 / (1 + Math.exp(-1));
  const fd = centralDifference(f, 0);
  return {
    id: 'sigmoid-formula',
    topic: 'The sigmoid formula',
    wrong: '\\sigma(x) = \\frac{1}{1 + e^{-1}}',
    right: '\\sigma(x) = \\frac{1}{1 + e^{-x}}',
    checks: [
      { label: 'finite difference of the right form at x = 0', value: fd },
      { label: "σ(0)(1 − σ(0)), the right form's derivative", value: f(0) * (1 - f(0)) },
      { label: 'finite difference of the wrong form at x = 0', value: centralDifference(wrong, 0) },
      { label: 'the wrong form at x = −2 and at x = 2 (the same constant)', value: wrong(-2) },
    ],
    holds: close(fd, 0.25) && centralDifference(wrong, 0) === 0,
    note: 'With e^(−1) the "function" is the constant 0.731: no dependence on x and a zero gradient.',
  };
}

function rreluSlope(): Erratum {
  const { f } = fn('rrelu');
  const fd = centralDifference(f, -2);
  const rng = new Random(0);
  const draws = 10_000;
  let negativeNormal = 0;
  let minUniform = Number.POSITIVE_INFINITY;
  for (let i = 0; i < draws; i++) {
    if (rng.normal(0, 1) < 0) negativeNormal++;
    minUniform = Math.min(minUniform, rng.uniform(1 / 8, 1 / 3));
  }
  const mean = (1 / 8 + 1 / 3) / 2;
  return {
    id: 'rrelu-slope',
    topic: 'Where RReLU draws its slope',
    text: true,
    wrong: 'slope ~ N(0, 1) (normal, mean 0, standard deviation 1)',
    right: 'slope ~ U(lower, upper), PyTorch U(1/8, 1/3); at inference the mean (lower + upper)/2',
    checks: [
      { label: 'finite difference of rrelu (inference) at x = −2', value: fd },
      { label: '(1/8 + 1/3)/2, the right inference slope', value: mean },
      {
        label: `share of negative slopes in ${draws} N(0, 1) draws`,
        value: negativeNormal / draws,
      },
      { label: `smallest of ${draws} U(1/8, 1/3) draws`, value: minUniform },
    ],
    holds: close(fd, mean) && minUniform > 0 && negativeNormal / draws > 0.4,
    note: 'A normal draw is negative half the time, which would flip the sign of negative inputs; the uniform one never is.',
  };
}

function reluSaturation(): Erratum {
  const relu = fn('relu').f;
  const sigmoid = fn('sigmoid').f;
  return {
    id: 'relu-saturation',
    topic: "ReLU's zero region is not saturation",
    text: true,
    wrong: 'ReLU saturates for x < 0',
    right:
      'ReLU is exactly flat for x < 0 (slope 0 everywhere there); saturation means a slope that tends to 0, as the sigmoid’s does — the effect on the gradient is the same',
    checks: [
      { label: 'finite difference of relu at x = −0.5', value: centralDifference(relu, -0.5) },
      { label: 'finite difference of relu at x = −30', value: centralDifference(relu, -30) },
      { label: 'finite difference of sigmoid at x = −3', value: centralDifference(sigmoid, -3) },
      { label: 'finite difference of sigmoid at x = −10', value: centralDifference(sigmoid, -10) },
    ],
    holds:
      centralDifference(relu, -0.5) === 0 &&
      centralDifference(relu, -30) === 0 &&
      centralDifference(sigmoid, -3) > centralDifference(sigmoid, -10),
    note: 'The sigmoid’s slope shrinks gradually with |x|; ReLU’s is 0 from the first negative input on.',
  };
}

function crossEntropy(z: readonly number[], label: number): number {
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0));
  return lse - z[label]!;
}

function softmaxCrossEntropy(): Erratum {
  const z = [2, 1, 0.1];
  const label = 1;
  const { spec, params } = resolveVector('softmax');
  const a = new Float64Array(3);
  spec.forward(Float64Array.from(z), a, params);
  const fd = z.map((_, i) =>
    centralDifference(
      (t) =>
        crossEntropy(
          z.map((v, j) => (j === i ? t : v)),
          label,
        ),
      z[i]!,
    ),
  );
  const right = z.map((_, i) => a[i]! - (i === label ? 1 : 0));
  const err = Math.max(...fd.map((v, i) => Math.abs(v - right[i]!)));
  return {
    id: 'softmax-cross-entropy',
    topic: 'Softmax with cross-entropy: the gradient of the logits',
    wrong:
      '\\frac{\\partial L}{\\partial z_i} = a_j - 1 \\text{ for the true class } j \\text{ only}',
    right: '\\frac{\\partial L}{\\partial z_i} = a_i - y_i \\text{ for every } i',
    checks: [
      { label: 'z = (2, 1, 0.1), true class 1: finite difference ∂L/∂z₀', value: fd[0]! },
      { label: 'a₀ − y₀ (right form)', value: right[0]! },
      { label: 'wrong form for z₀ (not the true class)', value: 0 },
      { label: 'largest |finite difference − (a − y)| over the three logits', value: err },
    ],
    holds: err < 1e-6 && Math.abs(fd[0]!) > 0.1,
    note: 'Every logit gets a gradient: the wrong classes are pushed down by their probability.',
  };
}

function crossEntropyOfProbabilities(): Erratum {
  const p = [0.2, 0.5, 0.3];
  const label = 1;
  const loss = (q: readonly number[]) => -Math.log(q[label]!);
  const fd = centralDifference((t) => loss(p.map((v, j) => (j === label ? t : v))), p[label]!);
  return {
    id: 'cross-entropy-probabilities',
    topic: 'Cross-entropy: the gradient of the probabilities',
    wrong: '\\frac{\\partial L}{\\partial a_j} = -\\ln a_j',
    right: '\\frac{\\partial L}{\\partial a_i} = -\\frac{y_i}{a_i}',
    checks: [
      { label: 'a = (0.2, 0.5, 0.3), true class 1: finite difference ∂L/∂a₁', value: fd },
      { label: '−y₁/a₁ (right form)', value: -1 / p[label]! },
      { label: '−ln a₁ (wrong form: that is the loss itself)', value: -Math.log(p[label]!) },
    ],
    holds: close(fd, -1 / p[label]!) && !close(fd, -Math.log(p[label]!)),
    note: 'L = −Σ yᵢ ln aᵢ; differentiating ln a gives 1/a, not ln a.',
  };
}

function reluAtZero(): Erratum {
  const { f, df } = fn('relu');
  const left = (f(0) - f(-H)) / H;
  const right = (f(H) - f(0)) / H;
  return {
    id: 'relu-at-zero',
    topic: "ReLU'(0) is a convention",
    wrong: "\\mathrm{ReLU}'(0) = 1",
    right: "\\mathrm{ReLU}'(0) \\in [0, 1] \\text{ (any subgradient); frameworks use } 0",
    checks: [
      { label: 'left difference at 0', value: left },
      { label: 'right difference at 0', value: right },
      { label: "the catalogue's (and PyTorch's) relu'(0)", value: df(0) },
    ],
    holds: left === 0 && close(right, 1) && df(0) === 0,
    note: 'The two one-sided slopes differ, so there is no derivative at 0; 0 is the frameworks’ choice.',
  };
}

function nonMonotonic(): Erratum {
  const gelu = centralDifference(fn('gelu').f, -1);
  const swish = centralDifference(fn('silu').f, -2);
  const mish = centralDifference(fn('mish').f, -2);
  return {
    id: 'non-monotonic',
    topic: 'Activations need not be monotonic',
    text: true,
    wrong: 'an activation must be monotonic for gradient descent to work',
    right:
      'GELU, Swish/SiLU and Mish dip below 0 and are not monotonic; they train well (see the compare experiment)',
    checks: [
      { label: 'finite difference of GELU at x = −1', value: gelu },
      { label: 'finite difference of SiLU at x = −2', value: swish },
      { label: 'finite difference of Mish at x = −2', value: mish },
    ],
    holds: gelu < 0 && swish < 0 && mish < 0,
    note: 'A negative slope somewhere proves non-monotonicity; gradient descent only needs useful gradients.',
  };
}

function geluLimit(): Erratum {
  const sharp = fn('gelu', { sigma: 0.01 }).f;
  const wide = fn('gelu', { sigma: 100 }).f;
  const exact = fn('gelu').f;
  return {
    id: 'gelu-limit',
    topic: 'GELU and ReLU',
    text: true,
    wrong:
      'GELU x·P(X ≤ x), X ~ N(μ, σ²), tends to ReLU as the variance grows; GELU exceeds the identity on (0, 1)',
    right:
      'it tends to ReLU as σ → 0 (a wide Gaussian gives about x/2 near 0); and x·Φ(x) < x for every x > 0',
    checks: [
      {
        label: 'finite difference at x = 0.5 with σ = 0.01 (ReLU: 1)',
        value: centralDifference(sharp, 0.5),
      },
      {
        label: 'finite difference at x = −0.5 with σ = 0.01 (ReLU: 0)',
        value: centralDifference(sharp, -0.5),
      },
      {
        label: 'finite difference at x = 0.5 with σ = 100 (about 1/2)',
        value: centralDifference(wide, 0.5),
      },
      { label: 'GELU(0.5) (below 0.5)', value: exact(0.5) },
    ],
    holds:
      close(centralDifference(sharp, 0.5), 1) &&
      Math.abs(centralDifference(sharp, -0.5)) < 1e-9 &&
      Math.abs(centralDifference(wide, 0.5) - 0.5) < 0.01 &&
      exact(0.5) < 0.5,
    note: 'Φ(x) is a probability below 1, so x·Φ(x) < x for x > 0; a narrow Gaussian makes Φ a step, hence ReLU.',
  };
}

function seluGradients(): Erratum {
  const { f } = fn('selu');
  const lambda = 1.0507009873554805;
  const alpha = 1.6732632423543772;
  const fd = centralDifference(f, -10);
  return {
    id: 'selu-vanishing',
    topic: 'What SELU guarantees',
    text: true,
    wrong: 'SELU makes vanishing and exploding gradients impossible',
    right:
      'SELU keeps activations near mean 0 and variance 1 under its assumptions (lecun_normal, AlphaDropout); a saturated unit still passes almost no gradient',
    checks: [
      { label: 'finite difference of SELU at x = −10', value: fd },
      { label: 'λα·e⁻¹⁰, the analytic slope there', value: lambda * alpha * Math.exp(-10) },
    ],
    holds: close(fd, lambda * alpha * Math.exp(-10), 1e-4) && fd < 1e-3,
    note: 'Below 0 SELU saturates towards −λα, exactly like ELU: deep in that region the gradient vanishes.',
  };
}

/** Every erratum with its checks computed now. */
export function computeErrata(): Erratum[] {
  return [
    leakyRelu(),
    elu(),
    sigmoidFormula(),
    rreluSlope(),
    reluSaturation(),
    softmaxCrossEntropy(),
    crossEntropyOfProbabilities(),
    reluAtZero(),
    nonMonotonic(),
    geluLimit(),
    seluGradients(),
  ];
}
