/** The portable reference backend: plain TypeScript loops. */
import {
  backwardInto,
  forwardInto,
  vectorBackwardInto,
  vectorForwardInto,
} from '../../activations/kernels.js';
import { type Backend, registerBackend } from '../backend.js';
import { conv2dBackwardFilter, conv2dBackwardInput, conv2dForward } from './conv.js';
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

export const jsBackend: Backend = {
  name: 'js',
  unaryForward: forwardInto,
  unaryBackward: backwardInto,
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
  optimizer: jsOptimizerKernels,
};

registerBackend(jsBackend);
