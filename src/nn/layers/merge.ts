/** Add and Concatenate: layers of two or more inputs (skip connections, branches). */
import { UsageError } from '../../activations/errors.js';
import { add, concat } from '../../tensor/index.js';
import type { Shape, Tensor } from '../../tensor/tensor.js';
import type { JsonObject } from '../json.js';
import { type CallContext, Layer, type LayerOptions, sameShape, shapeWithBatch } from './layer.js';

/** Elementwise sum of inputs of one shape. */
export class Add extends Layer {
  override readonly arity = 'many';
  constructor(opts: LayerOptions = {}) {
    super('Add', opts);
  }
  computeOutputShape(shapes: readonly Shape[]): Shape {
    const first = shapes[0]!;
    for (const s of shapes) {
      if (!sameShape(s, first)) {
        throw new UsageError(
          `Add ${this.name}: inputs must have one shape, got ${shapes.map(shapeWithBatch).join(' and ')}`,
        );
      }
    }
    return first;
  }
  call(inputs: readonly Tensor[], ctx: CallContext): Tensor {
    let s = inputs[0]!;
    for (let i = 1; i < inputs.length; i++) s = add(s, inputs[i]!);
    return this.observe(ctx, null, null, s);
  }
}

export interface ConcatenateOptions extends LayerOptions {
  /** Axis of the full tensor (batch is 0); -1 is the last. */
  axis?: number;
}

export class Concatenate extends Layer {
  override readonly arity = 'many';
  readonly axis: number;
  constructor(opts: ConcatenateOptions = {}) {
    super('Concatenate', opts);
    this.axis = opts.axis ?? -1;
    if (!Number.isInteger(this.axis) || this.axis === 0) {
      throw new UsageError(
        `Concatenate ${this.name}: axis must be a non-zero integer (0 is the batch)`,
      );
    }
  }
  /** The axis within a sample's shape. */
  private sampleAxis(rank: number): number {
    const a = this.axis < 0 ? rank + 1 + this.axis : this.axis;
    if (a < 1 || a > rank)
      throw new UsageError(
        `Concatenate ${this.name}: axis ${this.axis} is out of range for rank ${rank + 1}`,
      );
    return a - 1;
  }
  computeOutputShape(shapes: readonly Shape[]): Shape {
    const first = shapes[0]!;
    const a = this.sampleAxis(first.length);
    let total = 0;
    for (const s of shapes) {
      const ok = s.length === first.length && s.every((d, i) => i === a || d === first[i]);
      if (!ok) {
        throw new UsageError(
          `Concatenate ${this.name}: shapes ${shapes.map(shapeWithBatch).join(' and ')} differ outside axis ${this.axis}`,
        );
      }
      total += s[a]!;
    }
    const out = [...first];
    out[a] = total;
    return out;
  }
  call(inputs: readonly Tensor[], ctx: CallContext): Tensor {
    return this.observe(
      ctx,
      null,
      null,
      concat([...inputs], this.sampleAxis(inputs[0]!.rank - 1) + 1),
    );
  }
  override getConfig(): JsonObject {
    return { ...super.getConfig(), axis: this.axis };
  }
}
