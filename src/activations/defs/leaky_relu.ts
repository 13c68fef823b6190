import { elementwise } from '../types.js';

export default elementwise<{ negative_slope: number }>({
  kind: 'elementwise',
  id: 'leaky_relu',
  name: 'Leaky ReLU',
  aliases: ['leakyrelu', 'lrelu'],
  params: {
    negative_slope: { default: 0.01, doc: 'Slope for x < 0 (PyTorch 0.01; Keras 0.2/0.3)' },
  },
  f: (x, p) => (x > 0 ? x : x * p.negative_slope),
  // Below 0 the slope is +a, not -a; at 0 PyTorch uses the negative side.
  df: (x, p) => (x > 0 ? 1 : Number.isNaN(x) ? x : p.negative_slope),
  kinks: (p) => [{ at: 0, derivative: p.negative_slope }],
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
    f: '\\mathrm{LeakyReLU}(x) = \\begin{cases} x & x > 0 \\\\ a x & x \\le 0 \\end{cases}',
    df: "\\mathrm{LeakyReLU}'(x) = \\begin{cases} 1 & x > 0 \\\\ a & x \\le 0 \\end{cases}",
  },
  refs: [
    {
      title:
        'Maas, Hannun, Ng (2013), Rectifier Nonlinearities Improve Neural Network Acoustic Models',
      url: 'https://ai.stanford.edu/~amaas/papers/relu_hybrid_icml2013_final.pdf',
    },
  ],
  notes: {
    summary:
      'ReLU with a small slope below zero, so that a unit with negative input still passes a gradient and cannot die.',
    pros: [
      'No dead units: the gradient below 0 is the slope a, never 0',
      'As cheap as ReLU (a compare and a multiply)',
    ],
    cons: [
      'The slope is one more hyperparameter, and frameworks disagree on its default',
      'Not smooth at 0',
    ],
    usedIn: ['YOLO object detectors', 'GAN discriminators (DCGAN)'],
  },
});
