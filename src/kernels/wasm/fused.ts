/**
 * The wasm backend's bias kernels (assembly/bias.ts) and the fused bias +
 * activation of a Dense or Conv2D layer: one copy of the pre-activation into
 * the arena, the bias and the activation kernel there, one copy out — where
 * biasAdd then an activation would copy, add in JavaScript and copy again.
 * Rows go through in chunks that stay in cache. Activations or parameters
 * without a wasm kernel, and float64 arrays, take the reference composition.
 *
 * The `inArena` half works on operands already in the arena, so that the
 * convolution can run its bias and activation before its output leaves wasm.
 */
import type { ElementwiseSpec, Params } from '../../activations/types.js';
import type { Backend } from '../backend.js';
import { composedBiasActivation } from '../js/fused.js';
import { jsBackend } from '../js/index.js';
import type { WasmArena } from './arena.js';
import { type Binding, bindingFor, type KernelCall } from './bindings.js';
import { isF32 } from './float32.js';
import type { KernelModule } from './loader.js';

export type WasmBiasKernels = Pick<
  Backend,
  'biasAdd' | 'biasGrad' | 'biasActivationForward' | 'biasActivationBackward'
>;

/** Bias + activation over rows × cols already in the arena (pointers are byte offsets). */
export interface BiasActivationInArena {
  /**
   * Adds the bias to z in place (z becomes x + b), copies it to `pre` when
   * given, and writes f(z) to y; false (and nothing done) without a kernel.
   */
  forward(
    spec: ElementwiseSpec,
    p: Params,
    pz: number,
    pb: number,
    rows: number,
    cols: number,
    y: Float32Array,
    pre: Float32Array | null,
  ): boolean;
  /**
   * gz = gy · f'(saved) into pgz (whole vectors: pgz holds vec4(rows·cols)
   * floats) and gb = Σ_r gz into pgb; false (and nothing done) without a kernel.
   */
  backward(
    spec: ElementwiseSpec,
    p: Params,
    ps: number,
    pgy: number,
    rows: number,
    cols: number,
    fromY: boolean,
    pgz: number,
    pgb: number,
  ): boolean;
}

/** Floats per chunk: 64 KiB per operand, so a chunk's three or four regions sit in L2. */
const CHUNK = 16384;

/** Rounds a length up to whole f32x4 vectors (what the activation kernels process). */
export function vec4(n: number): number {
  return (n + 3) & ~3;
}

/** Whole rows per chunk (at least one). */
function chunkRows(cols: number): number {
  return Math.max(1, Math.floor(CHUNK / Math.max(1, cols)));
}

/** The backward kernel the unfused unaryBackward would use, or undefined (the js reference). */
function backwardKernel(
  spec: ElementwiseSpec,
  binding: Binding | undefined,
  fromY: boolean,
): KernelCall | undefined {
  if (fromY && spec.dfFromY === undefined) return undefined;
  return fromY ? binding?.backwardFromY : binding?.backward;
}

/** Whether the fused forward has a wasm kernel for f at p (else the reference composition runs). */
export function canFuseForward(spec: ElementwiseSpec, p: Params): boolean {
  return bindingFor(spec.id, p) !== undefined;
}

/** Whether the fused backward has a wasm kernel for f' at p, from y or from x + b. */
export function canFuseBackward(spec: ElementwiseSpec, p: Params, fromY: boolean): boolean {
  return backwardKernel(spec, bindingFor(spec.id, p), fromY) !== undefined;
}

