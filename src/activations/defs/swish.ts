import { swish, swishDbeta, swishDx } from '../math.js';
import { elementwise } from '../types.js';

type P = { beta: number };

/**
 * β = 0 is the line x/2, taken apart from the shared helpers because there βx = 0·∞
 * is NaN at x = ±∞, where the limits are ±∞ (f), 1/2 (f') and +∞ (∂f/∂β = x²/4).
 */
function isLine(p: P): boolean {
  return p.beta === 0;
}

export default elementwise<P>({
  kind: 'elementwise',
  id: 'swish',
  name: 'Swish',
  aliases: [],
  params: {
    beta: {
      default: 1,
      learnable: true,
      doc: 'Sharpness β of the gate σ(βx): 0 gives x/2, 1 gives SiLU, β → ∞ tends to ReLU',
    },
  },
  f: (x, p) => (isLine(p) ? x * 0.5 : swish(x, p.beta)),
  df: (x, p) => (isLine(p) ? (Number.isNaN(x) ? x : 0.5) : swishDx(x, p.beta)),
  dParams: {
    beta: (x, p) => (isLine(p) ? x * x * 0.25 : swishDbeta(x, p.beta)),
  },
  kinks: () => [],
  properties: {
    range: [-0.2784645427610738, Number.POSITIVE_INFINITY],
    rangeText: '[-0.2785, ∞)',
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
    f: '\\mathrm{Swish}(x) = x\\,\\sigma(\\beta x)',
    df: "\\mathrm{Swish}'(x) = \\sigma(\\beta x) + \\beta x\\,\\sigma(\\beta x)\\,(1 - \\sigma(\\beta x)), \\qquad \\frac{\\partial\\,\\mathrm{Swish}}{\\partial \\beta} = x^2 \\sigma(\\beta x)\\,(1 - \\sigma(\\beta x))",
  },
  refs: [
    {
      title: 'Ramachandran, Zoph, Le (2017), Searching for Activation Functions',
      url: 'https://arxiv.org/abs/1710.05941',
    },
  ],
  notes: {
    summary:
      'x·σ(βx) with β fixed or learnt: it moves between the linear x/2 (β = 0) and ReLU (β → ∞); β = 1 is SiLU.',
    pros: [
      'Smooth, bounded below and unbounded above',
      'A learnt β lets each layer choose how ReLU-like to be',
      'Found by an automated search over activation functions, where it matched or beat ReLU on several benchmarks',
    ],
    cons: [
      'Needs an exponential: costlier than ReLU',
      'Not monotonic (for β ≠ 0)',
      'Gains over ReLU vary from task to task',
    ],
    usedIn: [
      'EfficientNet (β = 1)',
      'Mobile vision models through its cheap piecewise form, hardswish (MobileNetV3)',
    ],
  },
});
