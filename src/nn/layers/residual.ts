/** Residual block: x + F(x), F a stack of layers whose output shape equals its input shape (He et al. 2016). */
import { UsageError } from '../../activations/errors.js';
import { add } from '../../tensor/index.js';
import type { Shape, Tensor } from '../../tensor/tensor.js';
import type { JsonObject } from '../json.js';
import {
  type CallContext,
  Layer,
  type LayerOptions,
  sameShape,
  shapeWithBatch,
  type Weight,
} from './layer.js';

export interface ResidualOptions extends LayerOptions {
  layers: readonly Layer[];
}

export class Residual extends Layer {
  readonly inner: readonly Layer[];

  constructor(opts: ResidualOptions) {
    super('Residual', opts);
    if (!Array.isArray(opts.layers) || opts.layers.length === 0) {
      throw new UsageError(`Residual ${this.name}: needs a non-empty list of layers`);
    }
    this.inner = [...opts.layers];
  }

  override get weights(): readonly Weight[] {
    return this.inner.flatMap((l) => l.weights);
  }

  computeOutputShape([s]: readonly Shape[]): Shape {
    let shape = s!;
    for (const l of this.inner) shape = l.ensureBuilt([shape]);
    if (!sameShape(shape, s!)) {
      throw new UsageError(
        `Residual ${this.name}: the block maps ${shapeWithBatch(s!)} to ${shapeWithBatch(shape)}; x + F(x) needs them equal`,
      );
    }
    return s!;
  }

  call([x]: readonly Tensor[], ctx: CallContext): Tensor {
    let h = x!;
    for (const l of this.inner) h = l.run([h], ctx);
    return this.observe(ctx, null, null, add(x!, h));
  }

  override getConfig(): JsonObject {
    return {
      ...super.getConfig(),
      layers: this.inner.map((l) => ({ className: l.className, config: l.getConfig() })),
    };
  }
}
