import { sigmoid as logistic } from '../math.js';
import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'sigmoid',
  name: 'Sigmoid',
  aliases: ['logistic'],
  params: {},
  // Branch on the sign so that e^{-x} never overflows: sigmoid(-745) is 5e-324, not 0/0.
  f: (x) => logistic(x),
  df: (x) => {
    const s = logistic(x);
    // σ(1-σ) loses the tail for x >> 0 (1-σ rounds to 0); σ(-|x|)·σ(|x|) keeps it.
    return x >= 0 ? logistic(-x) * s : s * logistic(-x);
  },
  dfFromY: (y) => y * (1 - y),
  kinks: () => [],
  properties: {
    range: [0, 1],
    rangeText: '(0, 1)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: false,
    saturation: 'two-sided',
    boundedAbove: true,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\sigma(x) = \\frac{1}{1 + e^{-x}}',
    df: "\\sigma'(x) = \\sigma(x)\\,(1 - \\sigma(x))",
  },
  refs: [
    {
      title:
        'Rumelhart, Hinton, Williams (1986), Learning representations by back-propagating errors',
      url: 'https://doi.org/10.1038/323533a0',
    },
  ],
  notes: {
    summary:
      'The logistic function squashes any real number into (0, 1), so its output reads as a probability.',
    pros: [
      'Output in (0, 1): a natural probability for binary outputs and gates',
      'Smooth, with a derivative that is cheap from the output: σ(1 − σ)',
    ],
    cons: [
      'The derivative is at most 0.25, so gradients shrink geometrically through deep stacks (vanishing gradients)',
      'Saturates on both sides: large |x| passes almost no gradient',
      'Not zero-centred: the next layer sees only positive inputs (bias shift, zig-zag updates)',
      'Needs an exp, costlier than ReLU',
    ],
    usedIn: [
      'Binary classification outputs (with binary cross-entropy, not MSE)',
      'LSTM and GRU gates',
      'Logistic regression',
    ],
  },
});
