import { elementwise } from '../types.js';

export default elementwise<Record<string, never>>({
  kind: 'elementwise',
  id: 'relu',
  name: 'ReLU',
  aliases: [],
  params: {},
  // Math.max propagates NaN; `x > 0 ? x : 0` would turn NaN into 0.
  f: (x) => Math.max(x, 0),
  // relu'(0) = 0 is the frameworks' convention (PyTorch, TensorFlow, JAX), not 1.
  df: (x) => (x > 0 ? 1 : Number.isNaN(x) ? x : 0),
  // y > 0 exactly where x > 0 (and y is NaN where x is), so backward can keep y instead of x.
  dfFromY: (y) => (y > 0 ? 1 : Number.isNaN(y) ? y : 0),
  kinks: () => [{ at: 0, derivative: 0 }],
  properties: {
    range: [0, Number.POSITIVE_INFINITY],
    rangeText: '[0, ∞)',
    monotonic: true,
    smoothness: 'C0',
    zeroCentred: false,
    saturation: 'one-sided',
    boundedAbove: false,
    boundedBelow: true,
    sparse: true,
    odd: false,
  },
  latex: {
    f: '\\mathrm{ReLU}(x) = \\max(0, x)',
    df: "\\mathrm{ReLU}'(x) = \\begin{cases} 1 & x > 0 \\\\ 0 & x \\le 0 \\end{cases}",
  },
  refs: [
    {
      title: 'Nair, Hinton (2010), Rectified Linear Units Improve Restricted Boltzmann Machines',
      url: 'https://www.cs.toronto.edu/~hinton/absps/reluICML.pdf',
    },
    {
      title: 'Glorot, Bordes, Bengio (2011), Deep Sparse Rectifier Neural Networks',
      url: 'https://proceedings.mlr.press/v15/glorot11a.html',
    },
    {
      title:
        'Krizhevsky, Sutskever, Hinton (2012), ImageNet Classification with Deep Convolutional Neural Networks',
      url: 'https://papers.nips.cc/paper_files/paper/2012/hash/c399862d3b9d6b76c8436e924a68c45b-Abstract.html',
    },
  ],
  notes: {
    summary:
      'The rectifier max(0, x): positive inputs pass unchanged, the rest become 0. The usual first choice for hidden layers.',
    pros: [
      'The gradient is 0 or 1, so a product of gradients through many layers does not shrink geometrically',
      'The cheapest nonlinearity: a single comparison',
      'Sparse: on random input about half of the units output exactly 0',
      'Flat below 0, so small negative noise does not change the output',
    ],
    cons: [
      'Dead units: a unit whose input is negative for every sample gets no gradient and never recovers (a learning rate too large, a bias pushed too negative)',
      'Not zero-centred: outputs are never negative',
      'Not differentiable at 0; the derivative there is a convention (0 in the frameworks)',
      'Unbounded above',
    ],
    usedIn: [
      'AlexNet and most convolutional networks since',
      'The feed-forward blocks of the original Transformer',
      'The default hidden activation of MLPs',
    ],
  },
});
