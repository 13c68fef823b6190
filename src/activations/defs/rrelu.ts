import { elementwise } from '../types.js';

type P = { lower: number; upper: number };

/** The inference slope: the mean of U(lower, upper). */
function slope(p: P): number {
  return (p.lower + p.upper) / 2;
}

export default elementwise<P>({
  kind: 'elementwise',
  id: 'rrelu',
  name: 'RReLU',
  aliases: ['randomized_relu'],
  params: {
    lower: {
      default: 1 / 8,
      min: 0,
      max: 1,
      doc: 'Lower end of U(lower, upper): in training each element draws its slope from this uniform (not normal) distribution, with the seeded RNG',
    },
    upper: {
      default: 1 / 3,
      min: 0,
      max: 1,
      doc: 'Upper end of U(lower, upper); at inference the slope is (lower + upper)/2',
    },
  },
  validate: (p) => (p.lower <= p.upper ? undefined : 'lower must be less than or equal to upper'),
  // This is the inference form. In training the engine draws each element's slope from
  // U(lower, upper) with the model's seeded RNG, so a run is reproducible.
  f: (x, p) => {
    if (x > 0) return x;
    const a = slope(p);
    // With lower = upper = 0, 0·(−∞) would be NaN; the limit of a·x is 0.
    return a === 0 && x === Number.NEGATIVE_INFINITY ? 0 : x * a;
  },
  df: (x, p) => (x > 0 ? 1 : Number.isNaN(x) ? x : slope(p)),
  kinks: (p) => [{ at: 0, derivative: slope(p) }],
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, ∞)',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: true,
    saturation: 'none',
    boundedAbove: false,
    boundedBelow: false,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\mathrm{RReLU}(x) = \\begin{cases} x & x > 0 \\\\ a x & x \\le 0 \\end{cases}, \\quad a = \\tfrac{\\text{lower} + \\text{upper}}{2} \\text{ (training: } a \\sim U(\\text{lower}, \\text{upper}))',
    df: "\\mathrm{RReLU}'(x) = \\begin{cases} 1 & x > 0 \\\\ a & x \\le 0 \\end{cases}",
  },
  refs: [
    {
      title:
        'Xu, Wang, Chen, Li (2015), Empirical Evaluation of Rectified Activations in Convolutional Network',
      url: 'https://arxiv.org/abs/1505.00853',
    },
  ],
  notes: {
    summary:
      'Leaky ReLU with a random negative slope: during training each element draws its slope from the uniform distribution U(lower, upper), using the seeded RNG so that runs repeat; at inference the slope is fixed at the mean, (lower + upper)/2, about 0.229 by default.',
    pros: [
      'The random slope regularises: it can help a model that overfits',
      'No dead units: the slope below 0 is positive',
      'Cheap: a multiply, plus one random draw per element in training',
    ],
    cons: [
      'Training and inference compute different functions',
      'Two hyperparameters, set differently in the paper (slope 1/a with a ~ U(3, 8), 1/5.5 at test time) and in PyTorch (slope ~ U(1/8, 1/3))',
      'Often misdescribed: the slope is uniform on [lower, upper], not drawn from a normal distribution, which would give negative slopes',
    ],
    usedIn: [
      'Image classifiers prone to overfitting (CIFAR-10/100 and the NDSB plankton set in the paper that introduced it)',
    ],
  },
});
