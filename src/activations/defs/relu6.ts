import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'relu6',
  name: 'ReLU6',
  aliases: [],
  params: {},
  // Math.max/min propagate NaN, where a comparison chain would return 0 or 6.
  f: (x) => Math.min(Math.max(x, 0), 6),
  // Both corners belong to the flat side, as in PyTorch: relu6'(0) = relu6'(6) = 0.
  df: (x) => (x > 0 && x < 6 ? 1 : Number.isNaN(x) ? x : 0),
  // 0 < y < 6 exactly where 0 < x < 6: backward can keep y instead of x.
  dfFromY: (y) => (y > 0 && y < 6 ? 1 : Number.isNaN(y) ? y : 0),
  kinks: () => [
    { at: 0, derivative: 0 },
    { at: 6, derivative: 0 },
  ],
  properties: {
    range: [0, 6],
    rangeText: '[0, 6]',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: false,
    saturation: 'two-sided',
    boundedAbove: true,
    boundedBelow: true,
    sparse: true,
    odd: false,
  },
  latex: {
    f: '\\mathrm{ReLU6}(x) = \\min(\\max(0, x), 6)',
    df: "\\mathrm{ReLU6}'(x) = \\begin{cases} 1 & 0 < x < 6 \\\\ 0 & \\text{otherwise} \\end{cases}",
  },
  refs: [
    {
      title: 'Krizhevsky (2010), Convolutional Deep Belief Networks on CIFAR-10',
      url: 'http://www.cs.utoronto.ca/~kriz/conv-cifar10-aug2010.pdf',
    },
    {
      title:
        'Howard et al. (2017), MobileNets: Efficient Convolutional Neural Networks for Mobile Vision Applications',
      url: 'https://arxiv.org/abs/1704.04861',
    },
    {
      title: 'Sandler et al. (2018), MobileNetV2: Inverted Residuals and Linear Bottlenecks',
      url: 'https://arxiv.org/abs/1801.04381',
    },
  ],
  notes: {
    summary:
      'ReLU capped at 6. The cap keeps activations in a small fixed range, which suits low-precision (fixed-point or int8) inference.',
    pros: [
      'Bounded output in [0, 6]: stays representable under low-precision arithmetic',
      'As cheap as ReLU, and as sparse',
    ],
    cons: [
      'The gradient is 0 above 6 as well as below 0: units can saturate on both sides',
      'Units can die, as with ReLU',
      'Not zero-centred',
    ],
    usedIn: ['MobileNet and MobileNetV2', 'Quantised models for phones and embedded devices'],
  },
});
