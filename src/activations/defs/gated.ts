import type { Notes, Properties, Reference, VectorSpec } from '../types.js';
import { vector } from '../types.js';

/** The elementwise function applied to the gate half, with its derivative. */
export interface Gate {
  f(b: number): number;
  df(b: number): number;
}

export interface GatedOptions {
  readonly id: string;
  readonly name: string;
  readonly gate: Gate;
  /** How the gate is written in LaTeX, e.g. '\\sigma' or '\\operatorname{Swish}_1'. */
  readonly gateTex: string;
  readonly smoothness: Properties['smoothness'];
  readonly refs: readonly Reference[];
  readonly notes: Notes;
}

/**
 * A gated linear unit family member: the slice is split into halves a (first) and
 * b (second), and y = a ⊗ gate(b), as in PyTorch's GLU. Used for GLU, ReGLU, SwiGLU
 * and GEGLU, which differ only in the gate.
 */
export function gated({
  id,
  name,
  gate,
  gateTex,
  smoothness,
  refs,
  notes,
}: GatedOptions): VectorSpec<Record<string, never>> {
  return vector<Record<string, never>>({
    kind: 'vector',
    id,
    name,
    aliases: [],
    params: {},
    outSize: (n) => n / 2,
    checkSize: (n) =>
      n % 2 === 0
        ? undefined
        : `${id} splits the slice into two halves, so its length must be even (got ${n})`,
    forward: (x, y) => {
      const h = y.length;
      for (let j = 0; j < h; j++) y[j] = x[j]! * gate.f(x[h + j]!);
    },
    // ∂y_j/∂a_j = gate(b_j), ∂y_j/∂b_j = a_j gate'(b_j); other entries of J are 0.
    vjp: (x, y, gy, gx) => {
      const h = y.length;
      for (let j = 0; j < h; j++) {
        const a = x[j]!;
        const b = x[h + j]!;
        gx[j] = gy[j]! * gate.f(b);
        gx[h + j] = gy[j]! * (a * gate.df(b));
      }
    },
    properties: {
      range: [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY],
      rangeText: '(-∞, ∞)',
      smoothness,
    },
    latex: {
      f: `\\operatorname{${name}}(a, b) = a \\otimes ${gateTex}(b)`,
      df: `\\frac{\\partial y}{\\partial a} = ${gateTex}(b),\\quad \\frac{\\partial y}{\\partial b} = a \\otimes ${gateTex}'(b)`,
    },
    refs,
    notes,
  });
}

/** Shazeer (2020): where ReGLU, GEGLU and SwiGLU were defined and compared. */
export const GLU_VARIANTS_REF: Reference = {
  title: 'Shazeer (2020), GLU Variants Improve Transformer',
  url: 'https://arxiv.org/abs/2002.05202',
};
