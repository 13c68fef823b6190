import { elementwise } from '../types.js';

type P = { alpha: number };

export default elementwise<P>({
  kind: 'elementwise',
  id: 'elu',
  name: 'ELU',
  aliases: [],
  params: {
    alpha: {
      default: 1,
      min: 0,
      learnable: true,
      doc: 'Scale of the negative side: ELU tends to −alpha as x → −∞, with slope alpha at 0⁻',
    },
  },
  // expm1, not exp(x) - 1: elu(-1e-8) is -9.99999995e-9, of which exp(x) - 1 keeps only
  // about eight digits.
  f: (x, p) => (x > 0 ? x : p.alpha * Math.expm1(x)),
  // alpha·eˣ on the whole closed negative side (PyTorch's x <= 0 branch), so elu'(0) = alpha.
  // No dfFromY: y + alpha would do for alpha > 0, but at alpha = 0 y is 0 on both sides.
  df: (x, p) => (x > 0 ? 1 : p.alpha * Math.exp(x)),
  dParams: {
    alpha: (x) => (x > 0 ? 0 : Math.expm1(x)),
  },
  // At alpha = 1 the two sides meet with slope 1 and 0 is not a kink; it is still listed
  // (with that slope) so that the derivative used there is stated for every alpha.
  kinks: (p) => [{ at: 0, derivative: p.alpha }],
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
    f: '\\mathrm{ELU}(x) = \\begin{cases} x & x > 0 \\\\ \\alpha (e^{x} - 1) & x \\le 0 \\end{cases}',
    df: "\\mathrm{ELU}'(x) = \\begin{cases} 1 & x > 0 \\\\ \\alpha e^{x} = \\mathrm{ELU}(x) + \\alpha & x \\le 0 \\end{cases}",
  },
  refs: [
    {
      title:
        'Clevert, Unterthiner, Hochreiter (2015), Fast and Accurate Deep Network Learning by Exponential Linear Units (ELUs)',
      url: 'https://arxiv.org/abs/1511.07289',
    },
  ],
  notes: {
    summary:
      'The identity above 0 and alpha·(eˣ − 1) below: a ReLU whose negative side curves smoothly down to −alpha, so that mean activations sit nearer zero.',
    pros: [
      'Negative outputs pull the mean activation towards zero, an effect like batch normalisation at lower cost',
      'Saturates softly to −alpha for very negative inputs, which makes it robust to noise there',
      'No dead units: the gradient below 0 is alpha·eˣ, positive for alpha > 0',
      'Continuously differentiable at alpha = 1',
    ],
    cons: [
      'Needs an exponential: slower than ReLU',
      'The gradient still fades for very negative inputs',
      'The derivative below 0 is alpha·eˣ (equal to ELU(x) + alpha), not −alpha·eˣ as some texts write',
    ],
    usedIn: [
      'Deep convolutional classifiers as a drop-in for ReLU (CIFAR-100 and ImageNet in the ELU paper)',
      'Self-normalising networks, through its scaled form SELU',
    ],
  },
});
