/**
 * The Backend: every hot loop of the engine lives behind this interface, so
 * that the portable `js` kernels and the fast `wasm` ones are interchangeable.
 * Kernels write into caller buffers and never allocate their outputs.
 */
import type { ElementwiseSpec, Params } from '../activations/types.js';
import type { FloatArray } from '../tensor/tensor.js';

export interface Backend {
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
