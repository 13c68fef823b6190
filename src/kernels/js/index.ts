/** The portable reference backend: plain TypeScript loops. */
import {
  backwardInto,
  forwardInto,
  paramGrads,
  vectorBackwardInto,
  vectorForwardInto,
} from '../../activations/kernels.js';
import { type Backend, registerBackend } from '../backend.js';
import { conv2dBackwardFilter, conv2dBackwardInput, conv2dForward } from './conv.js';
import {
  composedBiasActivation,
  composedConvBiasActivation,
  composedDenseBiasActivation,
} from './fused.js';
import { gemm } from './gemm.js';
import { jsOptimizerKernels } from './optim.js';
import {
  avgPool2dBackward,
  avgPool2dForward,
  maxPool2dBackward,
  maxPool2dForward,
} from './pool.js';
import {
  biasAdd,
  biasGrad,
  maxAxis,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
  sumAxis,
} from './reduce.js';

const bias = composedBiasActivation({ unaryForward: forwardInto, unaryBackward: backwardInto });

export const jsBackend: Backend = {
  name: 'js',
  unaryForward: forwardInto,
  unaryBackward: backwardInto,
  unaryParamGrads: paramGrads,
  vectorForward: vectorForwardInto,
  vectorBackward: vectorBackwardInto,
  gemm,
  conv2dForward,
  conv2dBackwardInput,
  conv2dBackwardFilter,
  maxPool2dForward,
  maxPool2dBackward,
  avgPool2dForward,
  avgPool2dBackward,
  biasAdd,
  biasGrad,
  sumAxis,
  maxAxis,
  softmaxCrossEntropy,
  softmaxCrossEntropyBackward,
  ...bias,
  ...composedConvBiasActivation({
    conv2dForward,
    conv2dBackwardInput,
    conv2dBackwardFilter,
    ...bias,
  }),
  ...composedDenseBiasActivation({ gemm, ...bias }),
  optimizer: jsOptimizerKernels,
};

registerBackend(jsBackend);
