/**
 * Elementwise arithmetic with numpy broadcasting, and the unary math ops.
 * A broadcast input receives its gradient summed over the dimensions it was
 * stretched along.
 */
import { getBackend } from '../../kernels/backend.js';
import {
  allocate,
  type DType,
  type FloatArray,
  record,
  type Shape,
  sendGrad,
  shapeText,
  sizeOf,
  Tensor,
} from '../tensor.js';
import { broadcastMap, broadcastShapes, resultDType, sameShape } from './shapes.js';

type BinaryKind = 'add' | 'sub' | 'mul' | 'div';

/** The input's values laid out on the output shape (the array itself when no broadcast is needed). */
function expand(t: Tensor, outShape: Shape, dtype: DType): FloatArray {
  if (sameShape(t.shape, outShape) && t.dtype === dtype) return t.data;
  const n = sizeOf(outShape);
  const out = allocate(dtype, n);
  if (t.size === 1) {
    out.fill(t.data[0]!);
    return out;
  }
  if (sameShape(t.shape, outShape)) {
    out.set(t.data);
    return out;
  }
  const map = broadcastMap(outShape, t.shape);
  const d = t.data;
  for (let i = 0; i < n; i++) out[i] = d[map[i]!]!;
  return out;
}

/** Sums g (laid out on outShape) down to `target`'s shape, in target's dtype. */
export function reduceTo(g: FloatArray, outShape: Shape, target: Tensor): FloatArray {
  if (sameShape(outShape, target.shape)) {
    if (g instanceof Float64Array === (target.dtype === 'float64')) return g;
    const c = allocate(target.dtype, g.length);
    c.set(g);
    return c;
  }
  const r = allocate(target.dtype, target.size);
  if (target.size === 1) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i]!;
    r[0] = s;
    return r;
  }
  const map = broadcastMap(outShape, target.shape);
  for (let i = 0; i < g.length; i++) r[map[i]!] += g[i]!;
  return r;
}

function binaryLoop(kind: BinaryKind, a: FloatArray, b: FloatArray, y: FloatArray): void {
  const n = y.length;
  switch (kind) {
    case 'add':
      for (let i = 0; i < n; i++) y[i] = a[i]! + b[i]!;
      break;
    case 'sub':
      for (let i = 0; i < n; i++) y[i] = a[i]! - b[i]!;
      break;
    case 'mul':
      for (let i = 0; i < n; i++) y[i] = a[i]! * b[i]!;
      break;
    case 'div':
      for (let i = 0; i < n; i++) y[i] = a[i]! / b[i]!;
      break;
  }
}

function binary(kind: BinaryKind, a: Tensor, b: Tensor): Tensor {
  const shape = sameShape(a.shape, b.shape) ? a.shape : broadcastShapes(a.shape, b.shape, kind);
  const dtype = resultDType(a.dtype, b.dtype);
  const av = expand(a, shape, dtype);
  const bv = expand(b, shape, dtype);
  const y = new Tensor(allocate(dtype, sizeOf(shape)), shape);
  binaryLoop(kind, av, bv, y.data);
  return record(y, kind, [a, b], (gy) => {
    const n = gy.length;
    if (kind === 'add' || kind === 'sub') {
      sendGrad(a, reduceTo(gy, shape, a));
      if (kind === 'add') {
        sendGrad(b, reduceTo(gy, shape, b));
      } else {
        const nb = allocate(dtype, n);
        for (let i = 0; i < n; i++) nb[i] = -gy[i]!;
        sendGrad(b, reduceTo(nb, shape, b));
      }
      return;
    }
    const ga = allocate(dtype, n);
    const gb = allocate(dtype, n);
    if (kind === 'mul') {
      for (let i = 0; i < n; i++) {
        ga[i] = gy[i]! * bv[i]!;
        gb[i] = gy[i]! * av[i]!;
      }
    } else {
      for (let i = 0; i < n; i++) {
        const q = gy[i]! / bv[i]!;
        ga[i] = q;
        gb[i] = -q * (av[i]! / bv[i]!);
      }
    }
    sendGrad(a, reduceTo(ga, shape, a));
    sendGrad(b, reduceTo(gb, shape, b));
  });
}

export function add(a: Tensor, b: Tensor): Tensor {
  return binary('add', a, b);
}
export function sub(a: Tensor, b: Tensor): Tensor {
  return binary('sub', a, b);
}
export function mul(a: Tensor, b: Tensor): Tensor {
  return binary('mul', a, b);
}
export function div(a: Tensor, b: Tensor): Tensor {
  return binary('div', a, b);
}

