import { elementwise } from '../types.js';

type P = { alpha: number };

export default elementwise<P>({
  kind: 'elementwise',
  id: 'celu',
  name: 'CELU',
  aliases: [],
  params: {
    alpha: {
      default: 1,
      min: 0,
      minExclusive: true,
      doc: 'Scale: CELU tends to −alpha as x → −∞; the slope at 0 is 1 for every alpha',
    },
  },
  // x/alpha, not x·(1/alpha): one rounding instead of two. expm1 keeps celu(-1e-8) exact.
  f: (x, p) => (x > 0 ? x : p.alpha * Math.expm1(x / p.alpha)),
  df: (x, p) => (x > 0 ? 1 : Math.exp(x / p.alpha)),
  kinks: () => [],
  properties: {
    range: [-1, Number.POSITIVE_INFINITY],
    rangeText: '(-1, ∞)',
    monotonic: true,
    smoothness: 'C1',
    zeroCentred: true,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\mathrm{CELU}(x) = \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x/\\alpha} - 1) & x \\le 0 \\end{cases}',
    df: "\\mathrm{CELU}'(x) = \\begin{cases} 1 & x > 0 \\\\ e^{x/\\alpha} & x \\le 0 \\end{cases}",
  },
  refs: [
    {
      title: 'Barron (2017), Continuously Differentiable Exponential Linear Units',
      url: 'https://arxiv.org/abs/1704.07483',
    },
  ],
  notes: {
    summary:
      'ELU reparametrised as alpha·(e^{x/alpha} − 1) below 0, so that the derivative is continuous at 0 for every alpha, not only for alpha = 1.',
    pros: [
      'Continuously differentiable for every alpha: the slope at 0 is 1 from both sides',
      'Scales simply: CELU(x; alpha) = alpha·CELU(x/alpha; 1)',
      'Like ELU, near-zero mean outputs and a soft floor at −alpha',
    ],
    cons: ['Needs an exponential: slower than ReLU', 'Less widely used and tested than ELU'],
    usedIn: ['ANI neural-network potentials for molecular energies (TorchANI, alpha = 0.1)'],
  },
});
