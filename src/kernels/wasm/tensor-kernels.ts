/**
 * The wasm backend's GEMM, convolution, pooling and optimizer kernels
 * (assembly/gemm.ts, conv.ts, pool.ts, optim.ts). Each call copies its float32
 * operands into the arena, runs there and copies the result out, so tensors
 * stay ordinary typed arrays; float64 arrays go to the js reference, which
 * keeps the gradient checks exact.
 */
import type { FloatArray } from '../../activations/kernels.js';
import type { Backend, Conv2DGeometry, OptimizerKernels, Pool2DGeometry } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { WasmArena } from './arena.js';
import type { KernelModule } from './loader.js';

/** The kernels this module provides, in the shape of the Backend's fields. */
export type WasmTensorKernels = Pick<
  Backend,
  | 'gemm'
  | 'conv2dForward'
  | 'conv2dBackwardInput'
  | 'conv2dBackwardFilter'
  | 'maxPool2dForward'
  | 'maxPool2dBackward'
  | 'avgPool2dForward'
  | 'avgPool2dBackward'
  | 'optimizer'
>;

/** Upper bound on the floats of one im2col matrix (4 MiB): a chunk of images at a time. */
const COLS_BUDGET = 1 << 20;

function f32(a: FloatArray): a is Float32Array {
  return a instanceof Float32Array;
}

/** Rounds a length up to whole f32x4 vectors (the optimizer kernels' unit). */
function vec4(n: number): number {
  return (n + 3) & ~3;
}

/** A 1×1 kernel with unit stride and no padding: x already is the column matrix. */
function isPointwise(g: Conv2DGeometry): boolean {
  return (
    g.kh === 1 &&
    g.kw === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outH === g.inH &&
    g.outW === g.inW
  );
}

/** An export that returns a number (the module's kernels are typed as returning nothing). */
function valueKernel(mod: KernelModule, name: string): (...args: number[]) => number {
  return mod.kernel(name) as unknown as (...args: number[]) => number;
}

