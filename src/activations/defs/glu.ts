import { gated } from './gated.js';
import sigmoid from './sigmoid.js';

export default gated({
  id: 'glu',
  name: 'GLU',
  gate: { f: (b) => sigmoid.f(b, {}), df: (b) => sigmoid.df(b, {}) },
  gateTex: '\\sigma',
  smoothness: 'Cinf',
  refs: [
    {
      title:
        'Dauphin, Fan, Auli, Grangier (2017), Language Modeling with Gated Convolutional Networks',
      url: 'https://arxiv.org/abs/1612.08083',
    },
  ],
  notes: {
    summary:
      'Gated linear unit: half of the input, multiplied entry by entry by the sigmoid of the other half, so the network learns which values to let through.',
    pros: [
      'The linear path a carries gradient without saturating, while σ(b) gates it',
      'Eased training of deep convolutional language models',
    ],
    cons: [
      'Halves the width: the layer before it needs twice the outputs (more parameters)',
      'The gate saturates for large |b|, like any sigmoid',
    ],
    usedIn: [
      'Gated convolutional language models',
      'Convolutional sequence-to-sequence models (ConvS2S)',
    ],
  },
});
