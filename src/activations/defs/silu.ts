import { swish, swishDx } from '../math.js';
import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'silu',
  name: 'SiLU',
  aliases: [],
  params: {},
  // The shared helpers make silu and swish(β = 1) equal bitwise (silu(−∞) = −0 included).
  f: (x) => swish(x, 1),
  df: (x) => swishDx(x, 1),
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
    f: '\\mathrm{SiLU}(x) = x\\,\\sigma(x) = \\frac{x}{1 + e^{-x}}',
    df: "\\mathrm{SiLU}'(x) = \\sigma(x)\\,\\bigl(1 + x\\,(1 - \\sigma(x))\\bigr)",
  },
  refs: [
    {
      title: 'Hendrycks, Gimpel (2016), Gaussian Error Linear Units (GELUs)',
      url: 'https://arxiv.org/abs/1606.08415',
    },
    {
      title:
        'Elfwing, Uchibe, Doya (2017), Sigmoid-Weighted Linear Units for Neural Network Function Approximation in Reinforcement Learning',
      url: 'https://arxiv.org/abs/1702.03118',
    },
    {
      title: 'Ramachandran, Zoph, Le (2017), Searching for Activation Functions',
      url: 'https://arxiv.org/abs/1710.05941',
    },
  ],
  notes: {
    summary:
      'The input weighted by its own sigmoid, x·σ(x): a smooth ReLU-like curve that dips slightly below zero. It is Swish with β = 1.',
    pros: [
      'Smooth everywhere, with some gradient for negative inputs',
      'Bounded below (minimum about −0.2785 at x ≈ −1.2785) and unbounded above, like ReLU',
    ],
    cons: [
      'Needs an exponential: costlier than ReLU',
      'Not monotonic',
      'Gains over ReLU vary from task to task',
    ],
    usedIn: [
      'EfficientNet',
      'YOLOv5 and later YOLO detectors',
      'The gate of the SwiGLU feed-forward blocks of LLaMA',
    ],
  },
});
