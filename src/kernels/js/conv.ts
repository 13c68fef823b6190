/**
 * 2-D convolution over NHWC images as im2col + GEMM. The column matrix of a
 * chunk of images is built in a scratch buffer that is reused between calls
 * (bounded in size), so a batch never allocates a full [N·outH·outW, K] copy.
 */
import type { FloatArray } from '../../activations/kernels.js';
import type { Conv2DGeometry } from '../backend.js';
import { chunkImages, isPointwise } from '../conv-geometry.js';
import { gemm } from './gemm.js';

/** Upper bound on the elements of one column matrix (a few MB). */
const COLS_BUDGET = 1 << 20;

let scratch32 = new Float32Array(0);
let scratch64 = new Float64Array(0);

function scratchLike(a: FloatArray, n: number): FloatArray {
  if (a instanceof Float64Array) {
    if (scratch64.length < n) scratch64 = new Float64Array(n);
    return scratch64;
  }
  if (scratch32.length < n) scratch32 = new Float32Array(n);
  return scratch32;
}

/**
 * cols[(img·outH + oy)·outW + ox, (ky·kw + kx)·inC + c] = x[img, iy, ix, c] (0 outside the image).
 * With dilation 1 a kernel row inside the image is one contiguous run of kw·inC values.
 */
function im2col(g: Conv2DGeometry, x: FloatArray, n0: number, n1: number, cols: FloatArray): void {
  const { inH, inW, inC, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW } = g;
  const run = kw * inC;
  let q = 0;
  for (let img = n0; img < n1; img++) {
    const xImg = img * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - g.padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - g.padLeft;
        const rowFits = dilationW === 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            cols.fill(0, q, q + run);
            q += run;
            continue;
          }
          const rowBase = xImg + iy * inW * inC;
          if (rowFits) {
            const src = rowBase + ix0 * inC;
            for (let t = 0; t < run; t++) cols[q + t] = x[src + t]!;
            q += run;
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dilationW;
            if (ix >= 0 && ix < inW) {
              const src = rowBase + ix * inC;
              for (let c = 0; c < inC; c++) cols[q + c] = x[src + c]!;
            } else {
              for (let c = 0; c < inC; c++) cols[q + c] = 0;
            }
            q += inC;
          }
        }
      }
    }
  }
}

/** gx[img, iy, ix, c] += gcols[...]: the adjoint of im2col, with the same contiguous runs. */
function col2im(
  g: Conv2DGeometry,
  gcols: FloatArray,
  n0: number,
  n1: number,
  gx: FloatArray,
): void {
  const { inH, inW, inC, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW } = g;
  const run = kw * inC;
  let q = 0;
  for (let img = n0; img < n1; img++) {
    const xImg = img * inH * inW * inC;
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * strideH - g.padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * strideW - g.padLeft;
        const rowFits = dilationW === 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky * dilationH;
          if (iy < 0 || iy >= inH) {
            q += run;
            continue;
          }
          const rowBase = xImg + iy * inW * inC;
          if (rowFits) {
            const dst = rowBase + ix0 * inC;
            for (let t = 0; t < run; t++) gx[dst + t] += gcols[q + t]!;
            q += run;
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dilationW;
            if (ix >= 0 && ix < inW) {
              const dst = rowBase + ix * inC;
              for (let c = 0; c < inC; c++) gx[dst + c] += gcols[q + c]!;
            }
            q += inC;
          }
        }
      }
    }
  }
}

export function conv2dForward(
  g: Conv2DGeometry,
  x: FloatArray,
  w: FloatArray,
  y: FloatArray,
): void {
  const kSize = g.kh * g.kw * g.inC;
  const perImage = g.outH * g.outW;
  if (isPointwise(g)) {
    gemm(false, false, g.batch * perImage, g.outC, kSize, 1, x, 0, w, 0, 0, y, 0);
    return;
  }
  // The kernel transposed to [outC, K] makes every output a dot product of two contiguous rows.
  const wT = w instanceof Float64Array ? new Float64Array(w.length) : new Float32Array(w.length);
  for (let p = 0; p < kSize; p++)
    for (let o = 0; o < g.outC; o++) wT[o * kSize + p] = w[p * g.outC + o]!;
  const chunk = chunkImages(g, COLS_BUDGET);
  const cols = scratchLike(x, chunk * perImage * kSize);
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const n1 = Math.min(g.batch, n0 + chunk);
    im2col(g, x, n0, n1, cols);
    const rows = (n1 - n0) * perImage;
    gemm(false, true, rows, g.outC, kSize, 1, cols, 0, wT, 0, 0, y, n0 * perImage * g.outC);
  }
}

export function conv2dBackwardInput(
  g: Conv2DGeometry,
  gy: FloatArray,
  w: FloatArray,
  gx: FloatArray,
): void {
  const kSize = g.kh * g.kw * g.inC;
  const perImage = g.outH * g.outW;
  if (isPointwise(g)) {
    gemm(false, true, g.batch * perImage, kSize, g.outC, 1, gy, 0, w, 0, 0, gx, 0);
    return;
  }
  gx.fill(0);
  const chunk = chunkImages(g, COLS_BUDGET);
  const gcols = scratchLike(gy, chunk * perImage * kSize);
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const n1 = Math.min(g.batch, n0 + chunk);
    const rows = (n1 - n0) * perImage;
    gemm(false, true, rows, kSize, g.outC, 1, gy, n0 * perImage * g.outC, w, 0, 0, gcols, 0);
    col2im(g, gcols, n0, n1, gx);
  }
}

export function conv2dBackwardFilter(
  g: Conv2DGeometry,
  x: FloatArray,
  gy: FloatArray,
  gw: FloatArray,
): void {
  const kSize = g.kh * g.kw * g.inC;
  const perImage = g.outH * g.outW;
  if (isPointwise(g)) {
    gemm(true, false, kSize, g.outC, g.batch * perImage, 1, x, 0, gy, 0, 0, gw, 0);
    return;
  }
  gw.fill(0);
  const chunk = chunkImages(g, COLS_BUDGET);
  const cols = scratchLike(x, chunk * perImage * kSize);
  for (let n0 = 0; n0 < g.batch; n0 += chunk) {
    const n1 = Math.min(g.batch, n0 + chunk);
    im2col(g, x, n0, n1, cols);
    const rows = (n1 - n0) * perImage;
    gemm(true, false, kSize, g.outC, rows, 1, cols, 0, gy, n0 * perImage * g.outC, 1, gw, 0);
  }
}
