import { swish, swishDx } from '../math.js';
import { GLU_VARIANTS_REF, gated } from './gated.js';

export default gated({
  id: 'swiglu',
  name: 'SwiGLU',
  // Swish with β = 1 (SiLU), shared with the silu and swish specs.
  gate: { f: (b) => swish(b, 1), df: (b) => swishDx(b, 1) },
  gateTex: '\\operatorname{Swish}_1',
  smoothness: 'Cinf',
  refs: [
    GLU_VARIANTS_REF,
    {
      title: 'Touvron et al. (2023), LLaMA: Open and Efficient Foundation Language Models',
      url: 'https://arxiv.org/abs/2302.13971',
    },
  ],
  notes: {
    summary:
      'A GLU whose gate is Swish (SiLU): a ⊗ b·σ(b). The feed-forward block of most recent large language models.',
    pros: [
      'Better quality per parameter than ReLU or GELU feed-forward layers in Transformer studies',
      'Smooth, with a gradient through both halves',
    ],
    cons: [
      'Three weight matrices in the feed-forward block instead of two (the hidden width is usually cut to 2/3 to compensate)',
      'Costs a sigmoid per element',
    ],
    usedIn: ['LLaMA and LLaMA 2', 'PaLM', 'Baichuan'],
  },
});
