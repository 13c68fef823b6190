/**
 * The closed list of layer classes a model file may name. A class outside
 * this list is refused by the loader; configs are plain data passed to the
 * constructors, which check every value.
 */
import { UsageError } from '../../activations/errors.js';
import type { JsonObject } from '../json.js';
import { GatedDense, Maxout, PReLU, RReLU } from './advanced.js';
import { AveragePooling2D, Conv2D, GlobalAveragePooling2D, MaxPooling2D } from './conv.js';
import { Activation, AlphaDropout, Dense, Dropout, Flatten, InputLayer } from './core.js';
import type { Layer } from './layer.js';
import { Add, Concatenate } from './merge.js';
import { BatchNormalization, LayerNormalization } from './normalization.js';
import { GRU, LSTM, SimpleRNN } from './recurrent.js';
import { Residual } from './residual.js';

export * from './activation-ref.js';
export * from './advanced.js';
export * from './conv.js';
export * from './core.js';
export * from './layer.js';
export * from './merge.js';
export * from './normalization.js';
export * from './recurrent.js';
export * from './residual.js';

type FromConfig = (config: JsonObject) => Layer;

/** Configs are plain data; each constructor checks every value it reads. */
const make =
  <O>(C: new (opts: O) => Layer): FromConfig =>
  (c) =>
    new C(c as unknown as O);

export const LAYER_CLASSES: Readonly<Record<string, FromConfig>> = {
  InputLayer: make(InputLayer),
  Dense: make(Dense),
  Conv2D: make(Conv2D),
  MaxPooling2D: make(MaxPooling2D),
  AveragePooling2D: make(AveragePooling2D),
  GlobalAveragePooling2D: make(GlobalAveragePooling2D),
  Flatten: make(Flatten),
  Dropout: make(Dropout),
  AlphaDropout: make(AlphaDropout),
  BatchNormalization: make(BatchNormalization),
  LayerNormalization: make(LayerNormalization),
  Add: make(Add),
  Concatenate: make(Concatenate),
  Activation: make(Activation),
  PReLU: make(PReLU),
  RReLU: make(RReLU),
  Maxout: make(Maxout),
  GatedDense: make(GatedDense),
  SimpleRNN: make(SimpleRNN),
  LSTM: make(LSTM),
  GRU: make(GRU),
  Residual: (c) => {
    const inner = c['layers'];
    if (!Array.isArray(inner)) throw new UsageError('Residual config needs a list of layers');
    return new Residual({ ...c, layers: inner.map((l) => layerFromJson(l as JsonObject)) });
  },
};

/** Spellings of the same classes (Keras and TF.js aliases). */
const CLASS_ALIASES: Readonly<Record<string, string>> = {
  MaxPool2D: 'MaxPooling2D',
  AvgPool2D: 'AveragePooling2D',
  AveragePool2D: 'AveragePooling2D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
  Input: 'InputLayer',
};

export const LAYER_CLASS_NAMES: readonly string[] = Object.keys(LAYER_CLASSES);

/** A layer from `{className, config}`; unknown classes list the valid ones. */
export function layerFromJson(entry: JsonObject): Layer {
  const raw = entry['className'];
  if (typeof raw !== 'string') throw new UsageError('layer entry has no className');
  const cls = Object.hasOwn(CLASS_ALIASES, raw) ? CLASS_ALIASES[raw]! : raw;
  const make = Object.hasOwn(LAYER_CLASSES, cls) ? LAYER_CLASSES[cls] : undefined;
  if (make === undefined) {
    throw new UsageError(`unknown layer class '${raw}' (valid: ${LAYER_CLASS_NAMES.join(', ')})`);
  }
  const config = entry['config'] ?? {};
  if (typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new UsageError(`layer ${raw}: config must be an object`);
  }
  return make(config);
}
