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

// The geometry, read once per call into globals (a runtime object would be
// allocated at __heap_base, where the host's scratch memory begins).
let inH: i32 = 0;
let inW: i32 = 0;
let inC: i32 = 0;
let outH: i32 = 0;
let outW: i32 = 0;
let kh: i32 = 0;
let kw: i32 = 0;
let sh: i32 = 0;
let sw: i32 = 0;
let dh: i32 = 0;
let dw: i32 = 0;
let padTop: i32 = 0;
let padLeft: i32 = 0;
/** Height and width of the zero-padded image that every window lies inside. */
let hp: i32 = 0;
let wp: i32 = 0;

function readGeo(g: usize): void {
  inH = load<i32>(g, IN_H);
  inW = load<i32>(g, IN_W);
  inC = load<i32>(g, IN_C);
  outH = load<i32>(g, OUT_H);
  outW = load<i32>(g, OUT_W);
  kh = load<i32>(g, KH);
  kw = load<i32>(g, KW);
  sh = load<i32>(g, STRIDE_H);
  sw = load<i32>(g, STRIDE_W);
  dh = load<i32>(g, DIL_H);
  dw = load<i32>(g, DIL_W);
  padTop = load<i32>(g, PAD_TOP);
  padLeft = load<i32>(g, PAD_LEFT);
  hp = (outH - 1) * sh + (kh - 1) * dh + 1;
  wp = (outW - 1) * sw + (kw - 1) * dw + 1;
}

/** Bytes of the padded-image workspace that im2col and col2im take. */
export function convPadBytes(g: usize): i32 {
  readGeo(g);
  return hp * wp * inC * 4;
}

/**
 * Moves one image between its padded copy `pad` and its rows of the column
 * matrix at q: cols[oy·outW + ox, (ky·kw + kx)·inC + c] = pad[oy·sh + ky·dh,
 * ox·sw + kx·dw, c] (gather), or pad += the columns (adjoint: scatter-add).
 * `adjoint` is a constant at every call, so each caller inlines one loop.
 * Output pixels are innermost: a few floats per run (5 for a 5×5 kernel over
 * one channel), so the loop around each run has to be the cheap one.
 */
// @ts-ignore: decorator
@inline function windows(pad: usize, q: usize, adjoint: bool): void {
  const rowBytes = (<usize>(wp * inC)) << 2;
  // With dilation 1 a kernel row is one contiguous run of kw·inC floats.
  const run = dw == 1 ? kw * inC : inC;
  const runs = dw == 1 ? 1 : kw;
  const runBytes = (<usize>run) << 2;
  const kxStep = (<usize>(dw * inC)) << 2;
  const oxStep = (<usize>(sw * inC)) << 2;
  const kRowBytes = (<usize>(kw * inC)) << 2;
  /** Bytes of one row of the column matrix (kh·kw·inC floats). */
  const colBytes = <usize>kh * kRowBytes;
  for (let oy = 0; oy < outH; oy++) {
    for (let ky = 0; ky < kh; ky++) {
      const padRow = pad + <usize>(oy * sh + ky * dh) * rowBytes;
      for (let r = 0; r < runs; r++) {
        let at = padRow + <usize>r * kxStep;
        let c = q + <usize>ky * kRowBytes + <usize>r * runBytes;
        for (let ox = 0; ox < outW; ox++) {
          if (adjoint) addRun(at, c, run);
          else copyRun(c, at, run);
          c += colBytes;
          at += oxStep;
        }
      }
    }
    q += <usize>outW * colBytes;
  }
}

/** Floats of one image's rows of the column matrix. */
// @ts-ignore: decorator
@inline function imageColFloats(): usize {
  return <usize>(outH * outW) * <usize>(kh * kw * inC);
}

/**
 * The column matrix of images n0..n1 (x points at image 0):
 * cols[(img·outH + oy)·outW + ox, (ky·kw + kx)·inC + c] = x[img, iy, ix, c], 0 outside the image.
 * Each image is first copied into a zero-bordered workspace `pad` (hp × wp × inC),
 * so that every window is in bounds and a kernel row is plain copies, with no
 * per-element test for the border.
 */
export function im2col(g: usize, x: usize, n0: i32, n1: i32, cols: usize, pad: usize): void {
  readGeo(g);
  const rowFloats = wp * inC;
  const rowBytes = (<usize>rowFloats) << 2;
  memory.fill(pad, 0, (<usize>(hp * rowFloats)) << 2);
  const yUsed = min(inH, hp - padTop);
  const xUsedBytes = (<usize>(max(0, min(inW, wp - padLeft)) * inC)) << 2;
  const interior = pad + ((<usize>(padTop * rowFloats + padLeft * inC)) << 2);
  let q = cols;
  for (let img = n0; img < n1; img++) {
    const xImg = x + ((<usize>(img * inH * inW * inC)) << 2);
    for (let iy = 0; iy < yUsed; iy++) {
      memory.copy(
        interior + <usize>iy * rowBytes,
        xImg + ((<usize>(iy * inW * inC)) << 2),
        xUsedBytes,
      );
    }
    windows(pad, q, false);
    q += imageColFloats() << 2;
  }
}

/**
 * gx[img] = the adjoint of im2col for images n0..n1 (assigned, not added):
 * each image's columns are summed into the zeroed workspace `pad`, whose
 * interior is then the image's gradient.
 */
