import { GLU_VARIANTS_REF, gated } from './gated.js';

export default gated({
  id: 'reglu',
  name: 'ReGLU',
  gate: {
    f: (b) => Math.max(b, 0), // NaN stays NaN
    // relu'(0) = 0, as in PyTorch.
    df: (b) => (Number.isNaN(b) ? b : b > 0 ? 1 : 0),
  },
  gateTex: '\\operatorname{ReLU}',
  smoothness: 'C0',
  refs: [GLU_VARIANTS_REF],
  notes: {
    summary:
      'A GLU whose gate is a ReLU: a ⊗ max(0, b), the cheapest of the gated Transformer feed-forward variants.',
    pros: [
      'Cheap (no exponential) and sparse: gates with b ≤ 0 are exactly closed',
      'Reported as more stable than GEGLU when training a large embedding model',
    ],
    cons: [
      'Halves the width, so the projection before it doubles',
      'Closed gates pass no gradient to b (dead gates, as with ReLU)',
    ],
    usedIn: [
      'Transformer feed-forward layers (GLU-variant studies)',
      'A large text-embedding model that preferred it to GEGLU for stability',
    ],
  },
});
