import { vector } from '../types.js';
import { scratch, shareTiedMax, sliceMax } from './slice.js';

/**
 * Euclidean projection of x onto the probability simplex (Martins & Astudillo,
 * Algorithm 1): sort, find the support size k and the threshold τ, then
 * y_i = max(x_i - τ, 0). Everything is shifted by the max first, so that the
 * running sums do not swallow the 1 (x = [1e20, 0] gives [1, 0], not [0, 0]).
 */
function sparsemaxRow(x: Float64Array, y: Float64Array): void {
  const n = x.length;
  const m = sliceMax(x);
  if (Number.isNaN(m)) {
    y.fill(Number.NaN);
    return;
  }
  if (!Number.isFinite(m)) {
    shareTiedMax(x, m, y);
    return;
  }
  const z = scratch(n);
  for (let i = 0; i < n; i++) z[i] = x[i]! - m;
  z.sort(); // ascending; read from the end for the descending order
  let cum = 0;
  let support = 0;
  let supportSum = 0;
  for (let k = 1; k <= n; k++) {
    const v = z[n - k]!;
    cum += v;
    if (1 + k * v > cum) {
      support = k;
      supportSum = cum;
    }
  }
  const tau = (supportSum - 1) / support;
  for (let i = 0; i < n; i++) y[i] = Math.max(x[i]! - m - tau, 0);
}

export default vector<Record<string, never>>({
  kind: 'vector',
  id: 'sparsemax',
  name: 'Sparsemax',
  aliases: [],
  params: {},
  outSize: (n) => n,
  forward: (x, y) => sparsemaxRow(x, y),
  // J = diag(s) - s sᵀ/|S| (s_i = 1 on the support S): gx_i = s_i (gy_i - mean of gy over S).
  vjp: (_x, y, gy, gx) => {
    let count = 0;
    let sum = 0;
    for (let i = 0; i < y.length; i++) {
      if (Number.isNaN(y[i]!)) {
        gx.fill(Number.NaN);
        return;
      }
      if (y[i]! > 0) {
        count++;
        sum += gy[i]!;
      }
    }
    const mean = count === 0 ? 0 : sum / count;
    for (let i = 0; i < y.length; i++) gx[i] = y[i]! > 0 ? gy[i]! - mean : 0;
  },
  properties: {
    range: [0, 1],
    rangeText: '[0, 1], each slice sums to 1',
    smoothness: 'C0',
  },
  latex: {
    f: '\\operatorname{sparsemax}(x) = \\arg\\min_{p \\in \\Delta^{n-1}} \\lVert p - x \\rVert^2 = \\left[x_i - \\tau(x)\\right]_+',
    df: '\\frac{\\partial y_i}{\\partial x_j} = s_i\\left(\\delta_{ij} - \\frac{s_j}{|S(x)|}\\right),\\quad s_i = [y_i > 0]',
  },
  refs: [
    {
      title:
        'Martins, Astudillo (2016), From Softmax to Sparsemax: A Sparse Model of Attention and Multi-Label Classification',
      url: 'https://arxiv.org/abs/1602.02068',
    },
    {
      title: 'Arik, Pfister (2019), TabNet: Attentive Interpretable Tabular Learning',
      url: 'https://arxiv.org/abs/1908.07442',
    },
  ],
  notes: {
    summary:
      'Like softmax, maps scores to a probability distribution, but by projecting onto the simplex, so low scores get exactly zero probability.',
    pros: [
      'Sparse outputs: attention or class weights that ignore irrelevant entries entirely',
      'Cheap: a sort and a threshold, no exponentials',
      'Simple Jacobian: a centred identity on the support',
    ],
    cons: [
      'Entries outside the support get no gradient at all',
      'Only piecewise linear: not differentiable where an entry joins or leaves the support',
      'Needs a sort (n log n) per slice',
    ],
    usedIn: ['Sparse attention', 'Feature-selection masks in TabNet', 'Multi-label classification'],
  },
});
