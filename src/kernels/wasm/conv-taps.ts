/**
 * Convolution over the taps inside the image (assembly/conv.ts, im2colTaps):
 * output positions are grouped by the rectangle of kernel taps that their
 * windows keep inside the image, and each group is one GEMM over that
 * rectangle alone. With 'same' padding on small images — LeNet's 7×7 and
 * 14×14 maps under a 5×5 kernel — that skips 31% and 16% of the
 * multiply-adds, all of them with a zero of the padding. Every function here
 * works on operands already in the arena.
 */
import type { Conv2DGeometry } from '../backend.js';
import type { WasmArena } from './arena.js';
import type { KernelModule } from './loader.js';

/** Output positions (oy·outW + ox) whose windows keep the taps [ky0, ky1) × [kx0, kx1). */
export interface TapClass {
  readonly pos: Int32Array;
  readonly ky0: number;
  readonly ky1: number;
  readonly kx0: number;
  readonly kx1: number;
}

/** Use the classes only when they skip at least this share of the work. */
const MIN_SAVING = 0.1;

/** Per output coordinate along one axis, the range of taps that land inside the input. */
function axisGroups(
  out: number,
  input: number,
  k: number,
  stride: number,
  dilation: number,
  pad: number,
): { lo: number; hi: number; coords: number[] }[] {
  const groups = new Map<string, { lo: number; hi: number; coords: number[] }>();
  for (let o = 0; o < out; o++) {
    let lo = k;
    let hi = 0;
    for (let t = 0; t < k; t++) {
      const i = o * stride - pad + t * dilation;
      if (i >= 0 && i < input) {
        lo = Math.min(lo, t);
        hi = t + 1;
      }
    }
    const key = `${lo}:${hi}`;
    let gr = groups.get(key);
    if (gr === undefined) {
      gr = { lo, hi, coords: [] };
      groups.set(key, gr);
    }
    gr.coords.push(o);
  }
  return [...groups.values()];
}

const cache = new Map<string, TapClass[] | null>();

/**
 * The tap classes of a geometry, or null where they do not pay: dilation
 * along the width (a kernel row would not be one run), a window with no tap
 * inside the image, or less than MIN_SAVING of the work skipped.
 */
export function tapClasses(g: Conv2DGeometry): TapClass[] | null {
  const key = [
    g.inH,
    g.inW,
    g.inC,
    g.outH,
    g.outW,
    g.kh,
    g.kw,
    g.strideH,
    g.strideW,
    g.dilationH,
    g.dilationW,
    g.padTop,
    g.padLeft,
  ].join(',');
  const known = cache.get(key);
  if (known !== undefined) return known;
  let result: TapClass[] | null = null;
  if (g.dilationW === 1) {
    const ys = axisGroups(g.outH, g.inH, g.kh, g.strideH, g.dilationH, g.padTop);
    const xs = axisGroups(g.outW, g.inW, g.kw, g.strideW, 1, g.padLeft);
    const classes: TapClass[] = [];
    let taps = 0;
    for (const y of ys) {
      for (const x of xs) {
        const pos = new Int32Array(y.coords.length * x.coords.length);
        let j = 0;
        for (const oy of y.coords) for (const ox of x.coords) pos[j++] = oy * g.outW + ox;
        classes.push({ pos, ky0: y.lo, ky1: y.hi, kx0: x.lo, kx1: x.hi });
        taps += pos.length * Math.max(0, y.hi - y.lo) * Math.max(0, x.hi - x.lo);
      }
    }
    const empty = classes.some((c) => c.ky1 <= c.ky0 || c.kx1 <= c.kx0);
    const full = g.outH * g.outW * g.kh * g.kw;
    if (!empty && taps <= (1 - MIN_SAVING) * full) result = classes;
  }
  cache.set(key, result);
  return result;
}

