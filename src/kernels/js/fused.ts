/**
 * Bias + elementwise activation, the reference way: biasAdd then the
 * activation, and the activation's backward then biasGrad, each through the
 * given unary kernels. The js backend uses it as is; the wasm backend falls
 * back to it (with its own unary kernels) where it has no fused kernel.
 */
import type { FloatArray } from '../../activations/kernels.js';
import type { Backend } from '../backend.js';
import { biasAdd, biasGrad } from './reduce.js';

export type FusedBiasKernels = Pick<Backend, 'biasActivationForward' | 'biasActivationBackward'>;

export function composedBiasActivation(
  unary: Pick<Backend, 'unaryForward' | 'unaryBackward'>,
): FusedBiasKernels {
  return {
    biasActivationForward(spec, p, x, b, rows, cols, y, pre) {
      // Without `pre`, y holds x + b first and the activation runs in place.
      const z: FloatArray = pre ?? y;
      biasAdd(x, b, rows, cols, z);
      unary.unaryForward(spec, p, z, y);
    },
    biasActivationBackward(spec, p, saved, gy, rows, cols, fromY, gz, gb) {
      unary.unaryBackward(spec, p, saved, gy, gz, fromY);
      biasGrad(gz, rows, cols, gb);
    },
  };
}

export type FusedConvKernels = Pick<
  Backend,
  'conv2dBiasActivationForward' | 'conv2dBiasActivationBackward'
>;

/** Convolution then bias + activation, and back, through the given backend's own kernels. */
export function composedConvBiasActivation(
  be: Pick<
    Backend,
    | 'conv2dForward'
    | 'conv2dBackwardInput'
    | 'conv2dBackwardFilter'
    | 'biasActivationForward'
    | 'biasActivationBackward'
  >,
): FusedConvKernels {
  return {
    conv2dBiasActivationForward(g, spec, p, x, w, b, y, pre) {
      // The convolution's output goes where x + b will be: bias and activation then run in place.
      const z: FloatArray = pre ?? y;
      be.conv2dForward(g, x, w, z);
      be.biasActivationForward(spec, p, z, b, y.length / g.outC, g.outC, y, pre);
    },
    conv2dBiasActivationBackward(g, spec, p, x, w, saved, gy, fromY, gx, gw, gb) {
      const gz = new (gy instanceof Float64Array ? Float64Array : Float32Array)(gy.length);
      be.biasActivationBackward(spec, p, saved, gy, gy.length / g.outC, g.outC, fromY, gz, gb);
      if (gx !== null) be.conv2dBackwardInput(g, gz, w, gx);
      be.conv2dBackwardFilter(g, x, gz, gw);
    },
  };
}

export type FusedDenseKernels = Pick<
  Backend,
  'denseBiasActivationForward' | 'denseBiasActivationBackward'
>;

/** Product then bias + activation, and back, through the given backend's own kernels. */
export function composedDenseBiasActivation(
  be: Pick<Backend, 'gemm' | 'biasActivationForward' | 'biasActivationBackward'>,
): FusedDenseKernels {
  return {
    denseBiasActivationForward(spec, p, x, w, b, rows, inDim, units, y, pre) {
      // The product goes where x·w + b will be: bias and activation then run in place.
      const z: FloatArray = pre ?? y;
      be.gemm(false, false, rows, units, inDim, 1, x, 0, w, 0, 0, z, 0);
      be.biasActivationForward(spec, p, z, b, rows, units, y, pre);
    },
    denseBiasActivationBackward(spec, p, x, w, saved, gy, rows, inDim, units, fromY, gx, gw, gb) {
      const gz = new (gy instanceof Float64Array ? Float64Array : Float32Array)(gy.length);
      be.biasActivationBackward(spec, p, saved, gy, rows, units, fromY, gz, gb);
      if (gx !== null) be.gemm(false, true, rows, inDim, units, 1, gz, 0, w, 0, 0, gx, 0);
      be.gemm(true, false, inDim, units, rows, 1, x, 0, gz, 0, 0, gw, 0);
    },
  };
}
