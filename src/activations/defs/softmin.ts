import { vector } from '../types.js';
import { scratch } from './slice.js';
import { softmaxRow } from './softmax.js';

export default vector<Record<string, never>>({
  kind: 'vector',
  id: 'softmin',
  name: 'Softmin',
  aliases: [],
  params: {},
  outSize: (n) => n,
  // softmax(-x). Negating turns -∞ entries into +∞ ones, which share the mass by
  // softmax's tied-maximum rule.
  forward: (x, y) => {
    const neg = scratch(x.length);
    for (let i = 0; i < x.length; i++) neg[i] = -x[i]!;
    softmaxRow(neg, y);
  },
  // The softmax Jacobian with the sign of the chain rule through -x:
  // gx_i = -y_i (gy_i - Σ_j gy_j y_j).
  vjp: (_x, y, gy, gx) => {
    let dot = 0;
    for (let j = 0; j < y.length; j++) dot += gy[j]! * y[j]!;
    for (let i = 0; i < y.length; i++) gx[i] = y[i]! * (dot - gy[i]!);
  },
  properties: { range: [0, 1], rangeText: '(0, 1), each slice sums to 1', smoothness: 'Cinf' },
  latex: {
    f: '\\operatorname{softmin}(x)_i = \\frac{e^{-x_i}}{\\sum_j e^{-x_j}}',
    df: '\\frac{\\partial y_i}{\\partial x_j} = -y_i(\\delta_{ij} - y_j)',
  },
  refs: [
    {
      title: 'PyTorch documentation, torch.nn.Softmin',
      url: 'https://pytorch.org/docs/stable/generated/torch.nn.Softmin.html',
    },
  ],
  notes: {
    summary:
      'Softmax of the negated input: a probability distribution that favours the smallest entries, such as the lowest costs or distances.',
    pros: [
      'Turns costs or distances into weights without negating them by hand',
      'Outputs are positive and sum to 1',
    ],
    cons: [
      'Saturates like softmax: one much smaller entry takes all the mass',
      'Just softmax(-x); a separate name mostly for readability',
    ],
    usedIn: ['Weighting by distance or cost (soft nearest neighbours, soft assignment)'],
  },
});
