import { elementwise } from '../types.js';

type P = { slope: number; offset: number };

/** Where slope·x + offset crosses 0 and 1. At the defaults exactly -3 and 3. */
function corners(p: P): [number, number] {
  return [-p.offset / p.slope, (1 - p.offset) / p.slope];
}

export default elementwise<P>({
  kind: 'elementwise',
  id: 'hardsigmoid',
  name: 'Hard sigmoid',
  aliases: ['hard_sigmoid'],
  params: {
    slope: {
      default: 1 / 6,
      min: 0,
      minExclusive: true,
      doc: 'Slope of the linear part (1/6 in PyTorch, Keras 3 and JAX; 0.2 in tf.keras 2 and TF.js)',
    },
    offset: { default: 0.5, doc: 'Value at x = 0 before clipping to [0, 1]' },
  },
  // Measured from the nearer corner, so that the result keeps its relative accuracy
  // where it is small (slope·x + offset would cancel next to the lower corner).
  f: (x, p) => {
    const [lo, hi] = corners(p);
    if (x <= lo) return 0;
    if (x >= hi) return 1;
    return x < 0.5 * (lo + hi) ? p.slope * (x - lo) : 1 - p.slope * (hi - x);
  },
  // The corners themselves take slope 0, as in PyTorch (hardsigmoid'(±3) = 0).
  df: (x, p) => {
    const [lo, hi] = corners(p);
    if (Number.isNaN(x)) return x;
    return x > lo && x < hi ? p.slope : 0;
  },
  kinks: (p) => corners(p).map((at) => ({ at, derivative: 0 })),
  properties: {
    range: [0, 1],
    rangeText: '[0, 1]',
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
    f: '\\operatorname{hardsigmoid}(x) = \\min\\left(\\max\\left(a x + c,\\, 0\\right),\\, 1\\right),\\quad a = \\tfrac16,\\ c = \\tfrac12',
    df: "\\operatorname{hardsigmoid}'(x) = \\begin{cases} a & -c/a < x < (1 - c)/a \\\\ 0 & \\text{otherwise} \\end{cases}",
  },
  refs: [
    {
      title:
        'Courbariaux, Bengio, David (2015), BinaryConnect: Training Deep Neural Networks with binary weights during propagations',
      url: 'https://arxiv.org/abs/1511.00363',
    },
    {
      title: 'Howard et al. (2019), Searching for MobileNetV3',
      url: 'https://arxiv.org/abs/1905.02244',
    },
  ],
  notes: {
    summary:
      'A piecewise-linear stand-in for the sigmoid: a straight ramp from 0 to 1, clipped, with no exponential to compute.',
    pros: [
      'Cheap: a multiply, an add and a clip, friendly to quantised and mobile inference',
      'Reaches 0 and 1 exactly, which suits gates',
    ],
    cons: [
      'No gradient outside the ramp (|x| ≥ 3 at the defaults): saturated units stop learning',
      'Frameworks disagree on the slope (1/6 or 0.2); choose the preset that matches your model',
    ],
    usedIn: ['Squeeze-and-excitation gates in MobileNetV3', 'The building block of hardswish'],
  },
});
