/**
 * Activation ops on tensors, derived from the catalogue: one generic node for
 * every elementwise spec (saving y when the spec's derivative is cheaper from
 * the output, else x), so derivative conventions live only in the specs.
 */
import { savesOutput } from '../../activations/kernels.js';
import { resolveElementwise } from '../../activations/registry.js';
import type { ElementwiseSpec, Params, ParamValue } from '../../activations/types.js';
import { getBackend } from '../../kernels/backend.js';
import { allocate, record, sendGrad, Tensor } from '../tensor.js';

export function applyElementwise(spec: ElementwiseSpec, p: Params, x: Tensor): Tensor {
  const backend = getBackend();
  const y = new Tensor(allocate(x.dtype, x.size), x.shape);
  backend.unaryForward(spec, p, x.data, y.data);
  const fromY = savesOutput(spec);
  return record(y, spec.id, [x], (gy) => {
    const gx = allocate(x.dtype, x.size);
    backend.unaryBackward(spec, p, fromY ? y.data : x.data, gy, gx, fromY);
    sendGrad(x, gx);
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
