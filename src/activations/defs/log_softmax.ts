import { vector } from '../types.js';
import { shareTiedMax, sliceMax } from './slice.js';

/**
 * y = x - logsumexp(x), shifted by the max m. The max entry itself contributes
 * exactly 1 to Σ e^{x_j - m}, so the sum is 1 + r and log1p(r) keeps the digits
 * of a dominant entry's log-probability (-e^{-1000} is -0, not a rounding of log 1).
 * An infinite max follows softmax's rule (tied entries share the mass): all -∞
 * gives -log n everywhere, finite with a finite gradient.
 */
function logSoftmaxRow(x: Float64Array, y: Float64Array): void {
  const n = x.length;
  const m = sliceMax(x);
  if (Number.isNaN(m)) {
    y.fill(Number.NaN);
    return;
  }
  if (!Number.isFinite(m)) {
    const k = shareTiedMax(x, m, y);
    const logShare = -Math.log(k);
    for (let i = 0; i < n; i++) y[i] = y[i]! > 0 ? logShare : Number.NEGATIVE_INFINITY;
    return;
  }
  const top = x.indexOf(m);
  let r = 0;
  for (let i = 0; i < n; i++) if (i !== top) r += Math.exp(x[i]! - m);
  const lse = Math.log1p(r);
  for (let i = 0; i < n; i++) y[i] = x[i]! - m - lse;
}

export default vector<Record<string, never>>({
  kind: 'vector',
  id: 'log_softmax',
  name: 'Log-softmax',
  aliases: ['logsoftmax'],
  params: {},
  outSize: (n) => n,
  forward: (x, y) => logSoftmaxRow(x, y),
  // gx_i = gy_i - softmax(x)_i Σ_j gy_j, with softmax(x) = e^y from the saved output.
  vjp: (_x, y, gy, gx) => {
    let total = 0;
    for (let j = 0; j < y.length; j++) total += gy[j]!;
    for (let i = 0; i < y.length; i++) gx[i] = gy[i]! - Math.exp(y[i]!) * total;
  },
  properties: {
    range: [Number.NEGATIVE_INFINITY, 0],
    rangeText: '(-∞, 0], the exponentials of each slice sum to 1',
    smoothness: 'Cinf',
  },
  latex: {
    f: '\\operatorname{log\\_softmax}(x)_i = x_i - \\log\\sum_j e^{x_j}',
    df: '\\frac{\\partial y_i}{\\partial x_j} = \\delta_{ij} - \\operatorname{softmax}(x)_j',
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
      'The logarithm of softmax, computed directly as x minus log-sum-exp: the log-probabilities of a classifier.',
    pros: [
      'Stable where log(softmax(x)) is not: a tiny probability keeps its log instead of becoming -∞',
      'With negative log-likelihood it is exactly cross-entropy on logits, whose gradient is softmax(x) - y',
    ],
    cons: [
      'Outputs are log-probabilities, not probabilities: exponentiate to read them',
      'Like softmax, one large logit takes almost all the gradient',
    ],
    usedIn: [
      'Classifier losses (log-softmax followed by negative log-likelihood)',
      'Token log-probabilities in language models',
    ],
  },
});
