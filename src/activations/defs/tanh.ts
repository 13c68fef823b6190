import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'tanh',
  name: 'Tanh',
  aliases: [],
  params: {},
  // Math.tanh is odd and accurate to the ulp, so tanh(-0) stays -0 and tanh(±1000) is ±1.
  f: (x) => Math.tanh(x),
  // sech²(x) as (1/cosh x)², not 1 - tanh²(x): the latter rounds to 0 beyond |x| ≈ 19 and
  // loses the tail; squaring 1/cosh (rather than dividing by cosh²) keeps cosh² from
  // overflowing while the true value is still a normal number.
  df: (x) => {
    const r = 1 / Math.cosh(x);
    return r * r;
  },
  // (1 - y)(1 + y) is 1 - y² without rounding y² first, which matters near |y| = 1.
  dfFromY: (y) => (1 - y) * (1 + y),
  kinks: () => [],
  properties: {
    range: [-1, 1],
    rangeText: '(-1, 1)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: true,
    saturation: 'two-sided',
    boundedAbove: true,
    boundedBelow: true,
    sparse: false,
    odd: true,
  },
  latex: {
    f: '\\tanh(x) = \\frac{e^{x} - e^{-x}}{e^{x} + e^{-x}} = 2\\sigma(2x) - 1',
    df: "\\tanh'(x) = 1 - \\tanh^2(x) = \\operatorname{sech}^2(x)",
  },
  refs: [
    {
      title: 'LeCun, Bottou, Orr, Müller (1998), Efficient BackProp',
      url: 'http://yann.lecun.com/exdb/publis/pdf/lecun-98b.pdf',
    },
    {
      title: 'Hochreiter, Schmidhuber (1997), Long Short-Term Memory',
      url: 'https://doi.org/10.1162/neco.1997.9.8.1735',
    },
  ],
  notes: {
    summary:
      'The hyperbolic tangent, a sigmoid stretched to (-1, 1) and centred on zero: tanh(x) = 2σ(2x) − 1.',
    pros: [
      'Zero-centred: outputs of both signs, so the next layer is not pushed one way (no bias shift)',
      'Four times steeper than the sigmoid at 0: its derivative peaks at 1, not 0.25',
      'The derivative is cheap from the output: 1 − tanh²',
    ],
    cons: [
      'Saturates on both sides: for large |x| almost no gradient passes, so deep stacks still suffer vanishing gradients',
      'Needs exponentials: slower than ReLU',
      'Usually trains deep feed-forward networks worse than ReLU',
    ],
    usedIn: [
      'LSTM and GRU cells',
      'Classic recurrent networks',
      'Small MLPs with Glorot initialisation',
    ],
  },
});
