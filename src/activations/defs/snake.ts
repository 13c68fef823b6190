import { elementwise } from '../types.js';

type P = { alpha: number };

/**
 * A periodic term that cannot be evaluated because αx is not finite: at x = ±∞ it
 * has no limit (NaN); for a finite x whose αx overflows (α > 1), its phase is lost,
 * and `finite` is used instead (the slope's mean, or 0 for the α gradient) so that
 * finite input never gives NaN.
 */
function unresolved(x: number, finite: number): number {
  return Number.isFinite(x) ? finite : Number.NaN;
}

export default elementwise<P>({
  kind: 'elementwise',
  id: 'snake',
  name: 'Snake',
  aliases: [],
  params: {
    alpha: {
      default: 1,
      min: 0,
      minExclusive: true,
      learnable: true,
      doc: 'Frequency α of the periodic term sin²(αx)/α (learnable, often one per channel)',
    },
  },
  // Where αx is not finite the bounded term sin²(αx)/α is negligible next to x: f = x
  // (and NaN stays NaN).
  f: (x, p) => {
    const u = p.alpha * x;
    if (!Number.isFinite(u)) return x;
    const s = Math.sin(u);
    const ripple = (s * s) / p.alpha;
    return ripple === 0 ? x : x + ripple; // -0 + 0 would lose the sign of f(-0) = -0
  },
  // 1 + sin(2αx) oscillates between 0 and 2 forever: at ±∞ it has no limit.
  // Written as (sin u + cos u)² (u = αx): 2u cannot overflow near 1e308, and next to
  // the zeros of f' the cancellation is in sin u + cos u, not in 1 + sin 2u, which
  // keeps about twice as many digits there.
  df: (x, p) => {
    const u = p.alpha * x;
    if (!Number.isFinite(u)) return unresolved(x, 1);
    const t = Math.sin(u) + Math.cos(u);
    return t * t;
  },
  dParams: {
    // ∂/∂α [sin²(αx)/α] = x·sin(2αx)/α - sin²(αx)/α²; no limit at ±∞ either.
    alpha: (x, p) => {
      const u = p.alpha * x;
      if (!Number.isFinite(u)) return unresolved(x, 0);
      const s = Math.sin(u);
      return (2 * s * Math.cos(u) * x) / p.alpha - (s * s) / (p.alpha * p.alpha);
    },
  },
  kinks: () => [],
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, ∞)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: true,
    // f' = 1 + sin(2αx) touches 0 periodically but tends to nothing.
    saturation: 'none',
    boundedAbove: false,
    boundedBelow: false,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\operatorname{snake}_\\alpha(x) = x + \\frac{1}{\\alpha}\\sin^2(\\alpha x)',
    df: "\\operatorname{snake}_\\alpha'(x) = 1 + \\sin(2\\alpha x)",
  },
  refs: [
    {
      title:
        'Ziyin, Hartwig, Ueda (2020), Neural Networks Fail to Learn Periodic Functions and How to Fix It',
      url: 'https://arxiv.org/abs/2006.08195',
    },
    {
      title: 'Lee et al. (2022), BigVGAN: A Universal Neural Vocoder with Large-Scale Training',
      url: 'https://arxiv.org/abs/2206.04658',
    },
  ],
  notes: {
    summary:
      'The identity plus a periodic ripple sin²(αx)/α: a monotonic activation with a built-in bias towards periodic functions, so networks can extrapolate oscillations.',
    pros: [
      'Lets a network represent and extrapolate periodic signals, which ReLU and tanh networks cannot',
      'Monotonic and unbounded, so it trains like ReLU-family activations',
      'The frequency α can be learnt per channel',
    ],
    cons: [
      'A sine and a division per element',
      'The gradient touches 0 periodically (at αx = -π/4 + kπ)',
      'Mainly useful where the data are periodic (audio, time series)',
    ],
    usedIn: ['BigVGAN vocoder', 'Descript Audio Codec (DAC)'],
  },
});
