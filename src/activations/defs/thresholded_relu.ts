import { elementwise } from '../types.js';

type P = { theta: number };

export default elementwise<P>({
  kind: 'elementwise',
  id: 'thresholded_relu',
  name: 'Thresholded ReLU',
  aliases: ['thresholdedrelu'],
  params: {
    theta: { default: 1, min: 0, doc: 'Threshold: inputs at or below theta give 0' },
  },
  f: (x, p) => (x > p.theta ? x : Number.isNaN(x) ? x : 0),
  // At theta the function jumps from 0 to theta; the flat side's 0 is used there.
  df: (x, p) => (x > p.theta ? 1 : Number.isNaN(x) ? x : 0),
  kinks: (p) => [{ at: p.theta, derivative: 0 }],
  properties: {
    range: [0, Number.POSITIVE_INFINITY],
    rangeText: '{0} ∪ (1, ∞)',
    monotonic: true,
    smoothness: 'discontinuous',
    zeroCentred: false,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: true,
    odd: false,
  },
  latex: {
    f: '\\mathrm{ThresholdedReLU}(x) = \\begin{cases} x & x > \\theta \\\\ 0 & x \\le \\theta \\end{cases}',
    df: "\\mathrm{ThresholdedReLU}'(x) = \\begin{cases} 1 & x > \\theta \\\\ 0 & x \\le \\theta \\end{cases}",
  },
  refs: [
    {
      title:
        'Konda, Memisevic, Krueger (2015), Zero-bias autoencoders and the benefits of co-adapting features',
      url: 'https://arxiv.org/abs/1402.3337',
    },
  ],
  notes: {
    summary:
      'Passes x only where it exceeds theta and outputs 0 elsewhere, so small positive inputs are cut as well as negative ones.',
    pros: [
      'Sparse, more so than ReLU',
      'Cheap: one comparison',
      'Does the work of a large negative bias without one (the zero-bias autoencoder idea)',
    ],
    cons: [
      'Discontinuous for theta > 0: it jumps from 0 to theta',
      'No gradient at or below theta: units can die',
      'Not zero-centred',
    ],
    usedIn: [
      'Zero-bias autoencoders',
      'The ThresholdedReLU layer of Keras 2 and the ONNX ThresholdedRelu operator',
    ],
  },
});
