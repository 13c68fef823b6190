/**
 * Reference vector kernels derived from the specs: float64 math per element,
 * stored into Float32Array or Float64Array (a Float32Array store rounds to
 * nearest, so float32 results are the correctly rounded float64 ones).
 * Every faster backend must agree with these.
 */
import type { ElementwiseSpec, Params, VectorSpec } from './types.js';

export type FloatArray = Float32Array | Float64Array;

/** Backward saves y when the spec can compute f' from the output, else x. */
export function savesOutput(spec: ElementwiseSpec): boolean {
  return spec.dfFromY !== undefined;
}

export function forwardInto(spec: ElementwiseSpec, p: Params, x: FloatArray, y: FloatArray): void {
  const f = spec.f;
  for (let i = 0; i < x.length; i++) y[i] = f(x[i]!, p);
}

/**
 * gx = gy · f'(·). `saved` is x, or y when `fromY` (then spec.dfFromY is used).
 * NaN in the saved value or in gy propagates.
 */
export function backwardInto(
  spec: ElementwiseSpec,
  p: Params,
  saved: FloatArray,
  gy: FloatArray,
  gx: FloatArray,
  fromY = false,
): void {
  if (fromY) {
    const d = spec.dfFromY;
    if (d === undefined) throw new Error(`${spec.id} has no derivative from the output`);
    for (let i = 0; i < saved.length; i++) gx[i] = gy[i]! * d(saved[i]!, p);
  } else {
    const d = spec.df;
    for (let i = 0; i < saved.length; i++) gx[i] = gy[i]! * d(saved[i]!, p);
  }
}

/** Σ gy · ∂f/∂θ for each learnable parameter θ (a parameter shared by all elements). */
export function paramGrads(
  spec: ElementwiseSpec,
  p: Params,
  x: FloatArray,
  gy: FloatArray,
): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, d] of Object.entries(spec.dParams ?? {})) {
    if (d === undefined) continue;
    let s = 0;
    for (let i = 0; i < x.length; i++) s += gy[i]! * d(x[i]!, p);
    out[name] = s;
  }
  return out;
}

/** Layout of a tensor seen as [outer, axisLength, inner]. */
export interface AxisLayout {
  readonly outer: number;
  readonly n: number;
  readonly inner: number;
}

export function axisLayout(shape: readonly number[], axis: number): AxisLayout {
  const a = axis < 0 ? shape.length + axis : axis;
  if (a < 0 || a >= shape.length) {
    throw new RangeError(`axis ${axis} is out of range for shape [${shape.join(', ')}]`);
  }
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < a; i++) outer *= shape[i]!;
  for (let i = a + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, n: shape[a]!, inner };
}

/** Output shape of a vector activation applied along `axis`. */
export function vectorOutShape(
  spec: VectorSpec,
  p: Params,
  shape: readonly number[],
  axis: number,
): number[] {
  const a = axis < 0 ? shape.length + axis : axis;
  const { n } = axisLayout(shape, axis);
  const problem = spec.checkSize?.(n, p);
  if (problem !== undefined) throw new RangeError(`${spec.id}: ${problem}`);
  const out = shape.slice();
  out[a] = spec.outSize(n, p);
  return out;
}

function gather(src: FloatArray, base: number, stride: number, dst: Float64Array): void {
  for (let k = 0; k < dst.length; k++) dst[k] = src[base + k * stride]!;
}
function scatter(src: Float64Array, dst: FloatArray, base: number, stride: number): void {
  for (let k = 0; k < src.length; k++) dst[base + k * stride] = src[k]!;
}

/** y = act(x) along `axis`; y must have the size of vectorOutShape. */
export function vectorForwardInto(
  spec: VectorSpec,
  p: Params,
  x: FloatArray,
  shape: readonly number[],
  axis: number,
  y: FloatArray,
): void {
  const { outer, n, inner } = axisLayout(shape, axis);
  const m = spec.outSize(n, p);
  const xs = new Float64Array(n);
  const ys = new Float64Array(m);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      gather(x, o * n * inner + i, inner, xs);
      spec.forward(xs, ys, p);
      scatter(ys, y, o * m * inner + i, inner);
    }
  }
}

/** gx = Jᵀ gy along `axis`, slice by slice. */
export function vectorBackwardInto(
  spec: VectorSpec,
  p: Params,
  x: FloatArray,
  y: FloatArray,
  gy: FloatArray,
  shape: readonly number[],
  axis: number,
  gx: FloatArray,
): void {
  const { outer, n, inner } = axisLayout(shape, axis);
  const m = spec.outSize(n, p);
  const xs = new Float64Array(n);
  const ys = new Float64Array(m);
  const gys = new Float64Array(m);
  const gxs = new Float64Array(n);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      gather(x, o * n * inner + i, inner, xs);
      gather(y, o * m * inner + i, inner, ys);
      gather(gy, o * m * inner + i, inner, gys);
      spec.vjp(xs, ys, gys, gxs, p);
      scatter(gxs, gx, o * n * inner + i, inner);
    }
  }
}

/** The full Jacobian of one slice, J[j][i] = ∂y_j/∂x_i, built from unit-vector VJPs. */
export function vectorJacobian(spec: VectorSpec, p: Params, x: Float64Array): number[][] {
  const n = x.length;
  const m = spec.outSize(n, p);
  const y = new Float64Array(m);
  spec.forward(x, y, p);
  const gy = new Float64Array(m);
  const gx = new Float64Array(n);
  const rows: number[][] = [];
  for (let j = 0; j < m; j++) {
    gy.fill(0);
    gy[j] = 1;
    spec.vjp(x, y, gy, gx, p);
    rows.push(Array.from(gx));
  }
  return rows;
}
