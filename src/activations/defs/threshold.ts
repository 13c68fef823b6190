import { elementwise } from '../types.js';

type P = { threshold: number; value: number };

export default elementwise<P>({
  kind: 'elementwise',
  id: 'threshold',
  name: 'Threshold',
  aliases: [],
  params: {
    threshold: { default: 0, doc: 'Inputs at or below this are replaced by value' },
    value: { default: 0, doc: 'The output for x ≤ threshold' },
  },
  f: (x, p) => (x > p.threshold ? x : Number.isNaN(x) ? x : p.value),
  // The flat side's 0 at the threshold, as PyTorch's threshold_backward gives.
  df: (x, p) => (x > p.threshold ? 1 : Number.isNaN(x) ? x : 0),
  kinks: (p) => [{ at: p.threshold, derivative: 0 }],
  properties: {
    range: [0, Number.POSITIVE_INFINITY],
    rangeText: '[0, ∞)',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: false,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: true,
    odd: false,
  },
  latex: {
    f: '\\mathrm{Threshold}(x) = \\begin{cases} x & x > \\text{threshold} \\\\ \\text{value} & x \\le \\text{threshold} \\end{cases}',
    df: "\\mathrm{Threshold}'(x) = \\begin{cases} 1 & x > \\text{threshold} \\\\ 0 & x \\le \\text{threshold} \\end{cases}",
  },
  refs: [
    {
      title: 'PyTorch documentation, torch.nn.Threshold',
      url: 'https://pytorch.org/docs/stable/generated/torch.nn.Threshold.html',
    },
  ],
  notes: {
    summary:
      'Keeps x where it exceeds threshold and replaces it with a fixed value elsewhere; with both at 0 (the defaults) it is ReLU.',
    pros: ['Generalises ReLU with a movable cut and floor', 'Cheap: one comparison'],
    cons: [
      'Discontinuous unless value equals threshold',
      'No gradient at or below the threshold: units can die',
      'Neither parameter is learnt',
    ],
    usedIn: ['PyTorch nn.Threshold', 'Lua Torch, whose ReLU module was a Threshold at 0'],
  },
});
