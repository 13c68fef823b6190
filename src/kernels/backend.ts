/**
 * The Backend: every hot loop of the engine lives behind this interface, so
 * that the portable `js` kernels and the fast `wasm` ones are interchangeable.
 * Kernels write into caller buffers and never allocate their outputs.
 */

import type { FloatArray } from '../activations/kernels.js';
import type { ElementwiseSpec, Params, VectorSpec } from '../activations/types.js';

/**
 * Arrays in a backend's own memory, which its kernels use in place (the wasm
 * backend's heap). Optional: a backend without it computes on any array.
 */
export interface ResidentStorage {
  /** n float32 elements in the backend's memory, contents undefined; undefined when it is full. */
  residentAlloc?(n: number): Float32Array | undefined;
  /** Gives an array from residentAlloc back (a second call for the same array does nothing). */
  residentFree?(a: Float32Array): void;
  /** Gives it back once the garbage collector has taken the array (for arrays whose end nobody marks). */
  residentFreeWhenCollected?(a: Float32Array): void;
  /** True when a lives in the backend's memory. */
  isResident?(a: Float32Array | Float64Array): boolean;
  /** Bytes of the backend's memory in use (its own workspaces included) and in all. */
  residentBytes?(): { used: number; capacity: number };
}

export interface Backend extends TensorKernels, ResidentStorage {
  readonly name: 'js' | 'wasm';
  /** Threads that compute a large GEMM (1 until they have started, or where there are none). */
  gemmThreads?(): number;
  /** Stops the GEMM threads; later products run on the calling thread. */
  closeGemmThreads?(): Promise<number[]>;
  /** The optimizers' update loops (in place over a weight and its slots). */
  readonly optimizer: OptimizerKernels;
  /** y = f(x) elementwise. */
  unaryForward(spec: ElementwiseSpec, p: Params, x: FloatArray, y: FloatArray): void;
  /** gx = gy · f'(saved), saved = x, or y when fromY. */
  unaryBackward(
    spec: ElementwiseSpec,
    p: Params,
    saved: FloatArray,
    gy: FloatArray,
    gx: FloatArray,
    fromY: boolean,
  ): void;
  /**
   * Σ gy·∂f/∂θ over all elements for each learnable parameter θ that they
   * share (swish β, elu α, prelu α, snake α), by name.
   */
  unaryParamGrads(
    spec: ElementwiseSpec,
    p: Params,
    x: FloatArray,
    gy: FloatArray,
  ): Record<string, number>;
  /** y = act(x) slice by slice along `axis` (softmax, GLU...). */
  vectorForward(
    spec: VectorSpec,
    p: Params,
    x: FloatArray,
    shape: readonly number[],
    axis: number,
    y: FloatArray,
  ): void;
  /** gx = Jᵀ·gy slice by slice along `axis`. */
  vectorBackward(
    spec: VectorSpec,
    p: Params,
    x: FloatArray,
    y: FloatArray,
    gy: FloatArray,
    shape: readonly number[],
    axis: number,
    gx: FloatArray,
  ): void;
  /**
   * C = alpha · op(A) · op(B) + beta · C, row-major; op(A) is M×K, op(B) is K×N.
   * transA/transB: A is stored K×M / B is stored N×K.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    alpha: number,
    a: FloatArray,
    aOffset: number,
    b: FloatArray,
    bOffset: number,
    beta: number,
    c: FloatArray,
    cOffset: number,
  ): void;
}

/** Geometry of a 2-D convolution over NHWC images with a [kh, kw, inC, outC] kernel. */
export interface Conv2DGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly inC: number;
  readonly outH: number;
  readonly outW: number;
  readonly outC: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly dilationH: number;
  readonly dilationW: number;
  /** Rows/columns of zero padding before the image (the rest of the total goes after). */
  readonly padTop: number;
  readonly padLeft: number;
}

/** Geometry of a 2-D pooling window over NHWC images (channels pooled separately). */
export interface Pool2DGeometry {
  readonly batch: number;
  readonly inH: number;
  readonly inW: number;
  readonly channels: number;
  readonly outH: number;
  readonly outW: number;
  readonly poolH: number;
  readonly poolW: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly padTop: number;
  readonly padLeft: number;
}

