import { log1pExp, sigmoid } from '../math.js';
import { elementwise } from '../types.js';

type P = { beta: number; threshold: number };

/**
 * Slope at z = βx under PyTorch's rule: linear (slope 1) only where βx > threshold,
 * σ(z) elsewhere. For z > 0, σ(z) = 1 - σ(-z) rounds once, where 1/(1 + e^{-z}) rounds
 * twice: σ(20), the slope declared at the default kink, comes out correctly rounded.
 */
function slopeAt(z: number, threshold: number): number {
  if (z > threshold) return 1;
  return z > 0 ? 1 - sigmoid(-z) : sigmoid(z);
}

export default elementwise<P>({
  kind: 'elementwise',
  id: 'softplus',
  name: 'Softplus',
  aliases: [],
  params: {
    beta: {
      default: 1,
      min: 0,
      minExclusive: true,
      doc: 'Sharpness β: log(1 + e^{βx})/β, which tends to ReLU as β grows',
    },
    threshold: {
      default: 20,
      doc: 'Above βx = threshold the function is taken as x (PyTorch), where the two differ by about e^{-threshold}',
    },
  },
  // βx may overflow to ±∞ for a large β: +∞ takes the linear branch, -∞ gives log1pExp = 0.
  f: (x, p) => {
    const z = p.beta * x;
    return z > p.threshold ? x : log1pExp(z) / p.beta;
  },
  df: (x, p) => slopeAt(p.beta * x, p.threshold),
  // At the threshold itself `>` is false, so the log1p branch's slope σ(βx) applies, as in
  // PyTorch. Computing it through slopeAt keeps the declared value equal to df even when
  // β·(threshold/β) rounds away from the threshold.
  kinks: (p) => {
    const at = p.threshold / p.beta;
    return [{ at, derivative: slopeAt(p.beta * at, p.threshold) }];
  },
  properties: {
    range: [0, Number.POSITIVE_INFINITY],
    rangeText: '(0, ∞)',
    monotonic: true,
    // The linear branch joins with a jump of about 2e-9 at the default threshold: far below
    // float32 resolution there, so the function is classed by its mathematical form.
    smoothness: 'Cinf',
    zeroCentred: false,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\operatorname{softplus}(x) = \\frac{1}{\\beta}\\ln\\left(1 + e^{\\beta x}\\right)',
    df: "\\operatorname{softplus}'(x) = \\sigma(\\beta x)",
  },
  refs: [
    {
      title:
        'Dugas, Bengio, Bélisle, Nadeau, Garcia (2000), Incorporating Second-Order Functional Knowledge for Better Option Pricing',
      url: 'https://proceedings.neurips.cc/paper/2000/hash/44968aece94f667e4095002d140b5896-Abstract.html',
    },
    {
      title: 'Glorot, Bordes, Bengio (2011), Deep Sparse Rectifier Neural Networks',
      url: 'https://proceedings.mlr.press/v15/glorot11a.html',
    },
  ],
  notes: {
    summary:
      'A smooth version of ReLU, log(1 + eˣ), whose derivative is exactly the sigmoid; it is positive everywhere.',
    pros: [
      'Smooth, with a gradient everywhere (no dead units)',
      'Strictly positive output: a natural way to produce scales, rates and standard deviations',
      'Its derivative is the sigmoid, cheap once σ is known',
    ],
    cons: [
      'No sparsity: no unit is ever exactly zero',
      'Costs an exp and a log per element',
      'Not zero-centred (softplus(0) = log 2)',
    ],
    usedIn: [
      'Positive outputs such as variances and scales in probabilistic models',
      'The inner function of Mish',
    ],
  },
});
