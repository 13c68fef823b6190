/**
 * Ready-made recurrent models for the sequence tasks: one recurrent layer
 * (SimpleRNN, LSTM or GRU) and a Dense head, applied to the last state or,
 * for a target at every step, to each state.
 */
import { UsageError } from '../activations/errors.js';
import type { ParamValue } from '../activations/types.js';
import type { DType } from '../tensor/tensor.js';
import type { InitializerLike } from './initializers.js';
import { Dense, Input } from './layers/core.js';
import { GRU, LSTM, type Recurrent, type RecurrentOptions, SimpleRNN } from './layers/recurrent.js';
import { Sequential } from './model.js';

export const RECURRENT_MODEL_NAMES = ['rnn', 'lstm', 'gru'] as const;
export type RecurrentModelName = (typeof RECURRENT_MODEL_NAMES)[number];

export function isRecurrentModelName(name: string): name is RecurrentModelName {
  return (RECURRENT_MODEL_NAMES as readonly string[]).includes(name);
}

export interface RecurrentModelOptions {
  kind: RecurrentModelName;
  /** [time, features]. */
  inputShape: readonly number[];
  units: number;
  /** Units of the Dense head (1 for a regression target, classes otherwise). */
  outputs: number;
  /** The head's activation (default linear, for regression). */
  outputActivation?: string;
  /** Apply the head at every step ([batch, time, outputs]) instead of the last one. */
  returnSequences?: boolean;
  /** The recurrent layer's activation (default tanh, as Keras). */
  activation?: string;
  activationParams?: Readonly<Record<string, ParamValue>>;
  truncate?: number;
  /** Kernel initializer (default glorot_uniform). */
  init?: InitializerLike;
  /** Recurrent kernel initializer (default orthogonal). */
  recurrentInit?: InitializerLike;
  seed?: number;
  dtype?: DType;
  name?: string;
}

/** The recurrent layer a model name stands for. */
export function recurrentLayer(kind: RecurrentModelName, opts: RecurrentOptions): Recurrent {
  if (kind === 'rnn') return new SimpleRNN(opts);
  if (kind === 'lstm') return new LSTM(opts);
  if (kind === 'gru') return new GRU(opts);
  throw new UsageError(
    `unknown recurrent model '${String(kind)}' (valid: ${RECURRENT_MODEL_NAMES.join(', ')})`,
  );
}

/** Input -> SimpleRNN | LSTM | GRU -> Dense(outputs). */
export function recurrentModel(o: RecurrentModelOptions): Sequential {
  if (o.inputShape.length !== 2) {
    throw new UsageError(
      `a recurrent model takes [time, features] samples, got [${o.inputShape.join(', ')}]`,
    );
  }
  const layer = recurrentLayer(o.kind, {
    units: o.units,
    returnSequences: o.returnSequences ?? false,
    ...(o.activation === undefined ? {} : { activation: o.activation }),
    ...(o.activationParams === undefined ? {} : { activationParams: o.activationParams }),
    ...(o.truncate === undefined ? {} : { truncate: o.truncate }),
    ...(o.init === undefined ? {} : { kernelInitializer: o.init }),
    ...(o.recurrentInit === undefined ? {} : { recurrentInitializer: o.recurrentInit }),
  });
  const head = new Dense({ units: o.outputs, activation: o.outputActivation ?? 'linear' });
  return new Sequential([Input({ shape: [...o.inputShape] }), layer, head], {
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    ...(o.dtype === undefined ? {} : { dtype: o.dtype }),
    ...(o.name === undefined ? {} : { name: o.name }),
  }).buildIfKnown();
}
