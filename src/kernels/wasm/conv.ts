/**
 * The wasm backend's 2-D convolution: im2col + GEMM per chunk of images
 * (assembly/conv.ts, gemm.ts), or one GEMM per class of positions over the
 * taps inside the image (conv-taps.ts). The `…At` functions work on operands
 * already in the arena, so that the Conv2D layer's fused call can run the
 * convolution, the bias and the activation before anything leaves wasm, and
 * give both backward passes one copy of the gradient.
 */
import type { Backend, Conv2DGeometry } from '../backend.js';
import { chunkImages, isPointwise } from '../conv-geometry.js';
import { composedConvBiasActivation } from '../js/fused.js';
import { jsBackend } from '../js/index.js';
import type { WasmArena } from './arena.js';
import { createTapConv, type TapClass, tapClasses } from './conv-taps.js';
import { isF32 } from './float32.js';
import { type BiasActivationInArena, canFuseBackward, canFuseForward, vec4 } from './fused.js';
import type { KernelModule } from './loader.js';

export type WasmConvKernels = Pick<
  Backend,
  | 'conv2dForward'
  | 'conv2dBackwardInput'
  | 'conv2dBackwardFilter'
  | 'conv2dBiasActivationForward'
  | 'conv2dBiasActivationBackward'
>;

/** Upper bound on the floats of one im2col matrix (1 MiB, so that the GEMM reads it from L2): a chunk of images at a time. */
export const COLS_BUDGET = 1 << 18;

const sizes = (g: Conv2DGeometry) => ({
  x: g.batch * g.inH * g.inW * g.inC,
  w: g.kh * g.kw * g.inC * g.outC,
  y: g.batch * g.outH * g.outW * g.outC,
});

