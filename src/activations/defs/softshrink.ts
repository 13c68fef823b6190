import { elementwise } from '../types.js';
import { shrinkDx, shrinkKinks } from './hardshrink.js';

export default elementwise<{ lambda: number }>({
  kind: 'elementwise',
  id: 'softshrink',
  name: 'Soft shrink',
  aliases: [],
  params: {
    lambda: {
      default: 0.5,
      min: 0,
      doc: 'Amount λ subtracted from |x|; the interval [-λ, λ] maps to 0',
    },
  },
  // x - λ is exact next to λ (Sterbenz), so small outputs keep their digits.
  f: (x, p) => {
    if (x > p.lambda) return x - p.lambda;
    if (x < -p.lambda) return x + p.lambda;
    return Number.isNaN(x) ? x : 0;
  },
  df: (x, p) => shrinkDx(x, p.lambda),
  kinks: (p) => shrinkKinks(p.lambda),
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, ∞)',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: true,
    saturation: 'none',
    boundedAbove: false,
    boundedBelow: false,
    sparse: true,
    odd: true,
  },
  latex: {
    f: '\\operatorname{softshrink}(x) = \\begin{cases} x - \\lambda & x > \\lambda \\\\ x + \\lambda & x < -\\lambda \\\\ 0 & \\text{otherwise} \\end{cases}',
    df: "\\operatorname{softshrink}'(x) = \\begin{cases} 1 & |x| > \\lambda \\\\ 0 & |x| \\le \\lambda \\end{cases}",
  },
  refs: [
    {
      title: 'Donoho (1995), De-noising by soft-thresholding',
      url: 'https://doi.org/10.1109/18.382009',
    },
    {
      title: 'Gregor, LeCun (2010), Learning Fast Approximations of Sparse Coding',
      url: 'https://nyuscholars.nyu.edu/en/publications/learning-fast-approximations-of-sparse-coding',
    },
  ],
  notes: {
    summary:
      'Soft thresholding: moves every value λ towards zero and sets the interval [-λ, λ] to exactly 0; the proximal operator of the L1 penalty.',
    pros: [
      'Continuous, unlike hard shrink, yet still gives exact zeros (sparse outputs)',
      'The exact solution of one L1-regularised step, which gives it a clear meaning in sparse coding',
    ],
    cons: [
      'Shrinks large values too (a bias of λ)',
      'No gradient inside [-λ, λ]; not differentiable at ±λ',
    ],
    usedIn: ['Learned iterative shrinkage (LISTA) networks for sparse coding', 'Wavelet denoising'],
  },
});
