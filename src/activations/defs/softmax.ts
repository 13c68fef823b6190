import { vector } from '../types.js';
import { shareTiedMax, sliceMax } from './slice.js';

/**
 * Stable softmax of one slice: subtract the max first. A slice whose maximum is
 * infinite follows the tied-maximum rule of slice.ts: an all -∞ slice is the
 * limit of equal logits (uniform, with a finite gradient), one +∞ entry takes
 * all the mass — where a naive exp(∞ - ∞) gives NaN.
 */
export function softmaxRow(x: Float64Array, y: Float64Array): void {
  const max = sliceMax(x);
  if (Number.isNaN(max)) {
    y.fill(Number.NaN);
    return;
  }
  if (!Number.isFinite(max)) {
    shareTiedMax(x, max, y);
    return;
  }
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const e = Math.exp(x[i]! - max);
    y[i] = e;
    sum += e;
  }
  for (let i = 0; i < x.length; i++) y[i] = y[i]! / sum;
}

export default vector<Record<string, never>>({
  kind: 'vector',
  id: 'softmax',
  name: 'Softmax',
  aliases: [],
  params: {},
  outSize: (n) => n,
  forward: (x, y) => softmaxRow(x, y),
  // gx_i = y_i (gy_i - Σ_j gy_j y_j)
  vjp: (_x, y, gy, gx) => {
    let dot = 0;
    for (let j = 0; j < y.length; j++) dot += gy[j]! * y[j]!;
    for (let i = 0; i < y.length; i++) gx[i] = y[i]! * (gy[i]! - dot);
  },
  properties: { range: [0, 1], rangeText: '(0, 1), each slice sums to 1', smoothness: 'Cinf' },
  latex: {
    f: '\\mathrm{softmax}(x)_i = \\frac{e^{x_i}}{\\sum_j e^{x_j}}',
    df: '\\frac{\\partial y_i}{\\partial x_j} = y_i(\\delta_{ij} - y_j)',
  },
  refs: [
    {
      title:
        'Bridle (1990), Probabilistic Interpretation of Feedforward Classification Network Outputs',
      url: 'https://doi.org/10.1007/978-3-642-76153-9_28',
    },
  ],
  notes: {
    summary:
      'Turns a vector of scores into a probability distribution; the output layer of multi-class classifiers.',
    pros: [
      'Outputs are positive and sum to 1',
      'With cross-entropy the gradient is simply softmax(z) − y, for every class',
    ],
    cons: [
      'Needs the max-subtraction trick to avoid overflow',
      'Saturates: one large logit takes all the mass and the others get almost no gradient',
    ],
    usedIn: ['Classifier outputs', 'Attention weights in Transformers'],
  },
});
