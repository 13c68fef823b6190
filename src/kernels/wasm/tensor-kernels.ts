/**
 * The wasm backend's GEMM, pooling and optimizer kernels (assembly/gemm.ts,
 * pool.ts, optim.ts), with the convolution (conv.ts) and the bias kernels
 * (fused.ts) over the same arena. Float32 operands resident in the heap are
 * used in place; the others are copied into the arena and the result copied
 * out, so any typed array works. Every GEMM goes through threads.ts, which
 * splits the large ones between threads. Float64 arrays go to the js
 * reference, which keeps the gradient checks exact.
 */
import type { Backend, OptimizerKernels, Pool2DGeometry } from '../backend.js';
import type { FusedDenseKernels } from '../js/fused.js';
import { jsBackend } from '../js/index.js';
import { WasmArena } from './arena.js';
import { createConvKernels, type WasmConvKernels } from './conv.js';
import { createDenseKernels } from './dense.js';
import { isF32 } from './float32.js';
import { createBiasKernels, type WasmBiasKernels } from './fused.js';
import type { WasmHeap } from './heap.js';
import type { KernelModule } from './loader.js';
import { createGemmThreads } from './threads.js';

/** The kernels this module provides, in the shape of the Backend's fields. */
export type WasmTensorKernels = WasmBiasKernels &
  WasmConvKernels &
  FusedDenseKernels &
  Pick<
    Backend,
    | 'gemm'
    | 'maxPool2dForward'
    | 'maxPool2dBackward'
    | 'avgPool2dForward'
    | 'avgPool2dBackward'
    | 'optimizer'
    | 'gemmThreads'
    | 'closeGemmThreads'
  >;

/** Floats per chunk of an optimizer update: four 64 KiB regions sit in L2. */
const UPDATE_CHUNK = 16384;

/** Rounds a length up to whole f32x4 vectors (the optimizer kernels' unit). */
function vec4(n: number): number {
  return (n + 3) & ~3;
}

/** An export that returns a number (the module's kernels are typed as returning nothing). */
function valueKernel(mod: KernelModule, name: string): (...args: number[]) => number {
  return mod.kernel(name) as unknown as (...args: number[]) => number;
}

