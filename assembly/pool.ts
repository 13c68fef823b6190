// Max and average pooling over NHWC images, forward and backward. Channels are
// contiguous in NHWC, so four channels of one window position are one f32x4
// and a window is reduced four channels at a time. The host writes the
// geometry as twelve i32 in Pool2DGeometry's field order.

const BATCH = 0;
const IN_H = 4;
const IN_W = 8;
const CH = 12;
const OUT_H = 16;
const OUT_W = 20;
const POOL_H = 24;
const POOL_W = 28;
const STRIDE_H = 32;
const STRIDE_W = 36;
const PAD_TOP = 40;
const PAD_LEFT = 44;

/**
 * y = the maximum of each window, argmax = the input index (element, not byte)
 * of the first maximum, −1 and y = 0 for a window with no input element. NaN
 * wins so that it propagates, as in the js reference.
 */
export function maxPoolForward(g: usize, x: usize, y: usize, argmax: usize): void {
  const batch = load<i32>(g, BATCH);
  const inH = load<i32>(g, IN_H);
  const inW = load<i32>(g, IN_W);
  const ch = load<i32>(g, CH);
  const outH = load<i32>(g, OUT_H);
  const outW = load<i32>(g, OUT_W);
  const ph = load<i32>(g, POOL_H);
  const pw = load<i32>(g, POOL_W);
  const sh = load<i32>(g, STRIDE_H);
  const sw = load<i32>(g, STRIDE_W);
  const padTop = load<i32>(g, PAD_TOP);
  const padLeft = load<i32>(g, PAD_LEFT);
  const lanes = i32x4(0, 1, 2, 3);
  let o = 0;
  for (let img = 0; img < batch; img++) {
    const xImg = img * inH * inW * ch;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(0, oy * sh - padTop);
      const y1 = min(inH, oy * sh - padTop + ph);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = max(0, ox * sw - padLeft);
        const x1 = min(inW, ox * sw - padLeft + pw);
        const empty = y0 >= y1 || x0 >= x1;
        const first = xImg + (y0 * inW + x0) * ch;
        let c = 0;
        for (; c + 4 <= ch; c += 4) {
          const yo = (<usize>(o + c)) << 2;
          if (empty) {
            v128.store(y + yo, f32x4.splat(0));
            v128.store(argmax + yo, i32x4.splat(-1));
            continue;
          }
          let best = v128.load(x + ((<usize>(first + c)) << 2));
          let at = i32x4.add(i32x4.splat(first + c), lanes);
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const idx = xImg + (iy * inW + ix) * ch + c;
              const v = v128.load(x + ((<usize>idx) << 2));
              const take = v128.or(
                f32x4.gt(v, best),
                v128.and(f32x4.ne(v, v), f32x4.eq(best, best)),
              );
              best = v128.bitselect(v, best, take);
              at = v128.bitselect(i32x4.add(i32x4.splat(idx), lanes), at, take);
            }
          }
          v128.store(y + yo, best);
          v128.store(argmax + yo, at);
        }
        for (; c < ch; c++) {
          const yo = (<usize>(o + c)) << 2;
          if (empty) {
            store<f32>(y + yo, 0);
            store<i32>(argmax + yo, -1);
            continue;
          }
          let best = load<f32>(x + ((<usize>(first + c)) << 2));
          let at = first + c;
          for (let iy = y0; iy < y1; iy++) {
            for (let ix = x0; ix < x1; ix++) {
              const idx = xImg + (iy * inW + ix) * ch + c;
              const v = load<f32>(x + ((<usize>idx) << 2));
              if (v > best || (v != v && best == best)) {
                best = v;
                at = idx;
              }
            }
          }
          store<f32>(y + yo, best);
          store<i32>(argmax + yo, at);
        }
        o += ch;
      }
    }
  }
}

/** gx = 0, then gx[argmax[o]] += gy[o] for the n outputs. */
export function maxPoolBackward(gy: usize, argmax: usize, n: i32, gx: usize, gxLen: i32): void {
  memory.fill(gx, 0, (<usize>gxLen) << 2);
  for (let o = 0; o < n; o++) {
    const off = (<usize>o) << 2;
    const at = load<i32>(argmax + off);
    if (at >= 0) {
      const d = gx + ((<usize>at) << 2);
      store<f32>(d, load<f32>(d) + load<f32>(gy + off));
    }
  }
}

/**
 * Average pooling over each window's in-image elements (padding not counted);
 * backward (forward = false) spreads gy[o] / count over the window into gx,
 * which the host has cleared. `a` is x forward and gy backward, `b` is y forward
 * and gx backward.
 */
function avgPool(g: usize, a: usize, b: usize, forward: bool): void {
  const batch = load<i32>(g, BATCH);
  const inH = load<i32>(g, IN_H);
  const inW = load<i32>(g, IN_W);
  const ch = load<i32>(g, CH);
  const outH = load<i32>(g, OUT_H);
  const outW = load<i32>(g, OUT_W);
  const ph = load<i32>(g, POOL_H);
  const pw = load<i32>(g, POOL_W);
  const sh = load<i32>(g, STRIDE_H);
  const sw = load<i32>(g, STRIDE_W);
  const padTop = load<i32>(g, PAD_TOP);
  const padLeft = load<i32>(g, PAD_LEFT);
  let o = 0;
  for (let img = 0; img < batch; img++) {
    const xImg = img * inH * inW * ch;
    for (let oy = 0; oy < outH; oy++) {
      const y0 = max(0, oy * sh - padTop);
      const y1 = min(inH, oy * sh - padTop + ph);
      for (let ox = 0; ox < outW; ox++) {
        const x0 = max(0, ox * sw - padLeft);
        const x1 = min(inW, ox * sw - padLeft + pw);
        const count = max(0, y1 - y0) * max(0, x1 - x0);
        const inv: f32 = count > 0 ? <f32>1 / <f32>count : 0;
        const vinv = f32x4.splat(inv);
        let c = 0;
        for (; c + 4 <= ch; c += 4) {
          const yo = (<usize>(o + c)) << 2;
          if (forward) {
            let s = f32x4.splat(0);
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const idx = xImg + (iy * inW + ix) * ch + c;
                s = f32x4.add(s, v128.load(a + ((<usize>idx) << 2)));
              }
            }
            v128.store(b + yo, f32x4.mul(s, vinv));
          } else {
            const share = f32x4.mul(v128.load(a + yo), vinv);
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const d = b + ((<usize>(xImg + (iy * inW + ix) * ch + c)) << 2);
                v128.store(d, f32x4.add(v128.load(d), share));
              }
            }
          }
        }
        for (; c < ch; c++) {
          const yo = (<usize>(o + c)) << 2;
          if (forward) {
            let s: f32 = 0;
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                s += load<f32>(a + ((<usize>(xImg + (iy * inW + ix) * ch + c)) << 2));
              }
            }
            store<f32>(b + yo, s * inv);
          } else {
            const share = load<f32>(a + yo) * inv;
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const d = b + ((<usize>(xImg + (iy * inW + ix) * ch + c)) << 2);
                store<f32>(d, load<f32>(d) + share);
              }
            }
          }
        }
        o += ch;
      }
    }
  }
}

export function avgPoolForward(g: usize, x: usize, y: usize): void {
  avgPool(g, x, y, true);
}

export function avgPoolBackward(g: usize, gy: usize, gx: usize): void {
  avgPool(g, gy, gx, false);
}
