/**
 * Tensor: a typed array and a shape (row-major), plus the autograd record of
 * the op that made it. No objects per element.
 */
export type DType = 'float32' | 'float64';

import type { FloatArray } from '../activations/kernels.js';
import { disposeArray, keepArray, scopedFloat32 } from './scope.js';

export type { FloatArray };
export type Shape = readonly number[];

/** The record an op leaves on its output: its inputs and how to send the gradient back. */
export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Receives dL/d(output) and accumulates (+=) into the inputs' gradients. */
  backward(gradOut: FloatArray): void;
}

let gradEnabled = true;

/** Runs fn without recording any op for autograd (inference, optimizer updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = prev;
  }
}

export function isGradEnabled(): boolean {
  return gradEnabled;
}

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function allocate(dtype: DType, n: number): FloatArray {
  return dtype === 'float64' ? new Float64Array(n) : new Float32Array(n);
}

/**
 * Arrays this long or longer come uninitialised where the host can give them
 * (Node's Buffer.allocUnsafeSlow): zero-filling 16 MB costs as much as the
 * relu that overwrites it. Smaller ones stay ordinary typed arrays, whose
 * allocation is cheaper than a trip into Node's allocator.
 */
const UNINIT_MIN_BYTES = 1 << 16;

type UnsafeAlloc = (bytes: number) => Uint8Array;
const unsafeAlloc: UnsafeAlloc | undefined = (
  globalThis as { Buffer?: { allocUnsafeSlow?: UnsafeAlloc } }
).Buffer?.allocUnsafeSlow;

/**
 * An array whose contents are undefined until written: only for outputs that
 * the caller overwrites entirely (a kernel's result), never for accumulators.
 */
export function allocateUninit(dtype: DType, n: number): FloatArray {
  // Inside tidy(): in the backend's memory, freed when the scope ends.
  const scoped = dtype === 'float32' ? scopedFloat32(n) : undefined;
  if (scoped !== undefined) return scoped;
  const bytes = n * (dtype === 'float64' ? 8 : 4);
  if (unsafeAlloc === undefined || bytes < UNINIT_MIN_BYTES) return allocate(dtype, n);
  const b = unsafeAlloc(bytes);
  return dtype === 'float64'
    ? new Float64Array(b.buffer, b.byteOffset, n)
    : new Float32Array(b.buffer, b.byteOffset, n);
}

export function dtypeOf(a: FloatArray): DType {
  return a instanceof Float64Array ? 'float64' : 'float32';
}

export function shapeText(shape: Shape): string {
  return `[${shape.join(', ')}]`;
}

export class Tensor {
  readonly data: FloatArray;
  readonly shape: Shape;
  readonly dtype: DType;
  /** Gradient dL/dthis, filled by backward() when requiresGrad. */
  grad: Tensor | null = null;
  requiresGrad: boolean;
  /** The op that produced this tensor (null for leaves and under noGrad). */
  node: GradNode | null = null;
  /** Optional name (layer weights: "dense_1/kernel"). */
  name: string | undefined;

  constructor(data: FloatArray, shape: Shape, requiresGrad = false) {
    if (data.length !== sizeOf(shape)) {
      throw new RangeError(
        `tensor data has ${data.length} elements but shape ${shapeText(shape)} needs ${sizeOf(shape)}`,
      );
    }
    this.data = data;
    this.shape = Object.freeze([...shape]);
    this.dtype = dtypeOf(data);
    this.requiresGrad = requiresGrad;
  }

  get size(): number {
    return this.data.length;
  }

  get rank(): number {
    return this.shape.length;
  }

  /**
   * Frees the values now when they live in the backend's memory (made inside
   * tidy() and kept); otherwise the garbage collector frees them as usual.
   * The tensor, and any other sharing its data, must not be used afterwards.
   */
  dispose(): void {
    disposeArray(this.data);
  }

  /** Plain nested-free copy of the values. */
  toArray(): number[] {
    return Array.from(this.data);
  }

  /** A tensor sharing nothing with this one and carrying no autograd record. */
  clone(): Tensor {
    const copy = allocateUninit(this.dtype, this.size);
    copy.set(this.data);
    return new Tensor(copy, this.shape);
  }

  /** This value, cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.data, this.shape);
  }

  zeroGrad(): void {
    this.grad = null;
  }

  /**
   * Reverse-mode autograd from this tensor. A non-scalar root needs the
   * upstream gradient (as in PyTorch's `backward(gradient)`).
   */
  backward(gradOut?: FloatArray | Tensor): void {
    let seed: FloatArray;
    if (gradOut === undefined) {
      if (this.size !== 1) {
        throw new Error(
          `backward() on a tensor of shape ${shapeText(this.shape)} needs an upstream gradient`,
        );
      }
      seed = allocate(this.dtype, 1);
      seed[0] = 1;
    } else {
      seed = gradOut instanceof Tensor ? gradOut.data : gradOut;
      if (seed.length !== this.size) {
        throw new RangeError(
          `upstream gradient has ${seed.length} elements, tensor ${shapeText(this.shape)} has ${this.size}`,
        );
      }
    }
    runBackward(this, seed);
  }
}

