import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'linear',
  name: 'Linear',
  aliases: ['identity'],
  params: {},
  f: (x) => x,
  df: (x) => (Number.isNaN(x) ? x : 1),
  kinks: () => [],
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, ∞)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: true,
    saturation: 'none',
    boundedAbove: false,
    boundedBelow: false,
    sparse: false,
    odd: true,
  },
  latex: {
    f: '\\mathrm{linear}(x) = x',
    df: "\\mathrm{linear}'(x) = 1",
  },
  refs: [
    {
      title:
        'Goodfellow, Bengio, Courville (2016), Deep Learning, chapter 6: Deep Feedforward Networks',
      url: 'https://www.deeplearningbook.org/contents/mlp.html',
    },
    {
      title: 'Cybenko (1989), Approximation by superpositions of a sigmoidal function',
      url: 'https://doi.org/10.1007/BF02551274',
    },
  ],
  notes: {
    summary:
      'The identity: the input passes through unchanged. It is what a layer without a nonlinearity computes, and the right output for regression and for logits.',
    pros: [
      'Free to compute, and its gradient is always 1: it never saturates',
      'The natural output for regression targets and for logits handed to a softmax or sigmoid inside the loss',
    ],
    cons: [
      'Adds no nonlinearity: stacked linear layers collapse into one affine map, W₂(W₁x + b₁) + b₂ = (W₂W₁)x + (W₂b₁ + b₂), so depth buys nothing',
      'Unbounded: nothing keeps activations from growing',
    ],
    usedIn: [
      'Regression output layers',
      'Logit layers before a softmax or sigmoid cross-entropy loss',
      'Keras layers with no activation given (the default)',
    ],
  },
});
