/**
 * The `wasm` backend: AssemblyScript SIMD kernels for elementwise activations
 * and, from tensor-kernels.ts, GEMM, convolution, pooling and the optimizer
 * updates (float32); the js reference for everything else (float64 arrays,
 * activations or parameters without a kernel, bias, reductions and losses).
 *
 * Memory is a WasmHeap (heap.ts) that never grows after it is made, so
 * arrays resident in it (resident.ts; tensors made inside tidy(), weights,
 * optimizer slots) are used in place. Other arrays cross in chunks: each
 * chunk is copied into a scratch region that stays in cache, computed, and
 * copied out, so any Float32Array works.
 */
import type { FloatArray } from '../../activations/kernels.js';
import type { ElementwiseSpec, Params } from '../../activations/types.js';
import { type Backend, registerBackend } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { bindingFor, type KernelCall } from './bindings.js';
import { isF32 } from './float32.js';
import { WasmHeap } from './heap.js';
import {
  instantiateKernels,
  instantiateKernelsSync,
  type KernelFn,
  type KernelModule,
  simdSupported,
} from './loader.js';
import { createParamGrads } from './param-grads.js';
import { createResidentStorage } from './resident.js';
import { createTensorKernels } from './tensor-kernels.js';

/** Elements per scratch region: 64 KiB each, three regions, well inside L2. */
const CHUNK = 16384;

/**
 * Runs an elementwise kernel over operands that are either heap-resident
 * (used in place) or ordinary arrays (copied through a scratch region a chunk
 * at a time, so memory never grows with the input). The last operand is the
 * output. Whole vectors only run in place: a kernel rounds its length up to
 * four lanes, which must not write past a resident output's end, so the last
 * 1–3 elements of a resident run go through the scratch copy.
 */
class Elementwise {
  readonly #mod: KernelModule;
  readonly #heap: WasmHeap;
  readonly #scratch: number;

  constructor(mod: KernelModule, heap: WasmHeap) {
    this.#mod = mod;
    this.#heap = heap;
    this.#scratch = heap.alloc(3 * CHUNK * 4);
    if (this.#scratch === 0) throw new Error('wasm heap: no room for the activation scratch');
  }

  /** Returns the sum of what the kernel calls returned (see Binding.outOfRange). */
  run(c: KernelCall, ops: readonly Float32Array[]): number {
    const fn = this.#mod.kernel(c.fn);
    const heap = this.#heap;
    const f32 = heap.f32();
    const len = ops[0]!.length;
    const resident = ops.every((a) => heap.holds(a));
    const direct = resident ? len & ~3 : 0;
    let flagged =
      direct > 0
        ? this.#call(
            fn,
            c,
            ops.map((a) => a.byteOffset),
            direct,
          )
        : 0;
    for (let o = direct; o < len; o += CHUNK) {
      const n = Math.min(CHUNK, len - o);
      const ptrs = ops.map((a, r) => {
        if (r < ops.length - 1 && heap.holds(a) && (n & 3) === 0) return a.byteOffset + o * 4;
        const ptr = this.#scratch + r * CHUNK * 4;
        if (r < ops.length - 1) f32.set(a.subarray(o, o + n), ptr >> 2);
        return ptr;
      });
      flagged += this.#call(fn, c, ptrs, n);
      const out = ops[ops.length - 1]!;
      const q = ptrs[ptrs.length - 1]! >> 2;
      out.set(f32.subarray(q, q + n), o);
    }
    return flagged;
  }

  #call(fn: KernelFn, c: KernelCall, ptrs: number[], n: number): number {
    // Kernels work on whole vectors: round n up; the extra lanes are never copied out.
    const padded = (n + 3) & ~3;
    const call = fn as unknown as (...args: number[]) => number | undefined;
    const r =
      ptrs.length === 2
        ? call(ptrs[0]!, ptrs[1]!, padded, ...c.args)
        : call(ptrs[0]!, ptrs[1]!, ptrs[2]!, padded, ...c.args);
    return r ?? 0;
  }
}

/** A Backend over an instantiated kernel module. */
export function createWasmBackend(mod: KernelModule): Backend {
  const heap = new WasmHeap(mod.memory, mod.scratchBase);
  const ew = new Elementwise(mod, heap);
  const { ownsWhole, ...resident } = createResidentStorage(heap);

  const unary: Pick<Backend, 'unaryForward' | 'unaryBackward'> = {
    unaryForward(spec: ElementwiseSpec, p: Params, x: FloatArray, y: FloatArray): void {
      const binding = isF32(x) && isF32(y) ? bindingFor(spec.id, p) : undefined;
      if (binding === undefined) {
        jsBackend.unaryForward(spec, p, x, y);
        return;
      }
      if (ew.run(binding.forward, [x as Float32Array, y as Float32Array]) === 0) return;
      const out = binding.outOfRange;
      for (let i = 0; i < x.length; i++) if (out?.test(x[i]!)) y[i] = out.f(x[i]!);
    },
    unaryBackward(
      spec: ElementwiseSpec,
      p: Params,
      saved: FloatArray,
      gy: FloatArray,
      gx: FloatArray,
      fromY: boolean,
    ): void {
      const binding = isF32(saved) && isF32(gy) && isF32(gx) ? bindingFor(spec.id, p) : undefined;
      // From y only where the spec defines it (the js reference then says what is wrong).
      const kernel =
        fromY && spec.dfFromY !== undefined ? binding?.backwardFromY : binding?.backward;
      if (kernel === undefined || (fromY && spec.dfFromY === undefined)) {
        jsBackend.unaryBackward(spec, p, saved, gy, gx, fromY);
        return;
      }
      if (ew.run(kernel, [saved as Float32Array, gy as Float32Array, gx as Float32Array]) === 0)
        return;
      // Only from x: no activation with such inputs computes its derivative from y.
      const out = binding?.outOfRange;
      for (let i = 0; i < saved.length; i++) {
        if (out?.test(saved[i]!)) gx[i] = gy[i]! * out.df(saved[i]!);
      }
    },
  };

  return {
    // Everything without a wasm kernel yet is the js reference.
    ...jsBackend,
    ...createTensorKernels(mod, heap, ownsWhole, unary),
    unaryParamGrads: createParamGrads(mod, heap),
    ...unary,
    ...resident,
    name: 'wasm',
  };
}

function tryInstantiateSync(): KernelModule | undefined {
  if (!simdSupported()) return undefined;
  try {
    return instantiateKernelsSync();
  } catch {
    // A browser's main thread may refuse synchronous compilation: loadWasmBackend() then.
    return undefined;
  }
}

const syncModule = tryInstantiateSync();

/** The wasm backend, or undefined where SIMD is missing or it is still to be loaded. */
export let wasmBackend: Backend | undefined =
  syncModule === undefined ? undefined : createWasmBackend(syncModule);
if (wasmBackend !== undefined) registerBackend(wasmBackend);

/** Loads and registers the wasm backend without blocking (browsers); undefined without SIMD. */
export async function loadWasmBackend(): Promise<Backend | undefined> {
  if (wasmBackend !== undefined || !simdSupported()) return wasmBackend;
  wasmBackend = createWasmBackend(await instantiateKernels());
  registerBackend(wasmBackend);
  return wasmBackend;
}
