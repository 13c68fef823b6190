// im2col and its adjoint col2im for 2-D convolution over NHWC images: with
// them a convolution is one GEMM per chunk of images (see sgemm). The host
// writes the geometry as fifteen i32 in Conv2DGeometry's field order.

const IN_H = 4;
const IN_W = 8;
const IN_C = 12;
const OUT_H = 16;
const OUT_W = 20;
// OUT_C = 24 is not needed here.
const KH = 28;
const KW = 32;
const STRIDE_H = 36;
const STRIDE_W = 40;
const DIL_H = 44;
const DIL_W = 48;
const PAD_TOP = 52;
const PAD_LEFT = 56;

/** dst[0..n] = src[0..n] (floats), four at a time. */
// @ts-ignore: decorator
@inline function copyRun(dst: usize, src: usize, n: i32): void {
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const o = (<usize>t) << 2;
    v128.store(dst + o, v128.load(src + o));
  }
  for (; t < n; t++) {
    const o = (<usize>t) << 2;
    store<f32>(dst + o, load<f32>(src + o));
  }
}

/** dst[0..n] += src[0..n] (floats), four at a time. */
// @ts-ignore: decorator
@inline function addRun(dst: usize, src: usize, n: i32): void {
  let t = 0;
  for (; t + 4 <= n; t += 4) {
    const o = (<usize>t) << 2;
    v128.store(dst + o, f32x4.add(v128.load(dst + o), v128.load(src + o)));
  }
  for (; t < n; t++) {
    const o = (<usize>t) << 2;
    store<f32>(dst + o, load<f32>(dst + o) + load<f32>(src + o));
  }
}

/**
 * The column matrix of images n0..n1 (x points at image 0):
 * cols[(img·outH + oy)·outW + ox, (ky·kw + kx)·inC + c] = x[img, iy, ix, c], 0 outside the image.
 * With dilation 1 a kernel row inside the image is one contiguous run of kw·inC values.
 */
export function im2col(g: usize, x: usize, n0: i32, n1: i32, cols: usize): void {
  const inH = load<i32>(g, IN_H);
  const inW = load<i32>(g, IN_W);
  const inC = load<i32>(g, IN_C);
  const outH = load<i32>(g, OUT_H);
  const outW = load<i32>(g, OUT_W);
  const kh = load<i32>(g, KH);
  const kw = load<i32>(g, KW);
  const sh = load<i32>(g, STRIDE_H);
  const sw = load<i32>(g, STRIDE_W);
  const dh = load<i32>(g, DIL_H);
  const dw = load<i32>(g, DIL_W);
  const padTop = load<i32>(g, PAD_TOP);
  const padLeft = load<i32>(g, PAD_LEFT);
  const run = kw * inC;
  const runBytes = (<usize>run) << 2;
  const cBytes = (<usize>inC) << 2;
  let q = cols;
  for (let img = n0; img < n1; img++) {
    const xImg = x + ((<usize>(img * inH * inW * inC)) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft;
        const rowFits = dw == 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky * dh;
          if (iy < 0 || iy >= inH) {
            memory.fill(q, 0, runBytes);
            q += runBytes;
            continue;
          }
          const rowBase = xImg + ((<usize>(iy * inW * inC)) << 2);
          if (rowFits) {
            copyRun(q, rowBase + ((<usize>(ix0 * inC)) << 2), run);
            q += runBytes;
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dw;
            if (ix >= 0 && ix < inW) copyRun(q, rowBase + ((<usize>(ix * inC)) << 2), inC);
            else memory.fill(q, 0, cBytes);
            q += cBytes;
          }
        }
      }
    }
  }
}

/** gx[img, iy, ix, c] += gcols[...] for images n0..n1: the adjoint of im2col. */
export function col2im(g: usize, gcols: usize, n0: i32, n1: i32, gx: usize): void {
  const inH = load<i32>(g, IN_H);
  const inW = load<i32>(g, IN_W);
  const inC = load<i32>(g, IN_C);
  const outH = load<i32>(g, OUT_H);
  const outW = load<i32>(g, OUT_W);
  const kh = load<i32>(g, KH);
  const kw = load<i32>(g, KW);
  const sh = load<i32>(g, STRIDE_H);
  const sw = load<i32>(g, STRIDE_W);
  const dh = load<i32>(g, DIL_H);
  const dw = load<i32>(g, DIL_W);
  const padTop = load<i32>(g, PAD_TOP);
  const padLeft = load<i32>(g, PAD_LEFT);
  const run = kw * inC;
  const runBytes = (<usize>run) << 2;
  const cBytes = (<usize>inC) << 2;
  let q = gcols;
  for (let img = n0; img < n1; img++) {
    const xImg = gx + ((<usize>(img * inH * inW * inC)) << 2);
    for (let oy = 0; oy < outH; oy++) {
      const iy0 = oy * sh - padTop;
      for (let ox = 0; ox < outW; ox++) {
        const ix0 = ox * sw - padLeft;
        const rowFits = dw == 1 && ix0 >= 0 && ix0 + kw <= inW;
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky * dh;
          if (iy < 0 || iy >= inH) {
            q += runBytes;
            continue;
          }
          const rowBase = xImg + ((<usize>(iy * inW * inC)) << 2);
          if (rowFits) {
            addRun(rowBase + ((<usize>(ix0 * inC)) << 2), q, run);
            q += runBytes;
            continue;
          }
          for (let kx = 0; kx < kw; kx++) {
            const ix = ix0 + kx * dw;
            if (ix >= 0 && ix < inW) addRun(rowBase + ((<usize>(ix * inC)) << 2), q, inC);
            q += cBytes;
          }
        }
      }
    }
  }
}
