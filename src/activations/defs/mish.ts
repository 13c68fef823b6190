import { elementwise } from '../types.js';

/**
 * tanh(softplus(x)) = n/(n + 2) with n = eˣ(eˣ + 2): no log, no tanh, no cancellation.
 * For x > 0 the same ratio is written in t = e^{-x}, so eˣ never overflows.
 */
function tanhSoftplus(x: number): number {
  if (x > 0) {
    const t = Math.exp(-x);
    return (1 + 2 * t) / (1 + 2 * t * (1 + t));
  }
  const e = Math.exp(x);
  const n = e * (e + 2);
  return n / (n + 2);
}

/**
 * sech²(softplus(x))·σ(x) = 4e(1 + e)/(n + 2)² (e = eˣ), or 4t²(1 + t)/(1 + 2t + 2t²)²
 * in t = e^{-x}: the factor that multiplies x in the derivative.
 */
function sech2SoftplusSigmoid(x: number): number {
  if (x > 0) {
    const t = Math.exp(-x);
    const d = 1 + 2 * t * (1 + t);
    return (4 * t * t * (1 + t)) / (d * d);
  }
  const e = Math.exp(x);
  const d = e * (e + 2) + 2;
  return (4 * e * (1 + e)) / (d * d);
}

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'mish',
  name: 'Mish',
  aliases: [],
  params: {},
  f: (x) => {
    const t = tanhSoftplus(x);
    // Below about -745 the tanh factor underflows to 0: the exact value is a negative
    // number too small for float64, and -∞·0 must not become NaN.
    return t === 0 ? -0 : x * t;
  },
  df: (x) => {
    const k = sech2SoftplusSigmoid(x);
    // k underflows to 0 for |x| beyond a few hundred; x·k would be ∞·0 at ±∞.
    return tanhSoftplus(x) + (k === 0 ? 0 : x * k);
  },
  kinks: () => [],
  properties: {
    range: [-0.30884341301725043, Number.POSITIVE_INFINITY],
    rangeText: '[-0.3088, ∞)',
    monotonic: false,
    smoothness: 'Cinf',
    zeroCentred: true,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\mathrm{Mish}(x) = x \\tanh(\\operatorname{softplus}(x)) = x \\tanh\\left(\\ln(1 + e^x)\\right)',
    df: "\\mathrm{Mish}'(x) = \\tanh(\\operatorname{softplus}(x)) + x\\,\\operatorname{sech}^2(\\operatorname{softplus}(x))\\,\\sigma(x)",
  },
  refs: [
    {
      title: 'Misra (2019), Mish: A Self Regularized Non-Monotonic Activation Function',
      url: 'https://arxiv.org/abs/1908.08681',
    },
    {
      title:
        'Bochkovskiy, Wang, Liao (2020), YOLOv4: Optimal Speed and Accuracy of Object Detection',
      url: 'https://arxiv.org/abs/2004.10934',
    },
  ],
  notes: {
    summary:
      'The input times the tanh of its softplus: a smooth, self-gating curve close to Swish that dips to about -0.31 before rising without bound.',
    pros: [
      'Smooth everywhere, so the loss surface has no corners',
      'Lets small negative values through with a non-zero gradient (no dead units)',
      'Bounded below, unbounded above, like the ReLU family',
    ],
    cons: [
      'Costly: an exp, a log and a tanh per element (or an equivalent rational form)',
      'Not monotonic (minimum about -0.3088 near x = -1.19)',
      'Gains over ReLU or Swish vary from task to task',
    ],
    usedIn: ['YOLOv4 (CSPDarknet53 backbone)'],
  },
});