/** The tensor kernels beyond gemm: convolution, pooling, bias, reductions, fused losses. */
export interface TensorKernels {
  /** y[N, outH, outW, outC] = conv(x, w) (y is overwritten). */
  conv2dForward(g: Conv2DGeometry, x: FloatArray, w: FloatArray, y: FloatArray): void;
  /** gx = ∂L/∂x from gy (gx is overwritten). */
  conv2dBackwardInput(g: Conv2DGeometry, gy: FloatArray, w: FloatArray, gx: FloatArray): void;
  /** gw = ∂L/∂w from gy (gw is overwritten). */
  conv2dBackwardFilter(g: Conv2DGeometry, x: FloatArray, gy: FloatArray, gw: FloatArray): void;
  /**
   * y = f(conv(x, w) + b): a Conv2D layer's convolution, bias and activation
   * in one call, with the values of conv2dForward then biasActivationForward
   * (`pre`, when given, receives conv(x, w) + b).
   */
  conv2dBiasActivationForward(
    g: Conv2DGeometry,
    spec: ElementwiseSpec,
    p: Params,
    x: FloatArray,
    w: FloatArray,
    b: FloatArray,
    y: FloatArray,
    pre: FloatArray | null,
  ): void;
  /**
   * Its backward: gz = gy · f'(saved), gb = Σ gz over the batch and pixels,
   * then gx (skipped when null) and gw from gz, as biasActivationBackward,
   * conv2dBackwardInput and conv2dBackwardFilter would give them.
   */
  conv2dBiasActivationBackward(
    g: Conv2DGeometry,
    spec: ElementwiseSpec,
    p: Params,
    x: FloatArray,
    w: FloatArray,
    saved: FloatArray,
    gy: FloatArray,
    fromY: boolean,
    gx: FloatArray | null,
    gw: FloatArray,
    gb: FloatArray,
  ): void;
  /** Max pooling; argmax receives the input index of each output (−1 for an all-padding window). */
  maxPool2dForward(g: Pool2DGeometry, x: FloatArray, y: FloatArray, argmax: Int32Array): void;
  /** gx = scatter of gy through argmax (gx is overwritten). */
  maxPool2dBackward(gy: FloatArray, argmax: Int32Array, gx: FloatArray): void;
  /** Average pooling over the window's in-image elements (padding is not counted, as in TF). */
  avgPool2dForward(g: Pool2DGeometry, x: FloatArray, y: FloatArray): void;
  avgPool2dBackward(g: Pool2DGeometry, gy: FloatArray, gx: FloatArray): void;
  /** y[r, c] = x[r, c] + b[c] for rows × cols. */
  biasAdd(x: FloatArray, b: FloatArray, rows: number, cols: number, y: FloatArray): void;
  /** gb[c] = Σ_r gy[r, c] (gb is overwritten). */
  biasGrad(gy: FloatArray, rows: number, cols: number, gb: FloatArray): void;
  /**
   * y = f(x + b) for rows × cols, b along the last axis: a layer's bias and
   * elementwise activation in one pass, with the values of biasAdd followed by
   * unaryForward. `pre`, when given, receives x + b (what the backward needs
   * when f' is not computed from y).
   */
  biasActivationForward(
    spec: ElementwiseSpec,
    p: Params,
    x: FloatArray,
    b: FloatArray,
    rows: number,
    cols: number,
    y: FloatArray,
    pre: FloatArray | null,
  ): void;
  /**
   * gz = gy · f'(saved) (saved = y when fromY, else x + b) and gb[c] = Σ_r gz[r, c]:
   * unaryBackward followed by biasGrad (gz and gb are overwritten).
   */
  biasActivationBackward(
    spec: ElementwiseSpec,
    p: Params,
    saved: FloatArray,
    gy: FloatArray,
    rows: number,
    cols: number,
    fromY: boolean,
    gz: FloatArray,
    gb: FloatArray,
  ): void;
  /**
   * y = f(x·w + b) for x [rows, inDim] and w [inDim, units]: a Dense layer's
   * product, bias and activation in one call, with the values of gemm then
   * biasActivationForward (`pre`, when given, receives x·w + b).
   */
  denseBiasActivationForward(
    spec: ElementwiseSpec,
    p: Params,
    x: FloatArray,
    w: FloatArray,
    b: FloatArray,
    rows: number,
    inDim: number,
    units: number,
    y: FloatArray,
    pre: FloatArray | null,
  ): void;
  /**
   * Its backward: gz = gy · f'(saved), gb = Σ_r gz, then gx = gz·wᵀ (skipped
   * when null) and gw = xᵀ·gz, as biasActivationBackward and gemm give them.
   */
  denseBiasActivationBackward(
    spec: ElementwiseSpec,
    p: Params,
    x: FloatArray,
    w: FloatArray,
    saved: FloatArray,
    gy: FloatArray,
    rows: number,
    inDim: number,
    units: number,
    fromY: boolean,
    gx: FloatArray | null,
    gw: FloatArray,
    gb: FloatArray,
  ): void;
  /** x seen as [outer, n, inner]; y[outer, inner] = Σ over n. */
  sumAxis(x: FloatArray, outer: number, n: number, inner: number, y: FloatArray): void;
  /** y = max over n, argmax = the index along n of the first maximum (NaN wins). */
  maxAxis(
    x: FloatArray,
    outer: number,
    n: number,
    inner: number,
    y: FloatArray,
    argmax: Int32Array,
  ): void;
  /**
   * Sparse softmax cross-entropy from logits [rows, classes]: returns the mean
   * over rows of logsumexp(z) − z[label].
   */
  softmaxCrossEntropy(
    logits: FloatArray,
    labels: Int32Array,
    rows: number,
    classes: number,
  ): number;
  /** gz = (softmax(z) − onehot(label)) · scale (gz is overwritten). */
  softmaxCrossEntropyBackward(
    logits: FloatArray,
    labels: Int32Array,
    rows: number,
    classes: number,
    scale: number,
    gz: FloatArray,
  ): void;
}

