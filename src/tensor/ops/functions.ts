/**
 * Plain activation functions on tensors, `relu(x)`, `gelu(x, {approximate:
 * 'tanh'})`: each is the catalogue entry of that name applied elementwise,
 * made by one factory, so the catalogue stays the only place with the math.
 */
import type { ParamValue } from '../../activations/types.js';
import type { Tensor } from '../tensor.js';
import { activation } from './activation.js';

export type ActivationFunction = (
  x: Tensor,
  params?: Readonly<Record<string, ParamValue>>,
) => Tensor;

/** `x => activation(x, name, params)`; the name is resolved at each call. */
export function activationFunction(name: string): ActivationFunction {
  return (x, params = {}) => activation(x, name, params);
}

export const relu = activationFunction('relu');
export const relu6 = activationFunction('relu6');
export const leakyRelu = activationFunction('leaky_relu');
export const elu = activationFunction('elu');
export const selu = activationFunction('selu');
export const celu = activationFunction('celu');
export const gelu = activationFunction('gelu');
export const sigmoid = activationFunction('sigmoid');
export const tanh = activationFunction('tanh');
export const softplus = activationFunction('softplus');
export const softsign = activationFunction('softsign');
export const swish = activationFunction('swish');
export const silu = activationFunction('silu');
export const mish = activationFunction('mish');
export const hardSigmoid = activationFunction('hard_sigmoid');
export const hardSwish = activationFunction('hard_swish');
export const hardTanh = activationFunction('hardtanh');