export function createBiasKernels(
  mod: KernelModule,
  arena: WasmArena,
  unary: Pick<Backend, 'unaryForward' | 'unaryBackward'>,
): { kernels: WasmBiasKernels; inArena: BiasActivationInArena } {
  const biasRows = mod.kernel('biasRows');
  const biasGradRows = mod.kernel('biasGradRows');
  const reference = composedBiasActivation(unary);

  function run(c: KernelCall, ptrs: readonly number[], n: number): void {
    mod.kernel(c.fn)(...ptrs, vec4(n), ...c.args);
  }

  /** A zeroed accumulator for a bias gradient (the kernel adds row after row into it). */
  function zeroed(cols: number): number {
    const ptr = arena.alloc(cols * 4);
    arena.f32().fill(0, ptr >> 2, (ptr >> 2) + cols);
    return ptr;
  }

  const inArena: BiasActivationInArena = {
    forward(spec, p, pz, pb, rows, cols, y, pre) {
      const binding = bindingFor(spec.id, p);
      if (binding === undefined) return false;
      const step = chunkRows(cols);
      // The activation writes whole vectors: its own region, not z's next chunk.
      const py = arena.alloc(vec4(step * cols) * 4);
      for (let r0 = 0; r0 < rows; r0 += step) {
        const o = r0 * cols;
        const n = Math.min(step, rows - r0) * cols;
        const pc = pz + o * 4;
        biasRows(pc, pb, n / cols, cols, pc);
        run(binding.forward, [pc, py], n);
        arena.get(py, n, y, o);
        if (pre !== null) arena.get(pc, n, pre, o);
      }
      return true;
    },

    backward(spec, p, ps, pgy, rows, cols, fromY, pgz, pgb) {
      const kernel = backwardKernel(spec, bindingFor(spec.id, p), fromY);
      if (kernel === undefined) return false;
      arena.f32().fill(0, pgb >> 2, (pgb >> 2) + cols);
      const step = chunkRows(cols);
      // Chunk by chunk in order: a chunk's whole-vector tail lands on the next
      // chunk's start, which that chunk then overwrites.
      for (let r0 = 0; r0 < rows; r0 += step) {
        const o = 4 * r0 * cols;
        const n = Math.min(step, rows - r0) * cols;
        run(kernel, [ps + o, pgy + o, pgz + o], n);
        biasGradRows(pgz + o, n / cols, cols, pgb);
      }
      return true;
    },
  };

  const kernels: WasmBiasKernels = {
    biasAdd(x, b, rows, cols, y) {
      if (!isF32(x) || !isF32(b) || !isF32(y)) return jsBackend.biasAdd(x, b, rows, cols, y);
      arena.begin();
      const pb = arena.put(b, 0, cols);
      const step = chunkRows(cols);
      const px = arena.alloc(step * cols * 4);
      for (let r0 = 0; r0 < rows; r0 += step) {
        const n = Math.min(step, rows - r0) * cols;
        arena.f32().set(x.subarray(r0 * cols, r0 * cols + n), px >> 2);
        biasRows(px, pb, n / cols, cols, px);
        arena.get(px, n, y, r0 * cols);
      }
    },

    biasGrad(gy, rows, cols, gb) {
      if (!isF32(gy) || !isF32(gb)) return jsBackend.biasGrad(gy, rows, cols, gb);
      arena.begin();
      const pgb = zeroed(cols);
      const step = chunkRows(cols);
      const pg = arena.alloc(step * cols * 4);
      for (let r0 = 0; r0 < rows; r0 += step) {
        const n = Math.min(step, rows - r0) * cols;
        arena.f32().set(gy.subarray(r0 * cols, r0 * cols + n), pg >> 2);
        biasGradRows(pg, n / cols, cols, pgb);
      }
      arena.get(pgb, cols, gb);
    },

    biasActivationForward(spec, p, x, b, rows, cols, y, pre) {
      const binding =
        isF32(x) && isF32(b) && isF32(y) && (pre === null || isF32(pre))
          ? bindingFor(spec.id, p)
          : undefined;
      if (binding === undefined) {
        reference.biasActivationForward(spec, p, x, b, rows, cols, y, pre);
        return;
      }
      arena.begin();
      const pb = arena.put(b as Float32Array, 0, cols);
      const step = chunkRows(cols);
      const pz = arena.alloc(vec4(step * cols) * 4);
      const py = arena.alloc(vec4(step * cols) * 4);
      for (let r0 = 0; r0 < rows; r0 += step) {
        const o = r0 * cols;
        const n = Math.min(step, rows - r0) * cols;
        arena.f32().set((x as Float32Array).subarray(o, o + n), pz >> 2);
        biasRows(pz, pb, n / cols, cols, pz);
        run(binding.forward, [pz, py], n);
        arena.get(py, n, y as Float32Array, o);
        if (pre !== null) arena.get(pz, n, pre as Float32Array, o);
      }
    },

    biasActivationBackward(spec, p, saved, gy, rows, cols, fromY, gz, gb) {
      const all = isF32(saved) && isF32(gy) && isF32(gz) && isF32(gb);
      const kernel = all ? backwardKernel(spec, bindingFor(spec.id, p), fromY) : undefined;
      if (kernel === undefined) {
        reference.biasActivationBackward(spec, p, saved, gy, rows, cols, fromY, gz, gb);
        return;
      }
      arena.begin();
      const pgb = zeroed(cols);
      const step = chunkRows(cols);
      const ps = arena.alloc(vec4(step * cols) * 4);
      const pgy = arena.alloc(vec4(step * cols) * 4);
      const pgz = arena.alloc(vec4(step * cols) * 4);
      for (let r0 = 0; r0 < rows; r0 += step) {
        const o = r0 * cols;
        const n = Math.min(step, rows - r0) * cols;
        const view = arena.f32();
        view.set((saved as Float32Array).subarray(o, o + n), ps >> 2);
        view.set((gy as Float32Array).subarray(o, o + n), pgy >> 2);
        run(kernel, [ps, pgy, pgz], n);
        biasGradRows(pgz, n / cols, cols, pgb);
        arena.get(pgz, n, gz as Float32Array, o);
      }
      arena.get(pgb, cols, gb as Float32Array);
    },
  };

  return { kernels, inArena };
}
