/**
 * Read-only views of a model for the instruments: its layers with blocks
 * (Residual) opened up, its trainable weights grouped by the layer that owns
 * them, and, for a traced layer, the local derivative of its activation
 * with the parameters that layer really uses. Nothing here writes to the model.
 */
import { getActivation } from '../activations/registry.js';
import type { ElementwiseSpec } from '../activations/types.js';
import {
  ActivationRef,
  type Layer,
  type Model,
  PReLU,
  Residual,
  type Weight,
} from '../nn/index.js';
import type { FloatArray } from '../tensor/index.js';

/** Every layer of the model in order, the inner layers of a Residual block in place of the block. */
export function flatLayers(model: Model): Layer[] {
  const out: Layer[] = [];
  const visit = (l: Layer): void => {
    if (l instanceof Residual) {
      for (const inner of l.inner) visit(inner);
    } else out.push(l);
  };
  for (const l of model.layers) visit(l);
  return out;
}

/** A layer and its trainable weights. */
export interface WeightGroup {
  readonly layer: Layer;
  readonly weights: readonly Weight[];
  /** Dense, Conv2D and the like: the layers whose gradient tells how well early layers learn. */
  readonly hasKernel: boolean;
}

/** Trainable weights grouped by the layer that declared them, in layer order. */
export function weightGroups(model: Model): WeightGroup[] {
  const groups = new Map<Layer, Weight[]>();
  for (const w of model.trainableWeights) {
    const list = groups.get(w.layer);
    if (list === undefined) groups.set(w.layer, [w]);
    else list.push(w);
  }
  return [...groups].map(([layer, weights]) => ({
    layer,
    weights,
    hasKernel: weights.some((w) => w.name === 'kernel'),
  }));
}

/** Σ x² of an array (in float64, whatever the array's type). */
export function sumSquares(a: FloatArray): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * a[i]!;
  return s;
}

/** The layer's activation as a reference, when it declares one by name (Dense, Conv2D, Activation). */
function activationRefOf(layer: Layer): ActivationRef | null {
  const a = (layer as { activation?: unknown }).activation;
  return a instanceof ActivationRef ? a : null;
}

/**
 * f'(z) of element i of one sample (i counts within the sample, row-major).
 * Null for layers whose activation is not elementwise (softmax, maxout).
 */
export type LocalDerivative = (z: number, i: number) => number;

/** For each element of one sample, the index of the PReLU slope it uses (shared axes have size 1). */
function slopeIndex(sample: readonly number[], alphaShape: readonly number[]): Int32Array {
  const n = sample.reduce((a, b) => a * b, 1);
  const strides = new Array<number>(sample.length).fill(0);
  let s = 1;
  for (let d = sample.length - 1; d >= 0; d--) {
    strides[d] = alphaShape[d] === 1 ? 0 : s;
    s *= alphaShape[d]!;
  }
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let rem = i;
    let k = 0;
    for (let d = sample.length - 1; d >= 0; d--) {
      const c = rem % sample[d]!;
      rem = (rem - c) / sample[d]!;
      k += c * strides[d]!;
    }
    idx[i] = k;
  }
  return idx;
}

/**
 * The derivative a traced layer's activation applies, with the layer's own
 * parameters: a PReLU layer uses its current learnt slopes, a Dense layer
 * the parameters it was given, anything else the catalogue defaults.
 */
export function localDerivative(
  layer: Layer | undefined,
  activationId: string,
  sampleShape: readonly number[],
): LocalDerivative | null {
  if (layer instanceof PReLU && layer.alpha !== undefined) {
    const alpha = layer.alpha.tensor.data;
    const idx = slopeIndex(sampleShape, layer.alpha.shape);
    return (z, i) => (z > 0 ? 1 : alpha[idx[i]!]!);
  }
  const ref = layer === undefined ? null : activationRefOf(layer);
  if (ref !== null && ref.id === activationId) {
    if (ref.spec.kind !== 'elementwise') return null;
    const spec = ref.spec;
    const params = ref.params;
    return (z) => spec.df(z, params);
  }
  const spec = getActivation(activationId);
  if (spec.kind !== 'elementwise') return null;
  const e = spec as ElementwiseSpec;
  const defaults = defaultParams(e);
  return (z) => e.df(z, defaults);
}

/** The catalogue defaults of an elementwise spec's parameters. */
export function defaultParams(spec: ElementwiseSpec): Record<string, number | string> {
  const p: Record<string, number | string> = {};
  for (const [name, ps] of Object.entries(spec.params)) p[name] = ps.default;
  return p;
}

/** Layers by name, blocks opened up, so a trace entry can find the layer that wrote it. */
export function layersByName(model: Model): Map<string, Layer> {
  return new Map(flatLayers(model).map((l) => [l.name, l]));
}