export function createConvKernels(
  mod: KernelModule,
  arena: WasmArena,
  work: number,
  bias: BiasActivationInArena,
  fallback: Pick<Backend, 'biasActivationForward' | 'biasActivationBackward'>,
): WasmConvKernels {
  const sgemm = mod.kernel('sgemm');
  const im2col = mod.kernel('im2col');
  const col2im = mod.kernel('col2im');
  const convPadBytes = mod.kernel('convPadBytes') as unknown as (g: number) => number;
  const taps = createTapConv(mod, arena, work, COLS_BUDGET);

  /** The geometry as i32 in its interface's field order, for the kernels to read. */
  function convGeometry(g: Conv2DGeometry): number {
    const ptr = arena.alloc(15 * 4);
    arena
      .i32()
      .set(
        [
          g.batch,
          g.inH,
          g.inW,
          g.inC,
          g.outH,
          g.outW,
          g.outC,
          g.kh,
          g.kw,
          g.strideH,
          g.strideW,
          g.dilationH,
          g.dilationW,
          g.padTop,
          g.padLeft,
        ],
        ptr >> 2,
      );
    return ptr;
  }

  function classesOf(g: Conv2DGeometry): readonly TapClass[] | null {
    return isPointwise(g) ? null : tapClasses(g);
  }

  /**
   * The im2col path: a padded-image workspace and a column matrix for a chunk
   * of images (within COLS_BUDGET), then body for each chunk [n0, n1).
   */
  function forEachChunk(
    g: Conv2DGeometry,
    body: (n0: number, n1: number, cols: number, pg: number, pad: number) => void,
  ): void {
    const pg = convGeometry(g);
    const pad = arena.alloc(convPadBytes(pg));
    const chunk = chunkImages(g, COLS_BUDGET);
    const cols = arena.alloc(chunk * g.outH * g.outW * g.kh * g.kw * g.inC * 4);
    for (let n0 = 0; n0 < g.batch; n0 += chunk)
      body(n0, Math.min(g.batch, n0 + chunk), cols, pg, pad);
  }

  function forwardAt(g: Conv2DGeometry, px: number, pw: number, py: number): void {
    const kSize = g.kh * g.kw * g.inC;
    const perImage = g.outH * g.outW;
    const classes = classesOf(g);
    if (isPointwise(g)) {
      sgemm(0, 0, g.batch * perImage, g.outC, kSize, 1, px, kSize, pw, g.outC, 0, py, g.outC, work);
    } else if (classes !== null) {
      taps.forward(g, classes, convGeometry(g), px, pw, py);
    } else {
      forEachChunk(g, (n0, n1, cols, pg, pad) => {
        im2col(pg, px, n0, n1, cols, pad);
        const out = py + n0 * perImage * g.outC * 4;
        const m = (n1 - n0) * perImage;
        sgemm(0, 0, m, g.outC, kSize, 1, cols, kSize, pw, g.outC, 0, out, g.outC, work);
      });
    }
  }

  function backwardInputAt(g: Conv2DGeometry, pgy: number, pw: number, pgx: number): void {
    const kSize = g.kh * g.kw * g.inC;
    const perImage = g.outH * g.outW;
    const classes = classesOf(g);
    if (isPointwise(g)) {
      const m = g.batch * perImage;
      sgemm(0, 1, m, kSize, g.outC, 1, pgy, g.outC, pw, g.outC, 0, pgx, kSize, work);
    } else if (classes !== null) {
      taps.backwardInput(g, classes, convGeometry(g), pgy, pw, pgx);
    } else {
      forEachChunk(g, (n0, n1, gcols, pg, pad) => {
        const src = pgy + n0 * perImage * g.outC * 4;
        const m = (n1 - n0) * perImage;
        sgemm(0, 1, m, kSize, g.outC, 1, src, g.outC, pw, g.outC, 0, gcols, kSize, work);
        col2im(pg, gcols, n0, n1, pgx, pad);
      });
    }
  }

  function backwardFilterAt(g: Conv2DGeometry, px: number, pgy: number, pgw: number): void {
    const kSize = g.kh * g.kw * g.inC;
    const perImage = g.outH * g.outW;
    const classes = classesOf(g);
    if (isPointwise(g)) {
      const k = g.batch * perImage;
      sgemm(1, 0, kSize, g.outC, k, 1, px, kSize, pgy, g.outC, 0, pgw, g.outC, work);
    } else if (classes !== null) {
      taps.backwardFilter(g, classes, convGeometry(g), px, pgy, pgw);
    } else {
      forEachChunk(g, (n0, n1, cols, pg, pad) => {
        im2col(pg, px, n0, n1, cols, pad);
        const src = pgy + n0 * perImage * g.outC * 4;
        const beta = n0 === 0 ? 0 : 1;
        const k = (n1 - n0) * perImage;
        sgemm(1, 0, kSize, g.outC, k, 1, cols, kSize, src, g.outC, beta, pgw, g.outC, work);
      });
    }
  }

  /** a and b in the arena (copied unless resident), run, the result copied out: one plain convolution pass. */
  function twoInOneOut(
    a: Float32Array,
    na: number,
    b: Float32Array,
    nb: number,
    out: Float32Array,
    nOut: number,
    run: (pa: number, pb: number, pOut: number) => void,
  ): void {
    arena.begin();
    const pa = arena.input(a, 0, na);
    const pb = arena.input(b, 0, nb);
    const pOut = arena.alloc(nOut * 4);
    run(pa, pb, pOut);
    arena.get(pOut, nOut, out);
  }

  const plain: Pick<Backend, 'conv2dForward' | 'conv2dBackwardInput' | 'conv2dBackwardFilter'> = {
    conv2dForward(g, x, w, y) {
      if (!isF32(x) || !isF32(w) || !isF32(y)) return jsBackend.conv2dForward(g, x, w, y);
      const n = sizes(g);
      twoInOneOut(x, n.x, w, n.w, y, n.y, (px, pw, py) => forwardAt(g, px, pw, py));
    },

    conv2dBackwardInput(g, gy, w, gx) {
      if (!isF32(gy) || !isF32(w) || !isF32(gx)) return jsBackend.conv2dBackwardInput(g, gy, w, gx);
      const n = sizes(g);
      twoInOneOut(gy, n.y, w, n.w, gx, n.x, (pgy, pw, pgx) => backwardInputAt(g, pgy, pw, pgx));
    },

    conv2dBackwardFilter(g, x, gy, gw) {
      if (!isF32(x) || !isF32(gy) || !isF32(gw))
        return jsBackend.conv2dBackwardFilter(g, x, gy, gw);
      const n = sizes(g);
      twoInOneOut(x, n.x, gy, n.y, gw, n.w, (px, pgy, pgw) => backwardFilterAt(g, px, pgy, pgw));
    },
  };
  // Where the fused call has no kernel (float64, an activation without one): the same calls one by one.
  const composed = composedConvBiasActivation({ ...plain, ...fallback });

  return {
    ...plain,

    conv2dBiasActivationForward(g, spec, p, x, w, b, y, pre) {
      const ok = isF32(x) && isF32(w) && isF32(b) && isF32(y) && (pre === null || isF32(pre));
      if (ok && canFuseForward(spec, p)) {
        const n = sizes(g);
        arena.begin();
        const px = arena.input(x as Float32Array, 0, n.x);
        const pw = arena.input(w as Float32Array, 0, n.w);
        const pb = arena.input(b as Float32Array, 0, g.outC);
        const pz = arena.alloc(vec4(n.y) * 4);
        forwardAt(g, px, pw, pz);
        const rows = n.y / g.outC;
        const yy = y as Float32Array;
        if (bias.forward(spec, p, pz, pb, rows, g.outC, yy, pre as Float32Array | null)) return;
      }
      composed.conv2dBiasActivationForward(g, spec, p, x, w, b, y, pre);
    },

    conv2dBiasActivationBackward(g, spec, p, x, w, saved, gy, fromY, gx, gw, gb) {
      const ok =
        isF32(x) &&
        isF32(w) &&
        isF32(saved) &&
        isF32(gy) &&
        isF32(gw) &&
        isF32(gb) &&
        (gx === null || isF32(gx));
      if (ok && canFuseBackward(spec, p, fromY)) {
        const n = sizes(g);
        arena.begin();
        const ps = arena.input(saved as Float32Array, 0, n.y);
        const pgy = arena.input(gy as Float32Array, 0, n.y);
        const pgz = arena.alloc(vec4(n.y) * 4);
        const pgb = arena.alloc(g.outC * 4);
        const rows = n.y / g.outC;
        if (bias.backward(spec, p, ps, pgy, rows, g.outC, fromY, pgz, pgb)) {
          arena.get(pgb, g.outC, gb as Float32Array);
          const pw = arena.input(w as Float32Array, 0, n.w);
          const classes = classesOf(g);
          if (classes !== null) {
            // One gather of each class's rows of gz serves both products.
            const px = arena.input(x as Float32Array, 0, n.x);
            const pgx = gx === null ? 0 : arena.alloc(n.x * 4);
            const pgw = arena.alloc(n.w * 4);
            taps.backward(g, classes, convGeometry(g), px, pgz, pw, pgx, pgw);
            if (gx !== null) arena.get(pgx, n.x, gx as Float32Array);
            arena.get(pgw, n.w, gw as Float32Array);
            return;
          }
          if (gx !== null) {
            const pgx = arena.alloc(n.x * 4);
            backwardInputAt(g, pgz, pw, pgx);
            arena.get(pgx, n.x, gx as Float32Array);
          }
          const px = arena.input(x as Float32Array, 0, n.x);
          const pgw = arena.alloc(n.w * 4);
          backwardFilterAt(g, px, pgz, pgw);
          arena.get(pgw, n.w, gw as Float32Array);
          return;
        }
      }
      composed.conv2dBiasActivationBackward(g, spec, p, x, w, saved, gy, fromY, gx, gw, gb);
    },
  };
}
