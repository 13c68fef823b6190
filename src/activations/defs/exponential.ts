import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'exponential',
  name: 'Exponential',
  aliases: ['exp'],
  params: {},
  f: (x) => Math.exp(x),
  df: (x) => Math.exp(x),
  // The function is its own derivative.
  dfFromY: (y) => y,
  kinks: () => [],
  properties: {
    range: [0, Number.POSITIVE_INFINITY],
    rangeText: '(0, ∞)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: false,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\exp(x) = e^x',
    df: "\\exp'(x) = e^x",
  },
  refs: [
    {
      title: 'Keras documentation, activations.exponential',
      url: 'https://keras.io/api/layers/activations/',
    },
  ],
  notes: {
    summary:
      'eˣ as an activation: maps any real number to a positive one, the inverse of a log link.',
    pros: [
      'Strictly positive output, natural for rates and scales (log-link models)',
      'Its derivative is its own output',
    ],
    cons: [
      'Overflows for x above about 709 (88 in float32): outputs and gradients explode easily',
      'Not zero-centred; vanishing gradient for very negative inputs',
    ],
    usedIn: ['Poisson-regression and rate outputs (log link)', 'Keras `exponential`'],
  },
});
