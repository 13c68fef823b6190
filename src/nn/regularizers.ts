/**
 * Weight penalties added to the loss: l1 · Σ|w| + l2 · Σw² (Keras's form:
 * no factor 1/2 on the L2 term, default strength 0.01).
 */
import { UsageError } from '../activations/errors.js';
import { allocate, record, sendGrad, Tensor } from '../tensor/tensor.js';
import type { JsonObject } from './json.js';

export interface Regularizer {
  readonly name: 'l1' | 'l2' | 'l1_l2';
  readonly l1: number;
  readonly l2: number;
  /** The scalar penalty of w, recorded on the tape so its gradient reaches w. */
  penalty(w: Tensor): Tensor;
}

/** Σ l1|w| + l2 w², with gradient l1·sign(w) + 2·l2·w (sign(0) = 0, as in the frameworks). */
function penalty(w: Tensor, l1: number, l2: number): Tensor {
  let s = 0;
  const d = w.data;
  for (let i = 0; i < d.length; i++) s += l1 * Math.abs(d[i]!) + l2 * d[i]! * d[i]!;
  const out = new Tensor(allocate(w.dtype, 1).fill(s), []);
  return record(out, 'weight_penalty', [w], (g) => {
    const g0 = g[0]!;
    const gw = allocate(w.dtype, d.length);
    for (let i = 0; i < d.length; i++) gw[i] = g0 * (l1 * Math.sign(d[i]!) + 2 * l2 * d[i]!);
    sendGrad(w, gw);
  });
}

function make(name: Regularizer['name'], l1: number, l2: number): Regularizer {
  for (const [k, v] of [
    ['l1', l1],
    ['l2', l2],
  ] as const) {
    if (!(Number.isFinite(v) && v >= 0)) {
      throw new UsageError(`regularizer ${name}: ${k} must be a finite number >= 0 (got ${v})`);
    }
  }
  return { name, l1, l2, penalty: (w) => penalty(w, l1, l2) };
}

export const l1 = (strength = 0.01): Regularizer => make('l1', strength, 0);
export const l2 = (strength = 0.01): Regularizer => make('l2', 0, strength);
export const l1l2 = (opts: { l1?: number; l2?: number } = {}): Regularizer =>
  make('l1_l2', opts.l1 ?? 0.01, opts.l2 ?? 0.01);

export const REGULARIZER_NAMES = ['l1', 'l2', 'l1_l2'] as const;

export type RegularizerLike = Regularizer | string | { name: string; l1?: number; l2?: number };

export function getRegularizer(spec: RegularizerLike): Regularizer {
  if (typeof spec === 'object' && 'penalty' in spec) return spec;
  const {
    name,
    l1: a,
    l2: b,
  } = typeof spec === 'string' ? { name: spec, l1: undefined, l2: undefined } : spec;
  switch (name) {
    case 'l1':
      return l1(a);
    case 'l2':
      return l2(b);
    case 'l1_l2':
      return l1l2({ ...(a === undefined ? {} : { l1: a }), ...(b === undefined ? {} : { l2: b }) });
    default:
      throw new UsageError(
        `unknown regularizer '${name}' (valid: ${REGULARIZER_NAMES.join(', ')})`,
      );
  }
}

export function regularizerToJson(r: Regularizer): JsonObject {
  if (r.name === 'l1') return { name: 'l1', l1: r.l1 };
  if (r.name === 'l2') return { name: 'l2', l2: r.l2 };
  return { name: 'l1_l2', l1: r.l1, l2: r.l2 };
}
