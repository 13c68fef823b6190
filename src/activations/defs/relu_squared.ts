import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'relu_squared',
  name: 'Squared ReLU',
  aliases: ['relu2', 'squared_relu'],
  params: {},
  // Math.max keeps NaN as NaN and turns -0 into 0.
  f: (x) => {
    const r = Math.max(x, 0);
    return r * r;
  },
  // Both one-sided slopes are 0 at x = 0, so it is differentiable there: no kink.
  df: (x) => 2 * Math.max(x, 0),
  kinks: () => [],
  properties: {
    range: [0, Number.POSITIVE_INFINITY],
    rangeText: '[0, ∞)',
    monotonic: true,
    // f'' jumps from 0 to 2 at 0.
    smoothness: 'C1',
    zeroCentred: false,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: true,
    odd: false,
  },
  latex: {
    f: '\\operatorname{ReLU}^2(x) = \\max(0, x)^2',
    df: "(\\operatorname{ReLU}^2)'(x) = 2\\max(0, x)",
  },
  refs: [
    {
      title: 'So et al. (2021), Primer: Searching for Efficient Transformers for Language Modeling',
      url: 'https://arxiv.org/abs/2109.08668',
    },
  ],
  notes: {
    summary:
      'ReLU followed by a square: zero for negative inputs, a parabola for positive ones. Found by architecture search for Transformer feed-forward layers.',
    pros: [
      'Keeps ReLU’s exact zeros (sparsity) while being differentiable at 0',
      'Cheap: a compare and a multiply',
      'Improved language-model quality per unit of compute in Primer',
    ],
    cons: [
      'Grows quadratically: large inputs give large outputs and gradients (watch for explosion)',
      'Dead units, as with ReLU, for inputs that stay negative',
    ],
    usedIn: ['Primer Transformer feed-forward layers', 'RWKV channel mixing'],
  },
});