/**
 * Optimizer update kernels: in-place loops over one weight tensor and its
 * slots. The equations are Keras 3's (keras/src/optimizers/*.py), so
 * hyperparameters carry over.
 */
export interface OptimizerKernels {
  /** Σ g², in float64. */
  sumSquares(g: FloatArray): number;
  /** g ← g · s. */
  scaleInPlace(g: FloatArray, s: number): void;
  /** g ← clip(g, -v, v). */
  clipInPlace(g: FloatArray, v: number): void;
  /** w ← w − w · c (decoupled weight decay, c = wd · lr). */
  decay(w: FloatArray, c: number): void;
  /** Plain SGD, or momentum (m ← μm − lr·g; w ← w + m, or w + μm − lr·g with Nesterov). */
  sgd(
    w: FloatArray,
    g: FloatArray,
    m: FloatArray | null,
    lr: number,
    momentum: number,
    nesterov: boolean,
  ): void;
  /** Adam with the bias correction folded into alpha = lr·√(1−β2ᵗ)/(1−β1ᵗ). */
  adam(
    w: FloatArray,
    g: FloatArray,
    m: FloatArray,
    v: FloatArray,
    alpha: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ): void;
  /** RMSprop: v ← ρv + (1−ρ)g²; step = lr·g/√(v − ḡ² + ε); optional momentum buffer. */
  rmsprop(
    w: FloatArray,
    g: FloatArray,
    v: FloatArray,
    avg: FloatArray | null,
    mom: FloatArray | null,
    lr: number,
    rho: number,
    momentum: number,
    epsilon: number,
  ): void;
  /** Adagrad: acc ← acc + g²; w ← w − lr·g/√(acc + ε). */
  adagrad(w: FloatArray, g: FloatArray, acc: FloatArray, lr: number, epsilon: number): void;
}

let current: Backend | undefined;
const registered = new Map<string, Backend>();

export function registerBackend(b: Backend): void {
  registered.set(b.name, b);
  current ??= b;
}

export function getBackend(): Backend {
  if (current === undefined) throw new Error('no backend registered');
  return current;
}

export function setBackend(name: string): Backend {
  const b = registered.get(name);
  if (b === undefined) {
    throw new Error(`unknown backend '${name}' — available: ${[...registered.keys()].join(', ')}`);
  }
  current = b;
  return b;
}

export function backendNames(): string[] {
  return [...registered.keys()];
}