/** `unary`: the backend's activation kernels, which the fused bias + activation falls back to. */
export function createTensorKernels(
  mod: KernelModule,
  heap: WasmHeap,
  ownsWhole: (a: Float32Array) => boolean,
  unary: Pick<Backend, 'unaryForward' | 'unaryBackward'>,
): WasmTensorKernels {
  const arena = new WasmArena(heap);
  const threads = createGemmThreads(mod, heap);
  // Every GEMM of the backend (dense, conv, matmul) goes through the threaded sgemm.
  const kernels: KernelModule = {
    ...mod,
    kernel: (name) => (name === 'sgemm' ? threads.sgemm : mod.kernel(name)),
  };
  const sgemm = threads.sgemm;
  const work = arena.reserve(valueKernel(mod, 'gemmWorkspaceBytes')());
  const bias = createBiasKernels(mod, arena, unary);
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

  const optimizer: OptimizerKernels = {
    sumSquares(g) {
      if (!isF32(g)) return jsBackend.optimizer.sumSquares(g);
      arena.begin();
      const n = vec4(g.length);
      const p = arena.alloc(n * 4);
      arena.f32().fill(0, (p >> 2) + g.length, (p >> 2) + n);
      arena.f32().set(g, p >> 2);
      return sumSquares(p, n);
    },
    scaleInPlace(g, s) {
      if (!isF32(g)) return jsBackend.optimizer.scaleInPlace(g, s);
      inPlace([g], (p, n) => scale(p[0]!, n, s));
    },
    clipInPlace(g, v) {
      if (!isF32(g)) return jsBackend.optimizer.clipInPlace(g, v);
      inPlace([g], (p, n) => clip(p[0]!, n, v));
    },
    decay(w, c) {
      if (!isF32(w)) return jsBackend.optimizer.decay(w, c);
      inPlace([w], (p, n) => decay(p[0]!, n, c));
    },
    sgd(w, g, m, lr, momentum, nesterov) {
      if (!isF32(w) || !isF32(g) || (m !== null && !isF32(m))) {
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
      if (!isF32(w) || !isF32(g) || !isF32(m) || !isF32(v)) {
        return jsBackend.optimizer.adam(w, g, m, v, alpha, beta1, beta2, epsilon);
      }
      inPlace([w, g, m, v], (p, n) =>
        adam(p[0]!, p[1]!, p[2]!, p[3]!, n, alpha, beta1, beta2, epsilon),
      );
    },
    rmsprop(w, g, v, avg, mom, lr, rho, momentum, epsilon) {
      const arrays = [w, g, v, ...(avg === null ? [] : [avg]), ...(mom === null ? [] : [mom])];
      if (!arrays.every(isF32)) {
        return jsBackend.optimizer.rmsprop(w, g, v, avg, mom, lr, rho, momentum, epsilon);
      }
      inPlace(arrays, (p, n) => {
        const pAvg = avg === null ? 0 : p[3]!;
        const pMom = mom === null ? 0 : p[avg === null ? 3 : 4]!;
        rmsprop(p[0]!, p[1]!, p[2]!, pAvg, pMom, n, lr, rho, momentum, epsilon);
      });
    },
    adagrad(w, g, acc, lr, epsilon) {
      if (!isF32(w) || !isF32(g) || !isF32(acc)) {
        return jsBackend.optimizer.adagrad(w, g, acc, lr, epsilon);
      }
      inPlace([w, g, acc], (p, n) => adagrad(p[0]!, p[1]!, p[2]!, n, lr, epsilon));
    },
  };

  /**
   * Copies equal-length arrays in (zero-padded to whole vectors), runs, and
   * copies back every array but the gradient (index 1 of two or more), which
   * an update only reads. Long arrays go through in chunks, so that the
   * copies and the update work in cache rather than stream every array three
   * times through memory.
   */
  function inPlace(arrays: Float32Array[], run: (ptrs: number[], n: number) => void): void {
    arena.begin();
    const len = arrays[0]!.length;
    // Resident weights, slots and gradients are updated where they are: each
    // has its whole block, with room for the padded lanes.
    if (arrays.every(ownsWhole)) {
      run(
        arrays.map((a) => a.byteOffset),
        vec4(len),
      );
      return;
    }
    const step = Math.min(vec4(len), UPDATE_CHUNK);
    const ptrs = arrays.map(() => arena.alloc(step * 4));
    for (let o = 0; o < len; o += step) {
      const m = Math.min(step, len - o);
      const n = vec4(m);
      const view = arena.f32();
      arrays.forEach((a, i) => {
        const p = ptrs[i]! >> 2;
        view.set(a.subarray(o, o + m), p);
        view.fill(0, p + m, p + n);
      });
      run(ptrs, n);
      arrays.forEach((a, i) => {
        if (i !== 1 || arrays.length === 1) arena.get(ptrs[i]!, m, a, o);
      });
    }
  }

  const gemm: Backend['gemm'] = (transA, transB, m, n, k, alpha, a, ao, b, bo, beta, c, co) => {
    if (!isF32(a) || !isF32(b) || !isF32(c)) {
      jsBackend.gemm(transA, transB, m, n, k, alpha, a, ao, b, bo, beta, c, co);
      return;
    }
    arena.begin();
    const pa = arena.input(a, ao, m * k);
    const pb = arena.input(b, bo, k * n);
    const pc = beta === 0 ? arena.output(c, co, m * n) : arena.input(c, co, m * n);
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
  };

  return {
    ...bias.kernels,
    ...createConvKernels(kernels, arena, work, bias.inArena, bias.kernels),
    ...createDenseKernels(kernels, arena, work, bias.inArena, { gemm, ...bias.kernels }),
    gemmThreads: threads.parties,
    closeGemmThreads: threads.close,
    optimizer,

    gemm,

    maxPool2dForward(g, x, y, argmax) {
      if (!isF32(x) || !isF32(y)) return jsBackend.maxPool2dForward(g, x, y, argmax);
      arena.begin();
      const outSize = g.batch * g.outH * g.outW * g.channels;
      const pg = poolGeometry(g);
      const px = arena.input(x, 0, g.batch * g.inH * g.inW * g.channels);
      const py = arena.alloc(outSize * 4);
      const pa = arena.alloc(outSize * 4);
      maxPoolForward(pg, px, py, pa);
      arena.get(py, outSize, y);
      arena.get(pa, outSize, argmax);
    },

    maxPool2dBackward(gy, argmax, gx) {
      if (!isF32(gy) || !isF32(gx)) return jsBackend.maxPool2dBackward(gy, argmax, gx);
      arena.begin();
      const pgy = arena.input(gy, 0, gy.length);
      const pa = arena.put(argmax, 0, gy.length);
      const pgx = arena.alloc(gx.length * 4);
      maxPoolBackward(pgy, pa, gy.length, pgx, gx.length);
      arena.get(pgx, gx.length, gx);
    },

    avgPool2dForward(g, x, y) {
      if (!isF32(x) || !isF32(y)) return jsBackend.avgPool2dForward(g, x, y);
      arena.begin();
      const outSize = g.batch * g.outH * g.outW * g.channels;
      const pg = poolGeometry(g);
      const px = arena.input(x, 0, g.batch * g.inH * g.inW * g.channels);
      const py = arena.alloc(outSize * 4);
      avgPoolForward(pg, px, py);
      arena.get(py, outSize, y);
    },

    avgPool2dBackward(g, gy, gx) {
      if (!isF32(gy) || !isF32(gx)) return jsBackend.avgPool2dBackward(g, gy, gx);
      arena.begin();
      const inSize = g.batch * g.inH * g.inW * g.channels;
      const pg = poolGeometry(g);
      const pgy = arena.input(gy, 0, g.batch * g.outH * g.outW * g.channels);
      const pgx = arena.alloc(inSize * 4);
      arena.f32().fill(0, pgx >> 2, (pgx >> 2) + inSize);
      avgPoolBackward(pg, pgy, pgx);
      arena.get(pgx, inSize, gx);
    },
  };
}
