import {
  normCdf,
  normPdf,
  SQRT_2_OVER_PI,
  sigmoid,
  swish,
  swishDx,
  timesProbability,
} from '../math.js';
import { elementwise } from '../types.js';

type Approximate = 'none' | 'tanh' | 'sigmoid';
type P = { approximate: Approximate; mu: number; sigma: number };

const C = 0.044715;
/** 1.702: the constant of the sigmoid approximation x·σ(1.702x) (Hendrycks & Gimpel). */
export const GELU_SIGMOID_BETA = 1.702;

/** u(x) = √(2/π)(x + 0.044715x³); 0.5(1 + tanh u) is computed as σ(2u), which never overflows. */
function tanhArg(x: number): number {
  return SQRT_2_OVER_PI * (x + C * x * x * x);
}

function f(x: number, p: P): number {
  if (p.approximate === 'tanh') return timesProbability(x, sigmoid(2 * tanhArg(x)));
  if (p.approximate === 'sigmoid') return swish(x, GELU_SIGMOID_BETA);
  // Φ through erfc, not 1 + erf: gelu(-10) = -7.6e-23 would otherwise round to 0.
  return timesProbability(x, normCdf((x - p.mu) / p.sigma));
}

function df(x: number, p: P): number {
  if (Number.isNaN(x)) return x;
  if (p.approximate === 'tanh') {
    const u2 = 2 * tanhArg(x);
    const s = sigmoid(u2);
    const sn = sigmoid(-u2);
    if (s === 0 || sn === 0) return s; // the product term underflows (and x·∞·0 would be NaN)
    const du2 = 2 * SQRT_2_OVER_PI * (1 + 3 * C * x * x);
    return s + x * du2 * s * sn;
  }
  if (p.approximate === 'sigmoid') return swishDx(x, GELU_SIGMOID_BETA);
  const z = (x - p.mu) / p.sigma;
  const pdf = normPdf(z);
  return normCdf(z) + (pdf === 0 ? 0 : (x * pdf) / p.sigma);
}

export default elementwise<P>({
  kind: 'elementwise',
  id: 'gelu',
  name: 'GELU',
  aliases: ['gelu_new', 'gelu_tanh', 'quick_gelu', 'gelu_sigmoid', 'gaussian'],
  aliasParams: {
    gelu_new: { approximate: 'tanh' },
    gelu_tanh: { approximate: 'tanh' },
    quick_gelu: { approximate: 'sigmoid' },
    gelu_sigmoid: { approximate: 'sigmoid' },
  },
  params: {
    approximate: {
      default: 'none',
      choices: ['none', 'tanh', 'sigmoid'],
      doc: "'none': exact x·Φ(x); 'tanh': 0.5x(1 + tanh(√(2/π)(x + 0.044715x³))); 'sigmoid': x·σ(1.702x)",
    },
    mu: {
      default: 0,
      doc: 'Mean μ of the Gaussian in the generalised x·P(X ≤ x), exact form only',
    },
    sigma: {
      default: 1,
      min: 0,
      minExclusive: true,
      doc: 'Standard deviation σ of that Gaussian (σ → 0 tends to ReLU), exact form only',
    },
  },
  f,
  df,
  kinks: () => [],
  properties: {
    range: [-0.16997120747990366, Number.POSITIVE_INFINITY],
    rangeText: '[-0.17, ∞)',
    monotonic: false,
    smoothness: 'Cinf',
    zeroCentred: true,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\mathrm{GELU}(x) = x\\,\\Phi(x) = \\frac{x}{2}\\left(1 + \\operatorname{erf}\\frac{x}{\\sqrt 2}\\right)',
    df: "\\mathrm{GELU}'(x) = \\Phi(x) + x\\,\\varphi(x)",
  },
  refs: [
    {
      title: 'Hendrycks, Gimpel (2016), Gaussian Error Linear Units (GELUs)',
      url: 'https://arxiv.org/abs/1606.08415',
    },
  ],
  notes: {
    summary:
      'Weights the input by the probability that a standard normal variable is below it: a smooth ReLU that dips slightly below zero.',
    pros: [
      'Smooth everywhere, with a non-zero gradient for negative inputs',
      'The default of Transformer language models',
    ],
    cons: [
      'Costly: erf, or a tanh or sigmoid in the approximations',
      'Frameworks differ on the default form (exact in PyTorch and Keras, tanh in JAX)',
      'Not monotonic (minimum about -0.17 near x = -0.75)',
    ],
    usedIn: ['BERT', 'GPT-2 and GPT-3', 'Vision Transformers'],
  },
});
