/**
 * Loss functions by Keras name. Targets are either integer class labels
 * (sparse cross-entropy) or a tensor shaped like the predictions.
 */
import { closest, UsageError } from '../activations/errors.js';
import {
  binaryCrossentropy,
  categoricalCrossentropy,
  huber,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from '../tensor/index.js';
import type { Tensor } from '../tensor/tensor.js';

export type Target = Int32Array | Tensor;

export interface Loss {
  readonly name: string;
  /** Sparse losses take Int32Array labels; dense ones a tensor like the prediction. */
  readonly targets: 'labels' | 'dense';
  readonly fromLogits: boolean;
  /** Mean loss over the batch, as a scalar tensor on the tape. */
  compute(pred: Tensor, target: Target): Tensor;
}

function dense(target: Target, name: string): Tensor {
  if (target instanceof Int32Array)
    throw new UsageError(`${name} needs targets shaped like the predictions, not class labels`);
  return target;
}

function labels(target: Target): Int32Array {
  if (target instanceof Int32Array) return target;
  return Int32Array.from(target.data, (v) => Math.round(v));
}

const FACTORIES: Readonly<Record<string, (fromLogits: boolean) => Loss>> = {
  sparse_categorical_crossentropy: (fromLogits) => ({
    name: 'sparse_categorical_crossentropy',
    targets: 'labels',
    fromLogits,
    compute: (p, t) => sparseCategoricalCrossentropy(p, labels(t), { fromLogits }),
  }),
  categorical_crossentropy: (fromLogits) => ({
    name: 'categorical_crossentropy',
    targets: 'dense',
    fromLogits,
    compute: (p, t) =>
      categoricalCrossentropy(p, dense(t, 'categorical_crossentropy'), { fromLogits }),
  }),
  binary_crossentropy: (fromLogits) => ({
    name: 'binary_crossentropy',
    targets: 'dense',
    fromLogits,
    compute: (p, t) => binaryCrossentropy(p, dense(t, 'binary_crossentropy'), { fromLogits }),
  }),
  mean_squared_error: () => ({
    name: 'mean_squared_error',
    targets: 'dense',
    fromLogits: false,
    compute: (p, t) => meanSquaredError(p, dense(t, 'mean_squared_error')),
  }),
  huber: () => ({
    name: 'huber',
    targets: 'dense',
    fromLogits: false,
    compute: (p, t) => huber(p, dense(t, 'huber')),
  }),
};

const ALIASES: Readonly<Record<string, string>> = {
  mse: 'mean_squared_error',
  sparse_cce: 'sparse_categorical_crossentropy',
  cce: 'categorical_crossentropy',
  bce: 'binary_crossentropy',
  huber_loss: 'huber',
};

export const LOSS_NAMES: readonly string[] = Object.keys(FACTORIES);

export function getLoss(spec: string | Loss, opts: { fromLogits?: boolean } = {}): Loss {
  if (typeof spec !== 'string') return spec;
  const key = Object.hasOwn(ALIASES, spec) ? ALIASES[spec]! : spec;
  const make = Object.hasOwn(FACTORIES, key) ? FACTORIES[key] : undefined;
  if (make === undefined) {
    const near = closest(spec, [...LOSS_NAMES, ...Object.keys(ALIASES)]);
    const hint =
      near.length > 0 ? ` — did you mean ${near.map((n) => `'${n}'`).join(' or ')}?` : '';
    throw new UsageError(`unknown loss '${spec}'${hint} (valid: ${LOSS_NAMES.join(', ')})`);
  }
  return make(opts.fromLogits ?? false);
}
