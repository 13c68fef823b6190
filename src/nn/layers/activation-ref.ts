/**
 * An activation chosen by name on a layer (`activation: 'relu'`, or
 * `activation: 'leaky_relu', activationParams: {negative_slope: 0.2}`): any
 * catalogue entry, elementwise or vector (applied along the last axis).
 */
import { UsageError } from '../../activations/errors.js';
import { resolveActivation } from '../../activations/registry.js';
import type { ActivationSpec, Params, ParamValue } from '../../activations/types.js';
import { activation, vectorActivation } from '../../tensor/index.js';
import type { Tensor } from '../../tensor/tensor.js';
import type { JsonObject } from '../json.js';

/** Names that mean "no activation" when the catalogue has no entry for them. */
const IDENTITY = new Set(['linear', 'identity', 'none']);

export class ActivationRef {
  private constructor(
    readonly spec: ActivationSpec,
    readonly params: Params,
  ) {}

  get id(): string {
    return this.spec.id;
  }

  /** null for no activation; an unknown name or bad parameter throws a UsageError. */
  static resolve(
    name: string | null | undefined,
    given: Readonly<Record<string, ParamValue>> = {},
  ): ActivationRef | null {
    if (name === null || name === undefined) return null;
    try {
      const { spec, params } = resolveActivation(name, given);
      return new ActivationRef(spec, params);
    } catch (e) {
      if (IDENTITY.has(name.toLowerCase()) && Object.keys(given).length === 0) return null;
      throw e;
    }
  }

  /** The shape after the activation: a vector one (GLU, maxout) may change the last axis. */
  outShape(shape: readonly number[], who: string): number[] {
    if (this.spec.kind === 'elementwise') return [...shape];
    const n = shape[shape.length - 1]!;
    const problem = this.spec.checkSize?.(n, this.params);
    if (problem !== undefined)
      throw new UsageError(`${who}: ${this.spec.id} on ${n} features: ${problem}`);
    return [...shape.slice(0, -1), this.spec.outSize(n, this.params)];
  }

  apply(x: Tensor): Tensor {
    return this.spec.kind === 'elementwise'
      ? activation(x, this.spec.id, this.params)
      : vectorActivation(x, this.spec.id, this.params, -1);
  }
}

/** The config keys of a layer's activation (parameters saved in full, so presets cannot change them). */
export function activationConfig(a: ActivationRef | null): JsonObject {
  if (a === null) return { activation: 'linear' };
  const out: JsonObject = { activation: a.id };
  if (Object.keys(a.params).length > 0) out['activationParams'] = { ...a.params };
  return out;
}
