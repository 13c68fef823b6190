/**
 * An elementwise activation whose learnable parameters are tensors (swish
 * beta, elu alpha, snake alpha): the forward is the spec's f with their current
 * values; backward sends x its gradient through the spec's df and each
 * parameter Σ gy · ∂f/∂θ through the spec's dParams.
 */
import type { ElementwiseSpec, Params } from '../../activations/types.js';
import { getBackend } from '../../kernels/backend.js';
import { allocate, record, sendGrad, Tensor } from '../../tensor/tensor.js';

export function learnableActivation(
  x: Tensor,
  spec: ElementwiseSpec,
  fixed: Params,
  learnable: Readonly<Record<string, Tensor>>,
): Tensor {
  const p: Record<string, number | string> = { ...fixed };
  for (const [k, t] of Object.entries(learnable)) p[k] = t.data[0]!;
  const backend = getBackend();
  const y = new Tensor(allocate(x.dtype, x.size), x.shape);
  backend.unaryForward(spec, p, x.data, y.data);
  const inputs = [x, ...Object.values(learnable)];
  return record(y, `${spec.id}_learnable`, inputs, (gy) => {
    const gx = allocate(x.dtype, x.size);
    backend.unaryBackward(spec, p, x.data, gy, gx, false);
    sendGrad(x, gx);
    const sums = backend.unaryParamGrads(spec, p, x.data, gy);
    for (const [k, t] of Object.entries(learnable)) {
      sendGrad(t, allocate(t.dtype, 1).fill(sums[k] ?? 0));
    }
  });
}
