import { elementwise } from '../types.js';

type P = { b: number };

/** √(x² + b) without overflow of x² (Math.hypot scales). */
function root(x: number, b: number): number {
  return Math.hypot(x, Math.sqrt(b));
}

/**
 * (x + √(x² + b))/2. For x < 0 the sum cancels; multiplying by the conjugate gives
 * b/(2(√(x² + b) - x)) = (b/4)/s with s = (√(x² + b) - x)/2, a sum of positive terms.
 * Halving each term first keeps x + √(x² + b) from overflowing near 1e308.
 */
function squareplus(x: number, b: number, r: number): number {
  return x >= 0 ? 0.5 * x + 0.5 * r : (0.25 * b) / (0.5 * r - 0.5 * x);
}

export default elementwise<P>({
  kind: 'elementwise',
  id: 'squareplus',
  name: 'Squareplus',
  aliases: [],
  params: {
    b: {
      default: 4,
      min: 0,
      doc: 'Curvature near 0: squareplus(0) = √b/2; b = 0 gives ReLU',
    },
  },
  f: (x, p) => squareplus(x, p.b, root(x, p.b)),
  // f' = (1 + x/r)/2 = f/r (r = √(x² + b)); as a quotient it has no cancellation for x < 0.
  df: (x, p) => {
    if (x === Number.POSITIVE_INFINITY) return 1; // ∞/∞
    const r = root(x, p.b);
    if (r === 0) return 0.5; // b = 0 and x = 0: the kink of ReLU, see kinks
    return squareplus(x, p.b, r) / r;
  },
  // With b = 0 the function is ReLU; at 0 it keeps 1/2, the value f'(0) has for every b > 0.
  kinks: (p) => (p.b === 0 ? [{ at: 0, derivative: 0.5 }] : []),
  properties: {
    range: [0, Number.POSITIVE_INFINITY],
    rangeText: '(0, ∞)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: false,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\operatorname{squareplus}(x) = \\frac{x + \\sqrt{x^2 + b}}{2}',
    df: "\\operatorname{squareplus}'(x) = \\frac12\\left(1 + \\frac{x}{\\sqrt{x^2 + b}}\\right)",
  },
  refs: [
    {
      title: 'Barron (2021), Squareplus: A Softplus-Like Algebraic Rectifier',
      url: 'https://arxiv.org/abs/2112.11687',
    },
  ],
  notes: {
    summary:
      'A softplus look-alike built only from a square root and arithmetic: a hyperbola whose asymptotes are 0 and x.',
    pros: [
      'No exp or log: cheaper than softplus on most hardware',
      'Smooth, positive and monotonic, with one parameter that sets the curvature (b = 0 is ReLU)',
    ],
    cons: [
      'Approaches 0 only polynomially (like b/(4|x|)) for x < 0, more slowly than softplus',
      'No sparsity',
    ],
    usedIn: ['JAX `jax.nn.squareplus`', 'A drop-in replacement for softplus where exp is costly'],
  },
});
