import { vector } from '../types.js';

type P = { pieces: number };

export default vector<P>({
  kind: 'vector',
  id: 'maxout',
  name: 'Maxout',
  aliases: [],
  params: {
    pieces: {
      default: 2,
      min: 1,
      doc: 'Number of consecutive entries (linear pieces) reduced by each max',
    },
  },
  validate: (p) =>
    Number.isInteger(p.pieces) ? undefined : `pieces must be an integer (got ${p.pieces})`,
  outSize: (n, p) => n / p.pieces,
  checkSize: (n, p) =>
    n % p.pieces === 0
      ? undefined
      : `maxout takes the max over groups of ${p.pieces} entries, so the slice length must be a multiple of ${p.pieces} (got ${n})`,
  // y_j = max of group j; a NaN in a group makes that group's output NaN.
  forward: (x, y, p) => {
    const k = p.pieces;
    for (let j = 0; j < y.length; j++) {
      let best = x[j * k]!;
      for (let i = 1; i < k && !Number.isNaN(best); i++) {
        const v = x[j * k + i]!;
        if (v > best || Number.isNaN(v)) best = v;
      }
      y[j] = best;
    }
  },
  // The whole gradient of a group goes to its first maximum (ties: the first wins),
  // NaN to the whole group when its output is NaN.
  vjp: (x, y, gy, gx, p) => {
    const k = p.pieces;
    gx.fill(0);
    for (let j = 0; j < y.length; j++) {
      if (Number.isNaN(y[j]!)) {
        gx.fill(Number.NaN, j * k, (j + 1) * k);
        continue;
      }
      let arg = j * k;
      for (let i = 1; i < k; i++) if (x[j * k + i]! > x[arg]!) arg = j * k + i;
      gx[arg] = gy[j]!;
    }
  },
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, ∞)',
    smoothness: 'C0',
  },
  latex: {
    f: '\\operatorname{maxout}(x)_j = \\max_{0 \\le i < k} x_{jk + i}',
    df: "\\frac{\\partial y_j}{\\partial x_{jk+i}} = [\\,i = \\arg\\max_{i'} x_{jk+i'}\\,]",
  },
  refs: [
    {
      title: 'Goodfellow, Warde-Farley, Mirza, Courville, Bengio (2013), Maxout Networks',
      url: 'https://arxiv.org/abs/1302.4389',
    },
  ],
  notes: {
    summary:
      'The max over groups of k linear pieces: after a layer with k times the units, it learns a convex piecewise-linear activation (ReLU and leaky ReLU are special cases).',
    pros: [
      'Learns the shape of its own activation; no saturation and no dead units',
      'Piecewise linear, so gradients flow as easily as through ReLU',
      'Pairs well with dropout',
    ],
    cons: [
      'k times the parameters and compute of the layer before it',
      'Only the winning piece of each group gets a gradient',
    ],
    usedIn: [
      'The original maxout networks (MNIST, CIFAR-10, SVHN)',
      'Speech-recognition acoustic models',
    ],
  },
});
