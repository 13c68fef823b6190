/**
 * Activation ops on tensors, derived from the catalogue: one generic node for
 * every elementwise spec (saving y when the spec's derivative is cheaper from
 * the output, else x), so derivative conventions live only in the specs.
 */
import { savesOutput, vectorOutShape } from '../../activations/kernels.js';
import { resolveElementwise, resolveVector } from '../../activations/registry.js';
import type { ElementwiseSpec, Params, ParamValue, VectorSpec } from '../../activations/types.js';
import { getBackend } from '../../kernels/backend.js';
import { allocateUninit, record, sendGrad, sizeOf, Tensor } from '../tensor.js';

export function applyElementwise(spec: ElementwiseSpec, p: Params, x: Tensor): Tensor {
  const backend = getBackend();
  const y = new Tensor(allocateUninit(x.dtype, x.size), x.shape);
  backend.unaryForward(spec, p, x.data, y.data);
  const fromY = savesOutput(spec);
  return record(y, spec.id, [x], (gy) => {
    const gx = allocateUninit(x.dtype, x.size);
    backend.unaryBackward(spec, p, fromY ? y.data : x.data, gy, gx, fromY);
    sendGrad(x, gx, true);
  });
}

/** `activation(x, 'gelu', {approximate: 'tanh'})`: any elementwise catalogue entry by name. */
export function activation(
  x: Tensor,
  name: string,
  params: Readonly<Record<string, ParamValue>> = {},
): Tensor {
  const { spec, params: p } = resolveElementwise(name, params);
  return applyElementwise(spec, p, x);
}

export function applyVector(spec: VectorSpec, p: Params, x: Tensor, axis: number): Tensor {
  const backend = getBackend();
  const shape = vectorOutShape(spec, p, x.shape, axis);
  const y = new Tensor(allocateUninit(x.dtype, sizeOf(shape)), shape);
  backend.vectorForward(spec, p, x.data, x.shape, axis, y.data);
  return record(y, spec.id, [x], (gy) => {
    const gx = allocateUninit(x.dtype, x.size);
    backend.vectorBackward(spec, p, x.data, y.data, gy, x.shape, axis, gx);
    sendGrad(x, gx, true);
  });
}

/** A vector catalogue entry (softmax, log_softmax, glu...) applied along `axis`. */
export function vectorActivation(
  x: Tensor,
  name: string,
  params: Readonly<Record<string, ParamValue>> = {},
  axis = -1,
): Tensor {
  const { spec, params: p } = resolveVector(name, params);
  return applyVector(spec, p, x, axis);
}

export function softmax(x: Tensor, axis = -1): Tensor {
  return vectorActivation(x, 'softmax', {}, axis);
}

/** log(softmax(x)), computed stably as x − logsumexp(x). */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  return vectorActivation(x, 'log_softmax', {}, axis);
}
