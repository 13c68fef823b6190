import { elementwise } from '../types.js';

/** α = 1.6732632423543772848170429916717 (Klambauer et al.), to double precision. */
export const SELU_ALPHA = 1.6732632423543772;
/** λ = 1.0507009873554804934193349852946, to double precision. */
export const SELU_SCALE = 1.0507009873554805;
/**
 * λα as the product of the two doubles, as PyTorch forms it: selu(-1000) is then
 * -1.7580993408473766 as in PyTorch (the double nearest the exact λα is 1 ulp above).
 */
const SCALE_ALPHA = SELU_SCALE * SELU_ALPHA;

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'selu',
  name: 'SELU',
  aliases: [],
  params: {},
  // expm1 keeps selu(-1e-8) accurate (exp(x) - 1 loses half the digits there).
  f: (x) => (x > 0 ? SELU_SCALE * x : SCALE_ALPHA * Math.expm1(x)),
  // λα·eˣ on the closed negative side, so selu'(0) = λα (PyTorch's x <= 0 branch).
  df: (x) => (x > 0 ? SELU_SCALE : SCALE_ALPHA * Math.exp(x)),
  kinks: () => [{ at: 0, derivative: SCALE_ALPHA }],
  properties: {
    range: [-SCALE_ALPHA, Number.POSITIVE_INFINITY],
    rangeText: '(-1.7581, ∞)',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: true,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: false,
    odd: false,
  },
  latex: {
    f: '\\mathrm{SELU}(x) = \\lambda \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & x \\le 0 \\end{cases}, \\quad \\alpha \\approx 1.6733,\\ \\lambda \\approx 1.0507',
    df: "\\mathrm{SELU}'(x) = \\lambda \\begin{cases} 1 & x > 0 \\\\ \\alpha e^{x} & x \\le 0 \\end{cases}",
  },
  refs: [
    {
      title: 'Klambauer, Unterthiner, Mayr, Hochreiter (2017), Self-Normalizing Neural Networks',
      url: 'https://arxiv.org/abs/1706.02515',
    },
    {
      title:
        'Madasu, Rao (2019), Effectiveness of Self Normalizing Neural Networks for Text Classification',
      url: 'https://arxiv.org/abs/1905.01338',
    },
  ],
  notes: {
    summary:
      'ELU scaled by λ ≈ 1.0507 with α ≈ 1.6733, constants chosen so that activations are driven towards mean 0 and variance 1 as they pass through the layers: a self-normalising network.',
    pros: [
      'Self-normalising: mean 0 and variance 1 are an attracting fixed point of the layer map (a Banach fixed-point argument), so deep plain feed-forward networks train without batch normalisation',
      'No dead units: the gradient below 0 is positive',
    ],
    cons: [
      'The guarantee needs lecun_normal initialisation and AlphaDropout instead of Dropout',
      'It keeps activations near mean 0 and variance 1 under its assumptions; it does not make vanishing or exploding gradients impossible',
      'Less tested in convolutional and recurrent networks',
      'Needs an exponential: slower than ReLU',
    ],
    usedIn: [
      'Self-normalising feed-forward networks (SNNs)',
      'Self-normalising convolutional networks for text classification',
    ],
  },
});