/** y = s·a. */
export function scale(a: Tensor, s: number): Tensor {
  const x = a.data;
  const y = new Tensor(allocate(a.dtype, a.size), a.shape);
  const yd = y.data;
  for (let i = 0; i < x.length; i++) yd[i] = s * x[i]!;
  return record(y, 'scale', [a], (gy) => {
    const gx = allocate(a.dtype, gy.length);
    for (let i = 0; i < gy.length; i++) gx[i] = s * gy[i]!;
    sendGrad(a, gx);
  });
}

export function neg(a: Tensor): Tensor {
  return scale(a, -1);
}

/** y = a + s. */
export function addScalar(a: Tensor, s: number): Tensor {
  const x = a.data;
  const y = new Tensor(allocate(a.dtype, a.size), a.shape);
  const yd = y.data;
  for (let i = 0; i < x.length; i++) yd[i] = x[i]! + s;
  return record(y, 'addScalar', [a], (gy) => sendGrad(a, gy));
}

/**
 * An elementwise op whose derivative is written from x and y. `f` and `df` are
 * called once per element, outside any closure allocation in the loop.
 */
function unary(
  name: string,
  a: Tensor,
  f: (x: number) => number,
  df: (x: number, y: number) => number,
): Tensor {
  const x = a.data;
  const y = new Tensor(allocate(a.dtype, a.size), a.shape);
  const yd = y.data;
  for (let i = 0; i < x.length; i++) yd[i] = f(x[i]!);
  return record(y, name, [a], (gy) => {
    const gx = allocate(a.dtype, gy.length);
    for (let i = 0; i < gy.length; i++) gx[i] = gy[i]! * df(x[i]!, yd[i]!);
    sendGrad(a, gx);
  });
}

export function exp(a: Tensor): Tensor {
  return unary('exp', a, Math.exp, (_x, y) => y);
}
export function log(a: Tensor): Tensor {
  return unary('log', a, Math.log, (x) => 1 / x);
}
export function sqrt(a: Tensor): Tensor {
  return unary('sqrt', a, Math.sqrt, (_x, y) => 0.5 / y);
}
export function square(a: Tensor): Tensor {
  return unary(
    'square',
    a,
    (x) => x * x,
    (x) => 2 * x,
  );
}
/** |a|, with the subgradient 0 at 0 (as sign(0) in PyTorch and TF). */
export function abs(a: Tensor): Tensor {
  return unary('abs', a, Math.abs, (x) => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : Number.NaN));
}
/** a clipped to [lo, hi]; the gradient passes where lo ≤ a ≤ hi (PyTorch's convention). */
export function clamp(a: Tensor, lo: number, hi: number): Tensor {
  if (lo > hi) throw new RangeError(`clamp: lower bound ${lo} is above upper bound ${hi}`);
  return unary(
    'clamp',
    a,
    (x) => (x < lo ? lo : Math.min(x, hi)),
    (x) => (x >= lo && x <= hi ? 1 : Number.isNaN(x) ? Number.NaN : 0),
  );
}
/** a^s for a fixed exponent s. */
export function powScalar(a: Tensor, s: number): Tensor {
  if (s === 2) return square(a);
  return unary(
    'powScalar',
    a,
    (x) => x ** s,
    (x) => (s === 0 ? 0 : s * x ** (s - 1)),
  );
}

/** x + b with b of shape [C] added along the last axis of x (Dense and Conv2D biases). */
export function biasAdd(x: Tensor, b: Tensor): Tensor {
  const cols = x.shape[x.rank - 1];
  if (x.rank < 1 || b.rank !== 1 || b.shape[0] !== cols) {
    throw new RangeError(
      `biasAdd: bias ${shapeText(b.shape)} does not match the last axis of ${shapeText(x.shape)}`,
    );
  }
  const rows = cols === 0 ? 0 : x.size / cols!;
  const dtype = resultDType(x.dtype, b.dtype);
  const be = getBackend();
  const y = new Tensor(allocate(dtype, x.size), x.shape);
  be.biasAdd(x.data, b.data, rows, cols!, y.data);
  return record(y, 'biasAdd', [x, b], (gy) => {
    sendGrad(x, reduceTo(gy, x.shape, x));
    const gb = allocate(b.dtype, cols!);
    be.biasGrad(gy, rows, cols!, gb);
    sendGrad(b, gb);
  });
}
