import { elementwise } from '../types.js';

/** Depth of the continued fraction below; enough for full float64 accuracy for |x| < 1. */
const CF_DEPTH = 12;

/**
 * x - tanh x without cancellation. Lambert's continued fraction gives
 * tanh x = x/(1 + q) with q = x²/(3 + x²/(5 + x²/(7 + ...))), so
 * x - tanh x = x·q/(1 + q): every term is positive, nothing cancels. Used for
 * |x| < 1, where x - tanh x would lose up to all of its digits (it is about x³/3).
 */
function tanhshrinkSmall(x: number): number {
  const x2 = x * x;
  let d = 2 * CF_DEPTH + 1;
  for (let k = CF_DEPTH - 1; k >= 1; k--) d = 2 * k + 1 + x2 / d;
  const q = x2 / d;
  return (x * q) / (1 + q);
}

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'tanhshrink',
  name: 'Tanh shrink',
  aliases: [],
  params: {},
  f: (x) => (Math.abs(x) < 1 ? tanhshrinkSmall(x) : x - Math.tanh(x)),
  // 1 - (1 - tanh²x) = tanh²x: exact, with no cancellation anywhere.
  df: (x) => {
    const t = Math.tanh(x);
    return t * t;
  },
  kinks: () => [],
  properties: {
    range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
    rangeText: '(-∞, ∞)',
    monotonic: true,
    smoothness: 'Cinf',
    zeroCentred: true,
    saturation: 'none',
    boundedAbove: false,
    boundedBelow: false,
    sparse: false,
    odd: true,
  },
  latex: {
    f: '\\operatorname{tanhshrink}(x) = x - \\tanh x',
    df: "\\operatorname{tanhshrink}'(x) = \\tanh^2 x",
  },
  refs: [
    {
      title: 'PyTorch documentation, torch.nn.Tanhshrink',
      url: 'https://pytorch.org/docs/stable/generated/torch.nn.Tanhshrink.html',
    },
  ],
  notes: {
    summary:
      'The input minus its tanh: nearly flat (about x³/3) around zero and close to x ∓ 1 far from it, a smooth cousin of soft shrink.',
    pros: [
      'Smooth and monotonic, with the shrinking effect of soft shrink near 0',
      'Its derivative tanh² x is cheap once tanh x is known',
    ],
    cons: [
      'No exact zeros (no sparsity)',
      'Tiny gradient near 0 (tanh² x ≈ x²), so small inputs learn slowly',
      'Rarely used in published architectures',
    ],
    usedIn: ['PyTorch and the Lua Torch `nn` library, mainly for sparse-coding experiments'],
  },
});