/** The kernels over tap classes; `work` is the GEMM's packing workspace, `budget` floats per column matrix. */
export function createTapConv(mod: KernelModule, arena: WasmArena, work: number, budget: number) {
  const sgemm = mod.kernel('sgemm');
  const im2colTaps = mod.kernel('im2colTaps');
  const col2imTaps = mod.kernel('col2imTaps');
  const classRows = mod.kernel('classRows');
  const addFloats = mod.kernel('addFloats');

  /**
   * A class ready to run: the depth kc of its products (its taps × inC), the
   * floats of one kernel row's run of taps, its positions copied into the
   * arena, and how many images one column matrix holds.
   */
  interface Placed {
    readonly c: TapClass;
    readonly kc: number;
    readonly run: number;
    readonly ppos: number;
    readonly chunk: number;
  }

  /**
   * Copies the classes' positions into the arena and allocates the buffers
   * the largest class needs: its column matrix, a class's rows of gy or y,
   * and a compacted kernel.
   */
  function place(g: Conv2DGeometry, classes: readonly TapClass[]) {
    let cols = 0;
    let rows = 0;
    let kernel = 0;
    const placed: Placed[] = classes.map((c) => {
      const run = (c.kx1 - c.kx0) * g.inC;
      const kc = (c.ky1 - c.ky0) * run;
      const npos = c.pos.length;
      const chunk = Math.max(1, Math.min(g.batch, Math.floor(budget / (npos * kc))));
      cols = Math.max(cols, chunk * npos * kc);
      rows = Math.max(rows, chunk * npos * g.outC);
      kernel = Math.max(kernel, kc * g.outC);
      return { c, kc, run, ppos: arena.put(c.pos, 0, npos), chunk };
    });
    return {
      placed,
      cols: arena.alloc(cols * 4),
      rows: arena.alloc(rows * 4),
      kernel: arena.alloc(kernel * 4),
      kernelFloats: kernel,
    };
  }

  /** The kernel rows of a class's taps, [kc, outC], copied to dst. */
  function compactKernel(g: Conv2DGeometry, p: Placed, pw: number, dst: number): void {
    const view = arena.f32();
    const span = p.run * g.outC;
    for (let ky = p.c.ky0; ky < p.c.ky1; ky++) {
      const from = (pw >> 2) + (ky * g.kw + p.c.kx0) * g.inC * g.outC;
      view.copyWithin((dst >> 2) + (ky - p.c.ky0) * span, from, from + span);
    }
  }

  /** Adds a class's kernel gradient [kc, outC] into its rows of the full kernel gradient. */
  function addKernelRows(g: Conv2DGeometry, p: Placed, from: number, pgw: number): void {
    const span = p.run * g.outC;
    for (let ky = p.c.ky0; ky < p.c.ky1; ky++) {
      const to = pgw + (ky * g.kw + p.c.kx0) * g.inC * g.outC * 4;
      addFloats(to, from + (ky - p.c.ky0) * span * 4, span);
    }
  }

  /** Runs fn over the images of a class in chunks: (n0, n1, rows of the chunk). */
  function chunks(g: Conv2DGeometry, p: Placed, fn: (n0: number, n1: number, m: number) => void) {
    for (let n0 = 0; n0 < g.batch; n0 += p.chunk) {
      const n1 = Math.min(g.batch, n0 + p.chunk);
      fn(n0, n1, (n1 - n0) * p.c.pos.length);
    }
  }

  function taps(p: Placed): number[] {
    return [p.ppos, p.c.pos.length, p.c.ky0, p.c.ky1, p.c.kx0, p.c.kx1];
  }

  const perImage = (g: Conv2DGeometry): number => g.outH * g.outW;

  return {
    forward(
      g: Conv2DGeometry,
      classes: readonly TapClass[],
      pg: number,
      px: number,
      pw: number,
      py: number,
    ): void {
      const b = place(g, classes);
      for (const p of b.placed) {
        compactKernel(g, p, pw, b.kernel);
        chunks(g, p, (n0, n1, m) => {
          im2colTaps(pg, px, n0, n1, ...taps(p), b.cols);
          sgemm(0, 0, m, g.outC, p.kc, 1, b.cols, p.kc, b.kernel, g.outC, 0, b.rows, g.outC, work);
          classRows(py, n0, n1, p.ppos, p.c.pos.length, perImage(g), g.outC, b.rows, 0);
        });
      }
    },

    backwardInput(
      g: Conv2DGeometry,
      classes: readonly TapClass[],
      pg: number,
      pgy: number,
      pw: number,
      pgx: number,
    ): void {
      const b = place(g, classes);
      arena.f32().fill(0, pgx >> 2, (pgx >> 2) + g.batch * g.inH * g.inW * g.inC);
      for (const p of b.placed) {
        compactKernel(g, p, pw, b.kernel);
        chunks(g, p, (n0, n1, m) => {
          classRows(pgy, n0, n1, p.ppos, p.c.pos.length, perImage(g), g.outC, b.rows, 1);
          sgemm(0, 1, m, p.kc, g.outC, 1, b.rows, g.outC, b.kernel, g.outC, 0, b.cols, p.kc, work);
          col2imTaps(pg, b.cols, n0, n1, ...taps(p), pgx);
        });
      }
    },

    backwardFilter(
      g: Conv2DGeometry,
      classes: readonly TapClass[],
      pg: number,
      px: number,
      pgy: number,
      pgw: number,
    ): void {
      const b = place(g, classes);
      arena.f32().fill(0, pgw >> 2, (pgw >> 2) + g.kh * g.kw * g.inC * g.outC);
      for (const p of b.placed) {
        chunks(g, p, (n0, n1, m) => {
          im2colTaps(pg, px, n0, n1, ...taps(p), b.cols);
          classRows(pgy, n0, n1, p.ppos, p.c.pos.length, perImage(g), g.outC, b.rows, 1);
          const beta = n0 === 0 ? 0 : 1;
          sgemm(
            1,
            0,
            p.kc,
            g.outC,
            m,
            1,
            b.cols,
            p.kc,
            b.rows,
            g.outC,
            beta,
            b.kernel,
            g.outC,
            work,
          );
        });
        addKernelRows(g, p, b.kernel, pgw);
      }
    },

    /**
     * Both backward passes in one sweep over the classes: each class's rows of
     * gy are gathered once for the two products. pgx = 0 skips the input's.
     */
    backward(
      g: Conv2DGeometry,
      classes: readonly TapClass[],
      pg: number,
      px: number,
      pgy: number,
      pw: number,
      pgx: number,
      pgw: number,
    ): void {
      const b = place(g, classes);
      const gk = arena.alloc(b.kernelFloats * 4);
      if (pgx !== 0) arena.f32().fill(0, pgx >> 2, (pgx >> 2) + g.batch * g.inH * g.inW * g.inC);
      arena.f32().fill(0, pgw >> 2, (pgw >> 2) + g.kh * g.kw * g.inC * g.outC);
      for (const p of b.placed) {
        if (pgx !== 0) compactKernel(g, p, pw, b.kernel);
        chunks(g, p, (n0, n1, m) => {
          classRows(pgy, n0, n1, p.ppos, p.c.pos.length, perImage(g), g.outC, b.rows, 1);
          if (pgx !== 0) {
            sgemm(
              0,
              1,
              m,
              p.kc,
              g.outC,
              1,
              b.rows,
              g.outC,
              b.kernel,
              g.outC,
              0,
              b.cols,
              p.kc,
              work,
            );
            col2imTaps(pg, b.cols, n0, n1, ...taps(p), pgx);
          }
          im2colTaps(pg, px, n0, n1, ...taps(p), b.cols);
          const beta = n0 === 0 ? 0 : 1;
          sgemm(1, 0, p.kc, g.outC, m, 1, b.cols, p.kc, b.rows, g.outC, beta, gk, g.outC, work);
        });
        addKernelRows(g, p, gk, pgw);
      }
    },
  };
}
