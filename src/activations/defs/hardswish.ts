import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'hardswish',
  name: 'Hard swish',
  aliases: ['hard_silu', 'hard_swish'],
  params: {},
  // x(x + 3)/6 rather than x·(x/6 + 1/2): x + 3 is exact next to -3, where the result is small.
  f: (x) => {
    if (x <= -3) return 0;
    if (x >= 3) return x;
    return (x * (x + 3)) / 6;
  },
  // Current PyTorch: slope 0 at -3 and 1 at 3 (older releases gave -0.5 at -3).
  df: (x) => {
    if (x <= -3) return 0;
    if (x >= 3) return 1;
    return (2 * x + 3) / 6; // NaN falls through to here and stays NaN
  },
  kinks: () => [
    { at: -3, derivative: 0 },
    { at: 3, derivative: 1 },
  ],
  properties: {
    range: [-0.375, Number.POSITIVE_INFINITY],
    rangeText: '[-0.375, ∞)',
    monotonic: false,
    smoothness: 'C0',
    zeroCentred: true,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: true,
    odd: false,
  },
  latex: {
    f: '\\operatorname{hardswish}(x) = x\\,\\frac{\\operatorname{ReLU6}(x + 3)}{6}',
    df: "\\operatorname{hardswish}'(x) = \\begin{cases} 0 & x \\le -3 \\\\ \\frac{2x + 3}{6} & -3 < x < 3 \\\\ 1 & x \\ge 3 \\end{cases}",
  },
  refs: [
    {
      title: 'Howard et al. (2019), Searching for MobileNetV3',
      url: 'https://arxiv.org/abs/1905.02244',
    },
  ],
  notes: {
    summary:
      'Swish with its sigmoid replaced by the hard sigmoid: x times a clipped ramp, so it needs no exponential.',
    pros: [
      'Close to Swish in accuracy at a fraction of the cost',
      'Piecewise polynomial: easy to quantise and fast on mobile hardware',
      'Exactly 0 for x ≤ -3 and exactly x for x ≥ 3',
    ],
    cons: [
      'Not smooth at ±3 (the slope jumps there)',
      'Not monotonic (minimum -0.375 at x = -1.5); no gradient below -3',
    ],
    usedIn: ['MobileNetV3'],
  },
});
