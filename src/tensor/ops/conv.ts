/** 2-D convolution over NHWC images (Keras layout: kernel [kh, kw, inChannels, outChannels]). */
import { type Conv2DGeometry, getBackend } from '../../kernels/backend.js';
import { allocateUninit, receivesGrad, record, sendGrad, shapeText, Tensor } from '../tensor.js';
import { pair, resultDType } from './shapes.js';

export type Padding = 'same' | 'valid';

export interface Conv2DOptions {
  readonly strides?: number | readonly [number, number];
  readonly padding?: Padding;
  readonly dilation?: number | readonly [number, number];
}

/**
 * Output length and leading padding along one axis. 'same' is TensorFlow's:
 * out = ceil(in / stride) and the total padding is split with the extra row or
 * column at the end (bottom/right).
 */
export function outputLength(
  input: number,
  kernel: number,
  stride: number,
  dilation: number,
  padding: Padding,
): { out: number; padBefore: number } {
  const span = (kernel - 1) * dilation + 1;
  if (padding === 'same') {
    const out = Math.ceil(input / stride);
    const total = Math.max((out - 1) * stride + span - input, 0);
    return { out, padBefore: Math.floor(total / 2) };
  }
  return { out: Math.max(0, Math.floor((input - span) / stride) + 1), padBefore: 0 };
}

export function checkPadding(padding: unknown, op: string): Padding {
  if (padding !== 'same' && padding !== 'valid') {
    throw new RangeError(
      `${op}: padding must be 'same' or 'valid', got ${JSON.stringify(padding)}`,
    );
  }
  return padding;
}

export function conv2dGeometry(
  xShape: readonly number[],
  wShape: readonly number[],
  options: Conv2DOptions = {},
): Conv2DGeometry {
  if (xShape.length !== 4 || wShape.length !== 4 || wShape[2] !== xShape[3]) {
    throw new RangeError(
      `conv2d: input ${shapeText(xShape)} (NHWC) and kernel ${shapeText(wShape)} ([kh, kw, inChannels, outChannels]) do not fit`,
    );
  }
  const [strideH, strideW] = pair(options.strides, 1, 'strides', 'conv2d');
  const [dilationH, dilationW] = pair(options.dilation, 1, 'dilation', 'conv2d');
  const padding = checkPadding(options.padding ?? 'valid', 'conv2d');
  const [batch, inH, inW, inC] = xShape as [number, number, number, number];
  const [kh, kw, , outC] = wShape as [number, number, number, number];
  const h = outputLength(inH, kh, strideH, dilationH, padding);
  const w = outputLength(inW, kw, strideW, dilationW, padding);
  if (h.out < 1 || w.out < 1) {
    throw new RangeError(
      `conv2d: kernel ${shapeText(wShape)} with dilation ${dilationH}x${dilationW} is larger than the input ${shapeText(xShape)} with padding 'valid'`,
    );
  }
  return {
    batch,
    inH,
    inW,
    inC,
    outH: h.out,
    outW: w.out,
    outC,
    kh,
    kw,
    strideH,
    strideW,
    dilationH,
    dilationW,
    padTop: h.padBefore,
    padLeft: w.padBefore,
  };
}

/** conv2d(x [N, H, W, C], w [kh, kw, C, F]) -> [N, outH, outW, F] (cross-correlation, as every framework). */
export function conv2d(x: Tensor, w: Tensor, options: Conv2DOptions = {}): Tensor {
  const g = conv2dGeometry(x.shape, w.shape, options);
  const be = getBackend();
  const dtype = resultDType(x.dtype, w.dtype);
  const y = new Tensor(allocateUninit(dtype, g.batch * g.outH * g.outW * g.outC), [
    g.batch,
    g.outH,
    g.outW,
    g.outC,
  ]);
  be.conv2dForward(g, x.data, w.data, y.data);
  return record(y, 'conv2d', [x, w], (gy) => {
    // gx and gw are fresh and sent once: autograd may keep them (owned).
    if (receivesGrad(x)) {
      const gx = allocateUninit(x.dtype, x.size);
      be.conv2dBackwardInput(g, gy, w.data, gx);
      sendGrad(x, gx, true);
    }
    const gw = allocateUninit(w.dtype, w.size);
    be.conv2dBackwardFilter(g, x.data, gy, gw);
    sendGrad(w, gw, true);
  });
}
