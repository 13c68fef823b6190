import { elementwise } from '../types.js';

type P = { alpha: number };

export default elementwise<P>({
  kind: 'elementwise',
  id: 'prelu',
  name: 'PReLU',
  aliases: [],
  params: {
    alpha: {
      default: 0.25,
      learnable: true,
      doc: 'Slope for x ≤ 0, learnt by backprop (initial value: PyTorch 0.25, Keras and TF.js 0, Flax 0.01)',
    },
  },
  // With alpha = 0 (the Keras start), 0·(−∞) would be NaN; the limit of alpha·x is 0.
  f: (x, p) => (x > 0 ? x : p.alpha === 0 && x === Number.NEGATIVE_INFINITY ? 0 : x * p.alpha),
  // Below 0 the slope is +alpha, not -alpha; at 0 PyTorch uses the negative side.
  df: (x, p) => (x > 0 ? 1 : Number.isNaN(x) ? x : p.alpha),
  dParams: {
    // ∂/∂alpha is x on the negative side and 0 above (and at x = 0, where both agree).
    alpha: (x) => Math.min(x, 0),
  },
  kinks: (p) => [{ at: 0, derivative: p.alpha }],
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, ∞)',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: true,
    saturation: 'none',
    boundedAbove: false,
    boundedBelow: false,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\mathrm{PReLU}(x) = \\begin{cases} x & x > 0 \\\\ \\alpha x & x \\le 0 \\end{cases}',
    df: "\\mathrm{PReLU}'(x) = \\begin{cases} 1 & x > 0 \\\\ \\alpha & x \\le 0 \\end{cases}, \\qquad \\frac{\\partial\\,\\mathrm{PReLU}}{\\partial \\alpha} = \\begin{cases} 0 & x > 0 \\\\ x & x \\le 0 \\end{cases}",
  },
  refs: [
    {
      title:
        'He, Zhang, Ren, Sun (2015), Delving Deep into Rectifiers: Surpassing Human-Level Performance on ImageNet Classification',
      url: 'https://arxiv.org/abs/1502.01852',
    },
  ],
  notes: {
    summary:
      'Leaky ReLU whose negative slope alpha is a parameter, learnt by backprop with the weights (one per channel, or one shared).',
    pros: [
      'The network chooses the slope: alpha = 0 is ReLU, a small constant is leaky ReLU',
      'No dead units while alpha ≠ 0',
      'Costs almost nothing: one extra parameter per channel (or per layer)',
    ],
    cons: [
      'The extra parameters can overfit: it pays off with plenty of data',
      'Frameworks start alpha at different values (0.25 in PyTorch, 0 in Keras and TF.js, 0.01 in Flax)',
      'Not smooth at 0',
    ],
    usedIn: [
      'The deep ImageNet classifiers of He et al. (2015)',
      'Super-resolution networks such as SRResNet, the SRGAN generator',
    ],
  },
});
