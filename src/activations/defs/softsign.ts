import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'softsign',
  name: 'Softsign',
  aliases: [],
  params: {},
  // ±∞/(1 + ∞) would be NaN; the limit is ±1 (and Math.sign keeps NaN).
  f: (x) => (Number.isFinite(x) ? x / (1 + Math.abs(x)) : Math.sign(x)),
  // Square the reciprocal rather than divide by (1 + |x|)², which overflows above 1e154.
  df: (x) => {
    const r = 1 / (1 + Math.abs(x));
    return r * r;
  },
  kinks: () => [],
  properties: {
    range: [-1, 1],
    rangeText: '(-1, 1)',
    monotonic: true,
    // f'' jumps from 2 to -2 at 0.
    smoothness: 'C1',
    zeroCentred: true,
    saturation: 'two-sided',
    boundedAbove: true,
    boundedBelow: true,
    sparse: false,
    odd: true,
  },
  latex: {
    f: '\\operatorname{softsign}(x) = \\frac{x}{1 + |x|}',
    df: "\\operatorname{softsign}'(x) = \\frac{1}{(1 + |x|)^2}",
  },
  refs: [
    {
      title:
        'Glorot, Bengio (2010), Understanding the difficulty of training deep feedforward neural networks',
      url: 'https://proceedings.mlr.press/v9/glorot10a.html',
    },
  ],
  notes: {
    summary:
      'A tanh-like squashing function into (-1, 1) built from a division instead of exponentials; its tails approach ±1 polynomially, not exponentially.',
    pros: [
      'Zero-centred and bounded, like tanh',
      'Cheap: one absolute value and one division',
      'Saturates more gently than tanh (the gradient decays like 1/x², not e^{-2|x|})',
    ],
    cons: [
      'Still saturates on both sides, so deep stacks can lose their gradient',
      'Its second derivative jumps at 0',
    ],
    usedIn: [
      'Studies of deep feedforward training (Glorot and Bengio, 2010)',
      'Keras and TF.js `softsign`',
    ],
  },
});
