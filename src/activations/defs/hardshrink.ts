import { elementwise, type Kink } from '../types.js';

/**
 * Slope of the shrink functions: 1 outside [-λ, λ], 0 inside and at ±λ themselves
 * (PyTorch tests -λ <= x <= λ for the zero region in both directions).
 */
export function shrinkDx(x: number, lambda: number): number {
  if (Number.isNaN(x)) return x;
  return x >= -lambda && x <= lambda ? 0 : 1;
}

export function shrinkKinks(lambda: number): readonly Kink[] {
  return [
    { at: -lambda, derivative: 0 },
    { at: lambda, derivative: 0 },
  ];
}

export default elementwise<{ lambda: number }>({
  kind: 'elementwise',
  id: 'hardshrink',
  name: 'Hard shrink',
  aliases: [],
  params: {
    lambda: { default: 0.5, min: 0, doc: 'Half-width λ of the interval [-λ, λ] set to 0' },
  },
  // The test is on the zero region, so NaN falls to the `x` branch and stays NaN.
  f: (x, p) => (x >= -p.lambda && x <= p.lambda ? 0 : x),
  df: (x, p) => shrinkDx(x, p.lambda),
  kinks: (p) => shrinkKinks(p.lambda),
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, -0.5) ∪ {0} ∪ (0.5, ∞)',
    // Each jump (at ±λ) goes upwards, so the function never decreases.
    monotonic: true,
    smoothness: 'discontinuous',
    zeroCentred: true,
    saturation: 'none',
    boundedAbove: false,
    boundedBelow: false,
    sparse: true,
    odd: true,
  },
  latex: {
    f: '\\operatorname{hardshrink}(x) = \\begin{cases} x & |x| > \\lambda \\\\ 0 & |x| \\le \\lambda \\end{cases}',
    df: "\\operatorname{hardshrink}'(x) = \\begin{cases} 1 & |x| > \\lambda \\\\ 0 & |x| \\le \\lambda \\end{cases}",
  },
  refs: [
    {
      title: 'Donoho, Johnstone (1994), Ideal spatial adaptation by wavelet shrinkage',
      url: 'https://doi.org/10.1093/biomet/81.3.425',
    },
  ],
  notes: {
    summary:
      'Hard thresholding: small values (|x| ≤ λ) become exactly 0, larger ones pass through unchanged.',
    pros: [
      'Produces exact zeros (sparse codes) while leaving large values unbiased',
      'Cheap: one comparison',
    ],
    cons: [
      'Discontinuous at ±λ, which makes optimisation through it harder',
      'No gradient inside [-λ, λ]',
    ],
    usedIn: ['Wavelet denoising (hard thresholding of coefficients)', 'Sparse-coding models'],
  },
});
