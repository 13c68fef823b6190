/**
 * LayerTrace: what the instruments read after a training batch. For each
 * layer, the pre-activation tensor (the input of its activation function,
 * when it has one), its output, and the gradients of both; plus the layer's
 * weights and their gradients. Recording works by marking those intermediate
 * tensors `requiresGrad`, so backward() leaves their `.grad` in place; it is
 * only switched on when a callback asks for it (`needsTrace`).
 */
import type { Tensor } from '../tensor/tensor.js';

export interface TracedWeight {
  readonly name: string;
  readonly value: Tensor;
  readonly grad: Tensor | null;
}

export class LayerTraceEntry {
  constructor(
    readonly layer: string,
    readonly className: string,
    /** Catalogue id of the layer's activation, or null when it has none. */
    readonly activation: string | null,
    /** The activation's input (x·W + b for Dense); null for layers without an activation. */
    readonly preActivation: Tensor | null,
    /** The layer's output (the activation's output when it has one). */
    readonly output: Tensor,
    private readonly weightList: readonly { readonly name: string; readonly value: Tensor }[],
  ) {}

  /** dL/d(pre-activation) for the batch, filled by backward(). */
  get preActivationGrad(): Tensor | null {
    return this.preActivation?.grad ?? null;
  }

  /** dL/d(output) for the batch. */
  get outputGrad(): Tensor | null {
    return this.output.grad;
  }

  get weights(): readonly TracedWeight[] {
    return this.weightList.map((w) => ({ name: w.name, value: w.value, grad: w.value.grad }));
  }
}

/** The entries of one batch, in the order the layers ran. */
export type LayerTrace = readonly LayerTraceEntry[];

/** Collects entries during a forward pass (one recorder per traced batch). */
export class TraceRecorder {
  readonly entries: LayerTraceEntry[] = [];

  add(entry: LayerTraceEntry): void {
    // Keep the gradients of these intermediate tensors after backward().
    if (entry.preActivation !== null) entry.preActivation.requiresGrad = true;
    entry.output.requiresGrad = true;
    this.entries.push(entry);
  }
}
