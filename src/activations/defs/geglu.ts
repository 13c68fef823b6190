import { GLU_VARIANTS_REF, gated } from './gated.js';
import gelu from './gelu.js';

/** The exact GELU, x·Φ(x), whatever the gelu spec's defaults become. */
const EXACT = { approximate: 'none', mu: 0, sigma: 1 } as const;

export default gated({
  id: 'geglu',
  name: 'GEGLU',
  gate: { f: (b) => gelu.f(b, EXACT), df: (b) => gelu.df(b, EXACT) },
  gateTex: '\\operatorname{GELU}',
  smoothness: 'Cinf',
  refs: [
    GLU_VARIANTS_REF,
    {
      title: 'Zeng et al. (2022), GLM-130B: An Open Bilingual Pre-trained Model',
      url: 'https://arxiv.org/abs/2210.02414',
    },
  ],
  notes: {
    summary: 'A GLU whose gate is the exact GELU: a ⊗ b·Φ(b).',
    pros: [
      'Among the best-scoring GLU variants in Transformer feed-forward studies',
      'Smooth, with a small gradient even for negative gate inputs',
    ],
    cons: [
      'The costliest gate (erf) of the family',
      'Halves the width, so the projection before it doubles',
    ],
    usedIn: ['GLM-130B', 'Transformer feed-forward layers (GLU-variant studies)'],
  },
});
