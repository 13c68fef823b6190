import { log1pExp, sigmoid } from '../math.js';
import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'log_sigmoid',
  name: 'Log-sigmoid',
  aliases: ['logsigmoid'],
  params: {},
  // log σ(x) = -log(1 + e^{-x}); log(sigmoid(x)) would give -∞ below -745 and lose all
  // digits above 37, where σ(x) rounds to 1.
  f: (x) => -log1pExp(-x),
  df: (x) => sigmoid(-x),
  // σ(-x) = 1 - σ(x) = 1 - e^y: expm1 keeps the tail where y is close to 0.
  dfFromY: (y) => -Math.expm1(y),
  kinks: () => [],
  properties: {
    range: [Number.NEGATIVE_INFINITY, 0],
    rangeText: '(-∞, 0)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: false,
    // One side only, but the right one: f' -> 0 as x -> +∞ (and -> 1 as x -> -∞).
    saturation: 'one-sided',
    boundedAbove: true,
    boundedBelow: false,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\log\\sigma(x) = -\\ln\\left(1 + e^{-x}\\right)',
    df: "(\\log\\sigma)'(x) = \\sigma(-x) = 1 - \\sigma(x)",
  },
  refs: [
    {
      title:
        'Mikolov, Sutskever, Chen, Corrado, Dean (2013), Distributed Representations of Words and Phrases and their Compositionality',
      url: 'https://arxiv.org/abs/1310.4546',
    },
  ],
  notes: {
    summary:
      'The logarithm of the sigmoid, computed without forming the sigmoid: the log-probability of a binary event given its logit.',
    pros: [
      'Stable where log(sigmoid(x)) is not (it would give -∞ for x below about -745)',
      'Its derivative σ(-x) never vanishes for negative x',
    ],
    cons: ['Unbounded below and never positive: a loss term rather than a hidden activation'],
    usedIn: [
      'Binary cross-entropy computed from logits',
      'Negative-sampling objectives (word2vec)',
      'Pairwise preference losses',
    ],
  },
});
