/**
 * act(x + b) as one op: a layer's bias and elementwise activation; and
 * act(x·w + b) and act(conv2d(x, w) + b), a Dense or Conv2D layer's whole call. They give the values
 * and gradients of the separate ops, but the backend does the work in one
 * call each way, and the pre-activation is not kept unless the activation's
 * derivative needs it (it is not computed from y).
 */
import { savesOutput } from '../../activations/kernels.js';
import type { ElementwiseSpec, Params } from '../../activations/types.js';
import { getBackend } from '../../kernels/backend.js';
import {
  allocate,
  allocateUninit,
  needsGrad,
  receivesGrad,
  record,
  sendGrad,
  shapeText,
  Tensor,
} from '../tensor.js';
import { applyElementwise } from './activation.js';
import { biasAdd } from './arithmetic.js';
import { type Conv2DOptions, conv2d, conv2dGeometry } from './conv.js';
import { matmul } from './linalg.js';

export function biasActivation(x: Tensor, b: Tensor, spec: ElementwiseSpec, p: Params): Tensor {
  const cols = x.shape[x.rank - 1];
  if (x.rank < 1 || b.rank !== 1 || b.shape[0] !== cols) {
    throw new RangeError(
      `biasAdd: bias ${shapeText(b.shape)} does not match the last axis of ${shapeText(x.shape)}`,
    );
  }
  // Mixed precision promotes x + b to float64: the two ops handle that.
  if (x.dtype !== b.dtype) return applyElementwise(spec, p, biasAdd(x, b));
  const rows = cols === 0 ? 0 : x.size / cols!;
  const be = getBackend();
  const fromY = savesOutput(spec);
  const y = new Tensor(allocate(x.dtype, x.size), x.shape);
  // The pre-activation is kept only for a backward that will need it (not under noGrad).
  const pre = fromY || !needsGrad(x, b) ? null : allocate(x.dtype, x.size);
  be.biasActivationForward(spec, p, x.data, b.data, rows, cols!, y.data, pre);
  return record(y, `biasAdd+${spec.id}`, [x, b], (gy) => {
    const gz = allocate(x.dtype, x.size);
    const gb = allocate(b.dtype, cols!);
    be.biasActivationBackward(spec, p, pre ?? y.data, gy, rows, cols!, fromY, gz, gb);
    // Both arrays are fresh and sent once: autograd may keep them (owned).
    sendGrad(x, gz, true);
    sendGrad(b, gb, true);
  });
}

/** act(conv2d(x, w) + b) over NHWC images, b of length outChannels. */
export function conv2dBiasActivation(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  spec: ElementwiseSpec,
  p: Params,
  options: Conv2DOptions = {},
): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, options);
  if (b.rank !== 1 || b.shape[0] !== g.outC) {
    throw new RangeError(
      `biasAdd: bias ${shapeText(b.shape)} does not match the ${g.outC} output channels`,
    );
  }
  // Mixed precision: the separate ops promote as they should.
  if (x.dtype !== w.dtype || x.dtype !== b.dtype) {
    return biasActivation(conv2d(x, w, options), b, spec, p);
  }
  const be = getBackend();
  const fromY = savesOutput(spec);
  const shape = [g.batch, g.outH, g.outW, g.outC];
  const y = new Tensor(allocateUninit(x.dtype, g.batch * g.outH * g.outW * g.outC), shape);
  const pre = fromY || !needsGrad(x, w, b) ? null : allocateUninit(x.dtype, y.size);
  be.conv2dBiasActivationForward(g, spec, p, x.data, w.data, b.data, y.data, pre);
  return record(y, `conv2d+biasAdd+${spec.id}`, [x, w, b], (gy) => {
    // A first layer's input needs no gradient: skip the costly backward-input pass.
    const gx = receivesGrad(x) ? allocateUninit(x.dtype, x.size) : null;
    const gw = allocateUninit(w.dtype, w.size);
    const gb = allocate(b.dtype, g.outC);
    be.conv2dBiasActivationBackward(
      g,
      spec,
      p,
      x.data,
      w.data,
      pre ?? y.data,
      gy,
      fromY,
      gx,
      gw,
      gb,
    );
    // Every array is fresh and sent once: autograd may keep them (owned).
    if (gx !== null) sendGrad(x, gx, true);
    sendGrad(w, gw, true);
    sendGrad(b, gb, true);
  });
}

/** act(x·w + b) for x [rows, inDim], w [inDim, units], b [units]. */
export function denseBiasActivation(
  x: Tensor,
  w: Tensor,
  b: Tensor,
  spec: ElementwiseSpec,
  p: Params,
): Tensor {
  if (x.rank !== 2 || w.rank !== 2 || x.shape[1] !== w.shape[0]) {
    throw new RangeError(
      `matmul: cannot multiply ${shapeText(x.shape)} by ${shapeText(w.shape)} (a Dense layer needs [rows, in] · [in, units])`,
    );
  }
  const [rows, inDim] = x.shape as [number, number];
  const units = w.shape[1]!;
  if (b.rank !== 1 || b.shape[0] !== units) {
    throw new RangeError(
      `biasAdd: bias ${shapeText(b.shape)} does not match the last axis of [${rows}, ${units}]`,
    );
  }
  // Mixed precision: the separate ops promote as they should.
  if (x.dtype !== w.dtype || x.dtype !== b.dtype) {
    return biasActivation(matmul(x, w), b, spec, p);
  }
  const be = getBackend();
  const fromY = savesOutput(spec);
  const y = new Tensor(allocateUninit(x.dtype, rows * units), [rows, units]);
  const pre = fromY || !needsGrad(x, w, b) ? null : allocateUninit(x.dtype, y.size);
  be.denseBiasActivationForward(spec, p, x.data, w.data, b.data, rows, inDim, units, y.data, pre);
  return record(y, `matmul+biasAdd+${spec.id}`, [x, w, b], (gy) => {
    // A first layer's input needs no gradient: skip its product.
    const gx = receivesGrad(x) ? allocateUninit(x.dtype, x.size) : null;
    const gw = allocateUninit(w.dtype, w.size);
    const gb = allocate(b.dtype, units);
    const saved = pre ?? y.data;
    be.denseBiasActivationBackward(
      spec,
      p,
      x.data,
      w.data,
      saved,
      gy,
      rows,
      inDim,
      units,
      fromY,
      gx,
      gw,
      gb,
    );
    // Every array is fresh and sent once: autograd may keep them (owned).
    if (gx !== null) sendGrad(x, gx, true);
    sendGrad(w, gw, true);
    sendGrad(b, gb, true);
  });
}
