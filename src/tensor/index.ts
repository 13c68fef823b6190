/**
 * The tensor layer: Tensor, autograd and the ops. Importing it registers the
 * backends and selects the default (wasm where SIMD is available, else js;
 * ACTLAB_BACKEND overrides), so ops work without any setup.
 */
import '../kernels/select.js';

export {
  activation,
  applyElementwise,
  applyVector,
  logSoftmax,
  softmax,
  vectorActivation,
} from './ops/activation.js';
export {
  abs,
  add,
  addScalar,
  biasAdd,
  clamp,
  div,
  exp,
  log,
  mul,
  neg,
  powScalar,
  scale,
  sqrt,
  square,
  sub,
} from './ops/arithmetic.js';
export {
  biasActivation,
  conv2dBiasActivation,
  denseBiasActivation,
} from './ops/bias-activation.js';
export { type Conv2DOptions, conv2d, type Padding } from './ops/conv.js';
export { full, ones, tensor, zeros } from './ops/creation.js';
export { alphaDropout, dropout } from './ops/dropout.js';
export * from './ops/functions.js';
export { matmul, transpose } from './ops/linalg.js';
export {
  binaryCrossentropy,
  type CrossentropyOptions,
  categoricalCrossentropy,
  huber,
  meanSquaredError,
  sparseCategoricalCrossentropy,
} from './ops/losses.js';
export { avgPool2d, globalAvgPool2d, maxPool2d, type Pool2DOptions } from './ops/pool.js';
export { type Axes, max, mean, sum } from './ops/reduce.js';
export { concat, flatten, reshape, slice, split } from './ops/shape.js';
export { broadcastShapes } from './ops/shapes.js';
export { Random, type RandomState } from './random.js';
export { inScope, keep, tidy } from './scope.js';
export {
  type DType,
  type FloatArray,
  type GradNode,
  noGrad,
  type Shape,
  shapeText,
  sizeOf,
  Tensor,
} from './tensor.js';
