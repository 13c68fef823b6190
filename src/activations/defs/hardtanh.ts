import { elementwise } from '../types.js';

type P = { min_val: number; max_val: number };

export default elementwise<P>({
  kind: 'elementwise',
  id: 'hardtanh',
  name: 'Hardtanh',
  aliases: ['hard_tanh'],
  params: {
    min_val: { default: -1, doc: 'Lower clip value: the output for x ≤ min_val' },
    max_val: { default: 1, doc: 'Upper clip value: the output for x ≥ max_val' },
  },
  validate: (p) => (p.min_val < p.max_val ? undefined : 'min_val must be less than max_val'),
  // Math.max/min propagate NaN (a comparison chain would return a clip value) and keep -0.
  f: (x, p) => Math.min(Math.max(x, p.min_val), p.max_val),
  // Both ends belong to the flat side, as in PyTorch: hardtanh'(min_val) = hardtanh'(max_val) = 0.
  df: (x, p) => (x > p.min_val && x < p.max_val ? 1 : Number.isNaN(x) ? x : 0),
  kinks: (p) => [
    { at: p.min_val, derivative: 0 },
    { at: p.max_val, derivative: 0 },
  ],
  properties: {
    range: [-1, 1],
    rangeText: '[-1, 1]',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: true,
    saturation: 'two-sided',
    boundedAbove: true,
    boundedBelow: true,
    sparse: false,
    odd: true,
  },
  latex: {
    f: '\\mathrm{Hardtanh}(x) = \\min(\\max(x, \\text{min\\_val}), \\text{max\\_val})',
    df: "\\mathrm{Hardtanh}'(x) = \\begin{cases} 1 & \\text{min\\_val} < x < \\text{max\\_val} \\\\ 0 & \\text{otherwise} \\end{cases}",
  },
  refs: [
    {
      title:
        'Collobert, Weston, Bottou, Karlen, Kavukcuoglu, Kuksa (2011), Natural Language Processing (Almost) from Scratch',
      url: 'https://www.jmlr.org/papers/volume12/collobert11a/collobert11a.pdf',
    },
    {
      title:
        'Courbariaux, Hubara, Soudry, El-Yaniv, Bengio (2016), Binarized Neural Networks: Training Deep Neural Networks with Weights and Activations Constrained to +1 or -1',
      url: 'https://arxiv.org/abs/1602.02830',
    },
  ],
  notes: {
    summary:
      'A piecewise-linear stand-in for tanh: the identity between min_val and max_val, clipped to those values outside.',
    pros: [
      'Cheap: two comparisons, no exponential',
      'Bounded and, at the defaults, zero-centred and odd like tanh',
      'The gradient is exactly 1 in the linear region, so it does not shrink there',
    ],
    cons: [
      'The gradient is exactly 0 outside [min_val, max_val]: a saturated unit stops learning',
      'Not differentiable at either clip point',
    ],
    usedIn: [
      'The SENNA natural-language networks of Collobert et al.',
      'Binarised neural networks, whose straight-through gradient is the hardtanh gradient',
    ],
  },
});