export function col2im(g: usize, gcols: usize, n0: i32, n1: i32, gx: usize, pad: usize): void {
  readGeo(g);
  const rowFloats = wp * inC;
  const rowBytes = (<usize>rowFloats) << 2;
  const padBytes = (<usize>(hp * rowFloats)) << 2;
  const yUsed = min(inH, hp - padTop);
  const xUsed = max(0, min(inW, wp - padLeft));
  const xUsedBytes = (<usize>(xUsed * inC)) << 2;
  const interior = pad + ((<usize>(padTop * rowFloats + padLeft * inC)) << 2);
  const imgRowBytes = (<usize>(inW * inC)) << 2;
  let q = gcols;
  for (let img = n0; img < n1; img++) {
    memory.fill(pad, 0, padBytes);
    windows(pad, q, true);
    q += imageColFloats() << 2;
    const gImg = gx + ((<usize>(img * inH * inW * inC)) << 2);
    // Image cells that no window reaches (a 'valid' convolution's last rows) get 0.
    if (yUsed < inH || xUsed < inW) memory.fill(gImg, 0, (<usize>(inH * inW * inC)) << 2);
    for (let iy = 0; iy < yUsed; iy++) {
      memory.copy(gImg + <usize>iy * imgRowBytes, interior + <usize>iy * rowBytes, xUsedBytes);
    }
  }
}

// ---- Convolution over the taps inside the image ----
//
// With 'same' padding on a small image many taps of a window fall on the zero
// border (31% for a 5×5 kernel on 7×7). Output positions whose windows have
// the same in-image tap rectangle [ky0, ky1) × [kx0, kx1) form a class; the
// host runs one GEMM per class over that rectangle alone, so the zeros are
// neither copied nor multiplied. pos holds a class's positions (oy·outW + ox,
// i32); rows of a class's matrices are ordered (image, position). These
// kernels need dilationW = 1, so that a kernel row is one contiguous run.

/**
 * Moves the class's taps between images n0..n1 (at `images`) and their matrix
 * at q, laid out as im2colTaps says: a gather into the matrix, or (adjoint)
 * a scatter-add into the images. `adjoint` is a constant at every call.
 */
// @ts-ignore: decorator
@inline function taps(
  images: usize,
  n0: i32,
  n1: i32,
  pos: usize,
  npos: i32,
  ky0: i32,
  ky1: i32,
  kx0: i32,
  kx1: i32,
  q: usize,
  adjoint: bool,
): void {
  const run = (kx1 - kx0) * inC;
  const runBytes = (<usize>run) << 2;
  const rowBytes = (<usize>(inW * inC)) << 2;
  const dyBytes = <usize>dh * rowBytes;
  for (let img = n0; img < n1; img++) {
    const image = images + ((<usize>(img * inH * inW * inC)) << 2);
    for (let j = 0; j < npos; j++) {
      const p = load<i32>(pos + ((<usize>j) << 2));
      const oy = p / outW;
      const ox = p - oy * outW;
      const iy = oy * sh - padTop + ky0 * dh;
      const ix = ox * sw - padLeft + kx0;
      let at = image + <usize>iy * rowBytes + ((<usize>(ix * inC)) << 2);
      for (let ky = ky0; ky < ky1; ky++) {
        if (adjoint) addRun(at, q, run);
        else copyRun(q, at, run);
        q += runBytes;
        at += dyBytes;
      }
    }
  }
}

/**
 * cols[(img − n0)·npos + j, ((ky − ky0)·(kx1 − kx0) + kx − kx0)·inC + c] = x[img, iy, ix, c]
 * for the npos positions at pos, images n0..n1.
 */
export function im2colTaps(
  g: usize,
  x: usize,
  n0: i32,
  n1: i32,
  pos: usize,
  npos: i32,
  ky0: i32,
  ky1: i32,
  kx0: i32,
  kx1: i32,
  cols: usize,
): void {
  readGeo(g);
  taps(x, n0, n1, pos, npos, ky0, ky1, kx0, kx1, cols, false);
}

/** gx[img, iy, ix, c] += the rows of gcols laid out as im2colTaps writes them: its adjoint. */
export function col2imTaps(
  g: usize,
  gcols: usize,
  n0: i32,
  n1: i32,
  pos: usize,
  npos: i32,
  ky0: i32,
  ky1: i32,
  kx0: i32,
  kx1: i32,
  gx: usize,
): void {
  readGeo(g);
  taps(gx, n0, n1, pos, npos, ky0, ky1, kx0, kx1, gcols, true);
}

/**
 * Moves rows of `row` floats between a full [images, perImage, row] array and a
 * class's matrix: cls[(img − n0)·npos + j] = full[img, pos[j]] (gather, toClass),
 * or the reverse (scatter).
 */
export function classRows(
  full: usize,
  n0: i32,
  n1: i32,
  pos: usize,
  npos: i32,
  perImage: i32,
  row: i32,
  cls: usize,
  toClass: bool,
): void {
  const rowBytes = (<usize>row) << 2;
  let q = cls;
  for (let img = n0; img < n1; img++) {
    const base = full + <usize>img * <usize>perImage * rowBytes;
    for (let j = 0; j < npos; j++) {
      const at = base + <usize>load<i32>(pos + ((<usize>j) << 2)) * rowBytes;
      if (toClass) copyRun(q, at, row);
      else copyRun(at, q, row);
      q += rowBytes;
    }
  }
}

/** dst[0..n] += src[0..n]. */
export function addFloats(dst: usize, src: usize, n: i32): void {
  addRun(dst, src, n);
}
