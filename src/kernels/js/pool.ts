/** Max and average pooling over NHWC images, each channel on its own. */
import type { FloatArray } from '../../activations/kernels.js';
import type { Pool2DGeometry } from '../backend.js';

export function maxPool2dForward(
  g: Pool2DGeometry,
  x: FloatArray,
  y: FloatArray,
  argmax: Int32Array,
): void {
  const { batch, inH, inW, channels: ch, outH, outW, poolH, poolW, strideH, strideW } = g;
  let o = 0;
  for (let img = 0; img < batch; img++) {
    const xImg = img * inH * inW * ch;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * strideH - g.padTop);
      const y1 = Math.min(inH, oy * strideH - g.padTop + poolH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = Math.max(0, ox * strideW - g.padLeft);
        const x1 = Math.min(inW, ox * strideW - g.padLeft + poolW);
        for (let c = 0; c < ch; c++) {
          let best = Number.NEGATIVE_INFINITY;
          let at = -1;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const idx = xImg + (iy * inW + ix) * ch + c;
              const v = x[idx]!;
              // NaN wins so that it propagates; otherwise the first maximum is kept.
              if (v > best || at < 0 || (Number.isNaN(v) && !Number.isNaN(best))) {
                best = v;
                at = idx;
              }
            }
          }
          y[o] = at < 0 ? 0 : best;
          argmax[o] = at;
          o++;
        }
      }
    }
  }
}

export function maxPool2dBackward(gy: FloatArray, argmax: Int32Array, gx: FloatArray): void {
  gx.fill(0);
  for (let o = 0; o < gy.length; o++) {
    const at = argmax[o]!;
    if (at >= 0) gx[at] += gy[o]!;
  }
}

export function avgPool2dForward(g: Pool2DGeometry, x: FloatArray, y: FloatArray): void {
  const { batch, inH, inW, channels: ch, outH, outW, poolH, poolW, strideH, strideW } = g;
  let o = 0;
  for (let img = 0; img < batch; img++) {
    const xImg = img * inH * inW * ch;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * strideH - g.padTop);
      const y1 = Math.min(inH, oy * strideH - g.padTop + poolH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = Math.max(0, ox * strideW - g.padLeft);
        const x1 = Math.min(inW, ox * strideW - g.padLeft + poolW);
        const count = Math.max(0, y1 - y0) * Math.max(0, x1 - x0);
        const inv = count > 0 ? 1 / count : 0;
        for (let c = 0; c < ch; c++) {
          let s = 0;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) s += x[xImg + (iy * inW + ix) * ch + c]!;
          }
          y[o++] = s * inv;
        }
      }
    }
  }
}

export function avgPool2dBackward(g: Pool2DGeometry, gy: FloatArray, gx: FloatArray): void {
  const { batch, inH, inW, channels: ch, outH, outW, poolH, poolW, strideH, strideW } = g;
  gx.fill(0);
  let o = 0;
  for (let img = 0; img < batch; img++) {
    const xImg = img * inH * inW * ch;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = Math.max(0, oy * strideH - g.padTop);
      const y1 = Math.min(inH, oy * strideH - g.padTop + poolH);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = Math.max(0, ox * strideW - g.padLeft);
        const x1 = Math.min(inW, ox * strideW - g.padLeft + poolW);
        const count = Math.max(0, y1 - y0) * Math.max(0, x1 - x0);
        const inv = count > 0 ? 1 / count : 0;
        for (let c = 0; c < ch; c++) {
          const share = gy[o++]! * inv;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) gx[xImg + (iy * inW + ix) * ch + c] += share;
          }
        }
      }
    }
  }
}
