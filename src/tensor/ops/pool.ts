/** Max and average pooling over NHWC images, and global average pooling. */
import { getBackend, type Pool2DGeometry } from '../../kernels/backend.js';
import { allocate, record, sendGrad, shapeText, Tensor } from '../tensor.js';
import { scale } from './arithmetic.js';
import { checkPadding, outputLength, type Padding } from './conv.js';
import { sum } from './reduce.js';
import { reshape } from './shape.js';
import { pair } from './shapes.js';

export interface Pool2DOptions {
  /** Window size (default 2×2). */
  readonly poolSize?: number | readonly [number, number];
  /** Step between windows (default: the pool size, as Keras). */
  readonly strides?: number | readonly [number, number];
  readonly padding?: Padding;
}

function poolGeometry(
  op: string,
  shape: readonly number[],
  options: Pool2DOptions,
): Pool2DGeometry {
  if (shape.length !== 4)
    throw new RangeError(`${op}: input ${shapeText(shape)} must be NHWC (rank 4)`);
  const [poolH, poolW] = pair(options.poolSize, 2, 'poolSize', op);
  const strides = options.strides ?? ([poolH, poolW] as const);
  const [strideH, strideW] = pair(strides, 1, 'strides', op);
  const padding = checkPadding(options.padding ?? 'valid', op);
  const [batch, inH, inW, channels] = shape as [number, number, number, number];
  const h = outputLength(inH, poolH, strideH, 1, padding);
  const w = outputLength(inW, poolW, strideW, 1, padding);
  if (h.out < 1 || w.out < 1) {
    throw new RangeError(
      `${op}: window ${poolH}x${poolW} is larger than the input ${shapeText(shape)}`,
    );
  }
  return {
    batch,
    inH,
    inW,
    channels,
    outH: h.out,
    outW: w.out,
    poolH,
    poolW,
    strideH,
    strideW,
    padTop: h.padBefore,
    padLeft: w.padBefore,
  };
}

function outTensor(x: Tensor, g: Pool2DGeometry): Tensor {
  return new Tensor(allocate(x.dtype, g.batch * g.outH * g.outW * g.channels), [
    g.batch,
    g.outH,
    g.outW,
    g.channels,
  ]);
}

/** Max over each window ('same' padding never wins: padded cells are not candidates). */
export function maxPool2d(x: Tensor, options: Pool2DOptions = {}): Tensor {
  const g = poolGeometry('maxPool2d', x.shape, options);
  const be = getBackend();
  const y = outTensor(x, g);
  const argmax = new Int32Array(y.size);
  be.maxPool2dForward(g, x.data, y.data, argmax);
  return record(y, 'maxPool2d', [x], (gy) => {
    const gx = allocate(x.dtype, x.size);
    be.maxPool2dBackward(gy, argmax, gx);
    sendGrad(x, gx);
  });
}

/** Mean over each window's cells inside the image (padding is not counted, as in TF). */
export function avgPool2d(x: Tensor, options: Pool2DOptions = {}): Tensor {
  const g = poolGeometry('avgPool2d', x.shape, options);
  const be = getBackend();
  const y = outTensor(x, g);
  be.avgPool2dForward(g, x.data, y.data);
  return record(y, 'avgPool2d', [x], (gy) => {
    const gx = allocate(x.dtype, x.size);
    be.avgPool2dBackward(g, gy, gx);
    sendGrad(x, gx);
  });
}

/** [N, H, W, C] -> [N, C], the mean over each feature map. */
export function globalAvgPool2d(x: Tensor): Tensor {
  if (x.rank !== 4)
    throw new RangeError(`globalAvgPool2d: input ${shapeText(x.shape)} must be NHWC (rank 4)`);
  const [n, h, w, c] = x.shape as [number, number, number, number];
  return scale(sum(reshape(x, [n, h * w, c]), 1), 1 / (h * w));
}
