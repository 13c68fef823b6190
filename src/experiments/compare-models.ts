/**
 * The models the compare experiment trains, built so that only the hidden
 * activation changes: an MLP (quick tier) and the Keras example's LeNet-5
 * (full tier). PReLU and RReLU are layers of their own (PReLU learns its
 * slopes, one per unit or per channel; RReLU draws them in training), every
 * other activation is the layer's `activation`.
 */
import { getActivation, UsageError } from '../activations/index.js';
import {
  Activation,
  Conv2D,
  Dense,
  Flatten,
  Input,
  type Layer,
  MaxPooling2D,
  PReLU,
  RReLU,
  Sequential,
} from '../nn/index.js';

export type CompareModel = 'mlp' | 'lenet5';

/**
 * Keras's default glorot_uniform for every activation except SELU, whose
 * self-normalisation assumes lecun_normal; the choice is reported in the JSON.
 */
export function initFor(activation: string): string {
  return activation === 'selu' ? 'lecun_normal' : 'glorot_uniform';
}

/** A catalogue id usable as a hidden activation (elementwise); a UsageError otherwise. */
export function hiddenActivationId(name: string): string {
  const spec = getActivation(name);
  if (spec.kind !== 'elementwise') {
    throw new UsageError(
      `compare: ${spec.id} is a vector activation; give elementwise ones (relu, gelu, ...)`,
    );
  }
  return spec.id;
}

/** The activation after a linear layer: a PReLU/RReLU layer, or an Activation layer. */
function activationLayer(id: string, image: boolean): Layer {
  // Conv feature maps share one slope per channel, as He et al. did.
  if (id === 'prelu') return new PReLU(image ? { sharedAxes: [1, 2] } : {});
  if (id === 'rrelu') return new RReLU();
  return new Activation({ activation: id });
}

export interface ModelSpec {
  readonly model: CompareModel;
  readonly inputShape: readonly number[];
  readonly classes: number;
  /** Hidden units of the MLP. */
  readonly hidden: readonly number[];
  readonly activation: string;
  readonly seed: number;
}

export function buildModel(m: ModelSpec): Sequential {
  const init = initFor(m.activation);
  const act = (image: boolean) => activationLayer(m.activation, image);
  const layers: Layer[] = [];
  if (m.model === 'mlp') {
    if (m.inputShape.length > 1) layers.push(new Flatten());
    for (const units of m.hidden)
      layers.push(new Dense({ units, kernelInitializer: init }), act(false));
  } else {
    const conv = (filters: number) =>
      new Conv2D({ filters, kernelSize: 5, padding: 'same', kernelInitializer: init });
    layers.push(
      conv(6),
      act(true),
      new MaxPooling2D({ poolSize: 2 }),
      conv(16),
      act(true),
      new MaxPooling2D({ poolSize: 2 }),
      conv(120),
      act(true),
      new Flatten(),
      new Dense({ units: 84, kernelInitializer: init }),
      act(false),
    );
  }
  layers.push(new Dense({ units: m.classes, activation: 'softmax', kernelInitializer: init }));
  return new Sequential([Input({ shape: m.inputShape }), ...layers], {
    seed: m.seed,
  }).buildIfKnown();
}
