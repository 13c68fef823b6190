/** The portable reference backend: plain TypeScript loops. */
import { backwardInto, forwardInto } from '../../activations/kernels.js';
import { type Backend, registerBackend } from '../backend.js';
import { gemm } from './gemm.js';

export const jsBackend: Backend = {
  name: 'js',
  unaryForward: forwardInto,
  unaryBackward: backwardInto,
  gemm,
};

registerBackend(jsBackend);