export function createTensorKernels(mod: KernelModule): WasmTensorKernels {
  const arena = new WasmArena(mod.memory);
  const sgemm = mod.kernel('sgemm');
  const work = arena.reserve(valueKernel(mod, 'gemmWorkspaceBytes')());
  const im2col = mod.kernel('im2col');
  const col2im = mod.kernel('col2im');
  const maxPoolForward = mod.kernel('maxPoolForward');
  const maxPoolBackward = mod.kernel('maxPoolBackward');
  const avgPoolForward = mod.kernel('avgPoolForward');
  const avgPoolBackward = mod.kernel('avgPoolBackward');
  const sumSquares = valueKernel(mod, 'optSumSquares');
  const scale = mod.kernel('optScale');
  const clip = mod.kernel('optClip');
  const decay = mod.kernel('optDecay');
  const sgd = mod.kernel('optSgd');
  const sgdMomentum = mod.kernel('optSgdMomentum');
  const adam = mod.kernel('optAdam');
  const rmsprop = mod.kernel('optRmsprop');
  const adagrad = mod.kernel('optAdagrad');

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

  function poolGeometry(g: Pool2DGeometry): number {
    const ptr = arena.alloc(12 * 4);
    arena
      .i32()
      .set(
        [
          g.batch,
          g.inH,
          g.inW,
          g.channels,
          g.outH,
          g.outW,
          g.poolH,
          g.poolW,
          g.strideH,
          g.strideW,
          g.padTop,
          g.padLeft,
        ],
        ptr >> 2,
      );
    return ptr;
  }

  /** Images per chunk so that the column matrix stays within the budget. */
  function chunkImages(g: Conv2DGeometry): number {
    const perImage = g.outH * g.outW * g.kh * g.kw * g.inC;
    return Math.max(1, Math.min(g.batch, Math.floor(COLS_BUDGET / Math.max(1, perImage))));
  }

  const optimizer: OptimizerKernels = {
    sumSquares(g) {
      if (!f32(g)) return jsBackend.optimizer.sumSquares(g);
      arena.begin();
      const n = vec4(g.length);
      const p = arena.alloc(n * 4);
      arena.f32().fill(0, (p >> 2) + g.length, (p >> 2) + n);
      arena.f32().set(g, p >> 2);
      return sumSquares(p, n);
    },
    scaleInPlace(g, s) {
      if (!f32(g)) return jsBackend.optimizer.scaleInPlace(g, s);
      inPlace([g], (p, n) => scale(p[0]!, n, s));
    },
    clipInPlace(g, v) {
      if (!f32(g)) return jsBackend.optimizer.clipInPlace(g, v);
      inPlace([g], (p, n) => clip(p[0]!, n, v));
    },
    decay(w, c) {
      if (!f32(w)) return jsBackend.optimizer.decay(w, c);
      inPlace([w], (p, n) => decay(p[0]!, n, c));
    },
    sgd(w, g, m, lr, momentum, nesterov) {
      if (!f32(w) || !f32(g) || (m !== null && !f32(m))) {
        return jsBackend.optimizer.sgd(w, g, m, lr, momentum, nesterov);
      }
      if (m === null) inPlace([w, g], (p, n) => sgd(p[0]!, p[1]!, n, lr));
      else {
        inPlace([w, g, m], (p, n) =>
          sgdMomentum(p[0]!, p[1]!, p[2]!, n, lr, momentum, nesterov ? 1 : 0),
        );
      }
    },
    adam(w, g, m, v, alpha, beta1, beta2, epsilon) {
      if (!f32(w) || !f32(g) || !f32(m) || !f32(v)) {
        return jsBackend.optimizer.adam(w, g, m, v, alpha, beta1, beta2, epsilon);
      }
      inPlace([w, g, m, v], (p, n) =>
        adam(p[0]!, p[1]!, p[2]!, p[3]!, n, alpha, beta1, beta2, epsilon),
      );
    },
    rmsprop(w, g, v, avg, mom, lr, rho, momentum, epsilon) {
      const arrays = [w, g, v, ...(avg === null ? [] : [avg]), ...(mom === null ? [] : [mom])];
      if (!arrays.every(f32)) {
        return jsBackend.optimizer.rmsprop(w, g, v, avg, mom, lr, rho, momentum, epsilon);
      }
      inPlace(arrays, (p, n) => {
        const pAvg = avg === null ? 0 : p[3]!;
        const pMom = mom === null ? 0 : p[avg === null ? 3 : 4]!;
        rmsprop(p[0]!, p[1]!, p[2]!, pAvg, pMom, n, lr, rho, momentum, epsilon);
      });
    },
    adagrad(w, g, acc, lr, epsilon) {
      if (!f32(w) || !f32(g) || !f32(acc)) {
        return jsBackend.optimizer.adagrad(w, g, acc, lr, epsilon);
      }
      inPlace([w, g, acc], (p, n) => adagrad(p[0]!, p[1]!, p[2]!, n, lr, epsilon));
    },
  };

  /**
   * Copies equal-length arrays in (zero-padded to whole vectors), runs, and
   * copies back every array but the gradient (index 1 of two or more), which
   * an update only reads.
   */
  function inPlace(arrays: Float32Array[], run: (ptrs: number[], n: number) => void): void {
    arena.begin();
    const len = arrays[0]!.length;
    const n = vec4(len);
    const ptrs = arrays.map((a) => {
      const p = arena.alloc(n * 4);
      const view = arena.f32();
      view.set(a, p >> 2);
      view.fill(0, (p >> 2) + len, (p >> 2) + n);
      return p;
    });
    run(ptrs, n);
    arrays.forEach((a, i) => {
      if (i !== 1 || arrays.length === 1) arena.get(ptrs[i]!, len, a);
    });
  }

  return {
    optimizer,

    gemm(transA, transB, m, n, k, alpha, a, ao, b, bo, beta, c, co) {
      if (!f32(a) || !f32(b) || !f32(c)) {
        jsBackend.gemm(transA, transB, m, n, k, alpha, a, ao, b, bo, beta, c, co);
        return;
      }
      arena.begin();
      const pa = arena.put(a, ao, m * k);
      const pb = arena.put(b, bo, k * n);
      const pc = beta === 0 ? arena.alloc(m * n * 4) : arena.put(c, co, m * n);
      sgemm(
        transA ? 1 : 0,
        transB ? 1 : 0,
        m,
        n,
        k,
        alpha,
        pa,
        transA ? m : k,
        pb,
        transB ? k : n,
        beta,
        pc,
        n,
        work,
      );
      arena.get(pc, m * n, c, co);
    },

    conv2dForward(g, x, w, y) {
      if (!f32(x) || !f32(w) || !f32(y)) return jsBackend.conv2dForward(g, x, w, y);
      arena.begin();
      const kSize = g.kh * g.kw * g.inC;
      const perImage = g.outH * g.outW;
      const px = arena.put(x, 0, g.batch * g.inH * g.inW * g.inC);
      const pw = arena.put(w, 0, kSize * g.outC);
      const py = arena.alloc(g.batch * perImage * g.outC * 4);
      if (isPointwise(g)) {
        sgemm(
          0,
          0,
          g.batch * perImage,
          g.outC,
          kSize,
          1,
          px,
          kSize,
          pw,
          g.outC,
          0,
          py,
          g.outC,
          work,
        );
      } else {
        const pg = convGeometry(g);
        const chunk = chunkImages(g);
        const cols = arena.alloc(chunk * perImage * kSize * 4);
        for (let n0 = 0; n0 < g.batch; n0 += chunk) {
          const n1 = Math.min(g.batch, n0 + chunk);
          im2col(pg, px, n0, n1, cols);
          const out = py + n0 * perImage * g.outC * 4;
          sgemm(
            0,
            0,
            (n1 - n0) * perImage,
            g.outC,
            kSize,
            1,
            cols,
            kSize,
            pw,
            g.outC,
            0,
            out,
            g.outC,
            work,
          );
        }
      }
      arena.get(py, g.batch * perImage * g.outC, y);
    },

    conv2dBackwardInput(g, gy, w, gx) {
      if (!f32(gy) || !f32(w) || !f32(gx)) return jsBackend.conv2dBackwardInput(g, gy, w, gx);
      arena.begin();
      const kSize = g.kh * g.kw * g.inC;
      const perImage = g.outH * g.outW;
      const xSize = g.batch * g.inH * g.inW * g.inC;
      const pgy = arena.put(gy, 0, g.batch * perImage * g.outC);
      const pw = arena.put(w, 0, kSize * g.outC);
      const pgx = arena.alloc(xSize * 4);
      if (isPointwise(g)) {
        sgemm(
          0,
          1,
          g.batch * perImage,
          kSize,
          g.outC,
          1,
          pgy,
          g.outC,
          pw,
          g.outC,
          0,
          pgx,
          kSize,
          work,
        );
      } else {
        arena.f32().fill(0, pgx >> 2, (pgx >> 2) + xSize);
        const pg = convGeometry(g);
        const chunk = chunkImages(g);
        const gcols = arena.alloc(chunk * perImage * kSize * 4);
        for (let n0 = 0; n0 < g.batch; n0 += chunk) {
          const n1 = Math.min(g.batch, n0 + chunk);
          const src = pgy + n0 * perImage * g.outC * 4;
          sgemm(
            0,
            1,
            (n1 - n0) * perImage,
            kSize,
            g.outC,
            1,
            src,
            g.outC,
            pw,
            g.outC,
            0,
            gcols,
            kSize,
            work,
          );
          col2im(pg, gcols, n0, n1, pgx);
        }
      }
      arena.get(pgx, xSize, gx);
    },

    conv2dBackwardFilter(g, x, gy, gw) {
      if (!f32(x) || !f32(gy) || !f32(gw)) return jsBackend.conv2dBackwardFilter(g, x, gy, gw);
      arena.begin();
      const kSize = g.kh * g.kw * g.inC;
      const perImage = g.outH * g.outW;
      const px = arena.put(x, 0, g.batch * g.inH * g.inW * g.inC);
      const pgy = arena.put(gy, 0, g.batch * perImage * g.outC);
      const pgw = arena.alloc(kSize * g.outC * 4);
      if (isPointwise(g)) {
        sgemm(
          1,
          0,
          kSize,
          g.outC,
          g.batch * perImage,
          1,
          px,
          kSize,
          pgy,
          g.outC,
          0,
          pgw,
          g.outC,
          work,
        );
      } else {
        const pg = convGeometry(g);
        const chunk = chunkImages(g);
        const cols = arena.alloc(chunk * perImage * kSize * 4);
        for (let n0 = 0; n0 < g.batch; n0 += chunk) {
          const n1 = Math.min(g.batch, n0 + chunk);
          im2col(pg, px, n0, n1, cols);
          const src = pgy + n0 * perImage * g.outC * 4;
          const beta = n0 === 0 ? 0 : 1;
          sgemm(
            1,
            0,
            kSize,
            g.outC,
            (n1 - n0) * perImage,
            1,
            cols,
            kSize,
            src,
            g.outC,
            beta,
            pgw,
            g.outC,
            work,
          );
        }
      }
      arena.get(pgw, kSize * g.outC, gw);
    },

    maxPool2dForward(g, x, y, argmax) {
      if (!f32(x) || !f32(y)) return jsBackend.maxPool2dForward(g, x, y, argmax);
      arena.begin();
      const outSize = g.batch * g.outH * g.outW * g.channels;
      const pg = poolGeometry(g);
      const px = arena.put(x, 0, g.batch * g.inH * g.inW * g.channels);
      const py = arena.alloc(outSize * 4);
      const pa = arena.alloc(outSize * 4);
      maxPoolForward(pg, px, py, pa);
      arena.get(py, outSize, y);
      arena.get(pa, outSize, argmax);
    },

    maxPool2dBackward(gy, argmax, gx) {
      if (!f32(gy) || !f32(gx)) return jsBackend.maxPool2dBackward(gy, argmax, gx);
      arena.begin();
      const pgy = arena.put(gy, 0, gy.length);
      const pa = arena.put(argmax, 0, gy.length);
      const pgx = arena.alloc(gx.length * 4);
      maxPoolBackward(pgy, pa, gy.length, pgx, gx.length);
      arena.get(pgx, gx.length, gx);
    },

    avgPool2dForward(g, x, y) {
      if (!f32(x) || !f32(y)) return jsBackend.avgPool2dForward(g, x, y);
      arena.begin();
      const outSize = g.batch * g.outH * g.outW * g.channels;
      const pg = poolGeometry(g);
      const px = arena.put(x, 0, g.batch * g.inH * g.inW * g.channels);
      const py = arena.alloc(outSize * 4);
      avgPoolForward(pg, px, py);
      arena.get(py, outSize, y);
    },

    avgPool2dBackward(g, gy, gx) {
      if (!f32(gy) || !f32(gx)) return jsBackend.avgPool2dBackward(g, gy, gx);
      arena.begin();
      const inSize = g.batch * g.inH * g.inW * g.channels;
      const pg = poolGeometry(g);
      const pgy = arena.put(gy, 0, g.batch * g.outH * g.outW * g.channels);
      const pgx = arena.alloc(inSize * 4);
      arena.f32().fill(0, pgx >> 2, (pgx >> 2) + inSize);
      avgPoolBackward(pg, pgy, pgx);
      arena.get(pgx, inSize, gx);
    },
  };
}