/** Adds g into t's gradient (allocating it on first use). */
export function accumulateGrad(t: Tensor, g: FloatArray): void {
  if (t.grad === null && ownedGrads.has(g) && g.length === t.size && isDtype(g, t.dtype)) {
    // Nobody else holds g (see sendGrad's `owned`): it becomes the gradient as it is.
    ownedGrads.delete(g);
    // A leaf's gradient outlives the tidy() scope of the backward that made it.
    if (g instanceof Float32Array) keepArray(g);
    t.grad = new Tensor(g, t.shape);
    return;
  }
  if (t.grad === null) {
    const copy = allocate(t.dtype, t.size);
    copy.set(g);
    t.grad = new Tensor(copy, t.shape);
    return;
  }
  const d = t.grad.data;
  for (let i = 0; i < d.length; i++) d[i] = d[i]! + g[i]!;
}

/**
 * Walks the graph in reverse topological order. Intermediate gradients live in
 * a map and are dropped after use; only leaves that require grad keep `.grad`.
 */
function runBackward(root: Tensor, seed: FloatArray): void {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    if (i === 0) {
      if (seen.has(t)) {
        stack.pop();
        continue;
      }
      seen.add(t);
    }
    const inputs = t.node?.inputs ?? [];
    if (i < inputs.length) {
      top[1] = i + 1;
      const next = inputs[i]!;
      if (!seen.has(next) && (next.node !== null || next.requiresGrad)) stack.push([next, 0]);
    } else {
      stack.pop();
      order.push(t);
    }
  }
  const grads = new Map<Tensor, FloatArray>();
  grads.set(root, seed);
  pendingGrads = grads;
  try {
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      const g = grads.get(t);
      if (g === undefined) continue;
      if (t.node === null) {
        if (t.requiresGrad) accumulateGrad(t, g);
        continue;
      }
      if (t.requiresGrad) accumulateGrad(t, g);
      grads.delete(t);
      // A backward closure may pass g on to several inputs (add does), so from
      // here on nobody may add into it in place.
      ownedGrads.delete(g);
      t.node.backward(g);
    }
  } finally {
    pendingGrads = null;
    ownedGrads = new WeakSet();
  }
}

let pendingGrads: Map<Tensor, FloatArray> | null = null;
/**
 * Gradient arrays that only the pending map holds (allocated by sendGrad
 * itself, or handed over by an op with `owned`): safe to add into in place,
 * and a leaf may keep one as its .grad without a copy.
 */
let ownedGrads: WeakSet<FloatArray> = new WeakSet();

function isDtype(a: FloatArray, dtype: Tensor['dtype']): boolean {
  return dtype === 'float32' ? a instanceof Float32Array : a instanceof Float64Array;
}

/**
 * Called by op backward closures: adds g to the gradient flowing into `input`.
 * Inside a backward pass the sum is kept per tensor until its own turn.
 * `owned`: the op allocated g for this input alone and never touches it again
 * (it is not the upstream gradient, nor sent anywhere else), so autograd may
 * add into it and keep it instead of copying.
 */
export function sendGrad(input: Tensor, g: FloatArray, owned = false): void {
  if (!receivesGrad(input)) return;
  const map = pendingGrads;
  if (map === null) throw new Error('sendGrad outside backward()');
  const prev = map.get(input);
  if (prev === undefined) {
    map.set(input, g);
    if (owned) ownedGrads.add(g);
    return;
  }
  if (ownedGrads.has(prev)) {
    for (let i = 0; i < prev.length; i++) prev[i] = prev[i]! + g[i]!;
    return;
  }
  if (owned && isDtype(g, input.dtype)) {
    for (let i = 0; i < g.length; i++) g[i] = g[i]! + prev[i]!;
    ownedGrads.add(g);
    map.set(input, g);
    return;
  }
  // The first gradient may be owned by the op that sent it: sum into a fresh array.
  const sum = allocate(input.dtype, prev.length);
  for (let i = 0; i < sum.length; i++) sum[i] = prev[i]! + g[i]!;
  ownedGrads.add(sum);
  map.set(input, sum);
}
/**
 * Whether a gradient sent to t reaches anything: a tensor that keeps .grad,
 * or one an op recorded. A backward can skip computing the others' (a first
 * layer's input, say).
 */
export function receivesGrad(t: Tensor): boolean {
  return t.requiresGrad || t.node !== null;
}

/** True when an op on these inputs must record its backward. */
export function needsGrad(...inputs: Tensor[]): boolean {
  if (!gradEnabled) return false;
  for (const t of inputs) if (receivesGrad(t)) return true;
  return false;
}

/** Attaches the autograd record to an op's output when any input needs it. */
export function record(
  out: Tensor,
  op: string,
  inputs: readonly Tensor[],
  backward: (gradOut: FloatArray) => void,
): Tensor {
  if (needsGrad(...inputs)) out.node = { op, inputs, backward };
  return out;
}
