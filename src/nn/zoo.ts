/**
 * Ready-made models: mlp, lenet5 (the Keras example's layout, any input
 * shape), and models described by a JSON document.
 */
import { UsageError } from '../activations/errors.js';
import type { ParamValue } from '../activations/types.js';
import type { DType } from '../tensor/tensor.js';
import type { InitializerLike } from './initializers.js';
import type { JsonObject } from './json.js';
import { Conv2D, MaxPooling2D } from './layers/conv.js';
import { Dense, Flatten, Input } from './layers/core.js';
import { layerFromJson } from './layers/index.js';
import { type Layer, positiveInt } from './layers/layer.js';
import { type Model, Sequential } from './model.js';
import { modelFromJson } from './save.js';

export interface ZooOptions {
  /** Hidden-layer activation (any catalogue id). */
  activation?: string;
  activationParams?: Readonly<Record<string, ParamValue>>;
  /** Kernel initializer of every layer (Keras default glorot_uniform). */
  init?: InitializerLike;
  seed?: number;
  dtype?: DType;
  name?: string;
}

export interface MlpOptions extends ZooOptions {
  inputShape: readonly number[];
  /** Units of each hidden layer. */
  hidden: readonly number[];
  /** Output units (classes). */
  outputs: number;
  /** Output activation (default softmax; 'linear' for regression). */
  outputActivation?: string;
}

function modelOptions(o: ZooOptions) {
  return {
    ...(o.seed === undefined ? {} : { seed: o.seed }),
    ...(o.dtype === undefined ? {} : { dtype: o.dtype }),
    ...(o.name === undefined ? {} : { name: o.name }),
  };
}

function act(o: ZooOptions) {
  return {
    activation: o.activation ?? 'relu',
    ...(o.activationParams === undefined ? {} : { activationParams: o.activationParams }),
    kernelInitializer: o.init ?? 'glorot_uniform',
  };
}

/** Input -> [Flatten] -> Dense(h, act) for each h -> Dense(outputs, outputActivation). */
export function mlp(o: MlpOptions): Sequential {
  positiveInt('mlp', 'outputs', o.outputs);
  for (const h of o.hidden) positiveInt('mlp', 'hidden', h);
  const layers: Layer[] = [];
  if (o.inputShape.length > 1) layers.push(new Flatten());
  for (const h of o.hidden) layers.push(new Dense({ units: h, ...act(o) }));
  layers.push(
    new Dense({
      units: o.outputs,
      activation: o.outputActivation ?? 'softmax',
      kernelInitializer: o.init ?? 'glorot_uniform',
    }),
  );
  return new Sequential(
    [Input({ shape: o.inputShape }), ...layers],
    modelOptions(o),
  ).buildIfKnown();
}

export interface LeNetOptions extends ZooOptions {
  /** Default [32, 32, 3] (the Keras CIFAR-10 example); [28, 28, 1] for MNIST. */
  inputShape?: readonly number[];
  classes?: number;
}

/**
 * Conv2D(6, 5x5, same, act) -> MaxPool2D(2) -> Conv2D(16, 5x5, same, act) -> MaxPool2D(2)
 * -> Conv2D(120, 5x5, same, act) -> Flatten -> Dense(84, act) -> Dense(classes, softmax).
 */
export function lenet5(o: LeNetOptions = {}): Sequential {
  const inputShape = o.inputShape ?? [32, 32, 3];
  if (inputShape.length !== 3) {
    throw new UsageError(
      `lenet5 needs an image input shape height,width,channels (got ${inputShape.join(',')})`,
    );
  }
  const a = act(o);
  const conv = (filters: number) => new Conv2D({ filters, kernelSize: 5, padding: 'same', ...a });
  return new Sequential(
    [
      Input({ shape: inputShape }),
      conv(6),
      new MaxPooling2D({ poolSize: 2 }),
      conv(16),
      new MaxPooling2D({ poolSize: 2 }),
      conv(120),
      new Flatten(),
      new Dense({ units: 84, ...a }),
      new Dense({
        units: o.classes ?? 10,
        activation: 'softmax',
        kernelInitializer: o.init ?? 'glorot_uniform',
      }),
    ],
    modelOptions(o),
  ).buildIfKnown();
}

/**
 * A model from a JSON description: a saved model.json (architecture only,
 * freshly initialised), `{"model": "mlp" | "lenet5", ...options}`, or
 * `{"inputShape": [..], "layers": [{"className": "Dense", "config": {...}}, ...]}`.
 */
export function modelFromDescription(doc: unknown, defaults: ZooOptions = {}): Model {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) {
    throw new UsageError('a model description must be a JSON object');
  }
  const d = doc as JsonObject;
  if ('format' in d) return modelFromJson(d);
  const opts = { ...defaults, ...(typeof d['seed'] === 'number' ? { seed: d['seed'] } : {}) };
  if (d['model'] === 'mlp') {
    return mlp({ ...(d as unknown as MlpOptions), ...opts });
  }
  if (d['model'] === 'lenet5') return lenet5({ ...(d as unknown as LeNetOptions), ...opts });
  if ('model' in d)
    throw new UsageError(
      `unknown ready-made model ${JSON.stringify(d['model'])} (valid: mlp, lenet5)`,
    );
  const shape = d['inputShape'];
  const layers = d['layers'];
  if (!Array.isArray(shape) || !Array.isArray(layers)) {
    throw new UsageError(
      'a model description needs "inputShape" and "layers" (or "model": "mlp" | "lenet5")',
    );
  }
  return new Sequential(
    [Input({ shape: shape as number[] }), ...layers.map((l) => layerFromJson(l as JsonObject))],
    modelOptions(opts),
  ).buildIfKnown();
}
