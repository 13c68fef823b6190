/**
 * The Backend: every hot loop of the engine lives behind this interface, so
 * that the portable `js` kernels and the fast `wasm` ones are interchangeable.
 * Kernels write into caller buffers and never allocate their outputs.
 */

import type { FloatArray } from '../activations/kernels.js';
import type { ElementwiseSpec, Params, VectorSpec } from '../activations/types.js';

export interface Backend extends TensorKernels {
  readonly name: 'js' | 'wasm';
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
