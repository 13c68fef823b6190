/**
 * The `wasm` backend: AssemblyScript SIMD kernels for elementwise activations
 * and, from tensor-kernels.ts, GEMM, convolution, pooling and the optimizer
 * updates (float32); the js reference for everything else (float64 arrays,
 * activations or parameters without a kernel, bias, reductions and losses).
 *
 * Data crosses into wasm memory in chunks: each chunk is copied into a
 * scratch region that stays in cache, computed, and copied out, so any
 * Float32Array works and memory never grows with the input.
 */
import type { FloatArray } from '../../activations/kernels.js';
import type { ElementwiseSpec, Params } from '../../activations/types.js';
import { type Backend, registerBackend } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { bindingFor, type KernelCall } from './bindings.js';
import { isF32 } from './float32.js';
import {
  instantiateKernels,
  instantiateKernelsSync,
  type KernelModule,
  simdSupported,
} from './loader.js';
import { createTensorKernels } from './tensor-kernels.js';

/** Elements per scratch region: 64 KiB each, three regions, well inside L2. */
const CHUNK = 16384;
const PAGE = 65536;

class Scratch {
  readonly #mod: KernelModule;
  #heap: Float32Array;

  constructor(mod: KernelModule) {
    this.#mod = mod;
    const need = mod.scratchBase + 3 * CHUNK * 4;
    const have = mod.memory.buffer.byteLength;
    if (need > have) mod.memory.grow(Math.ceil((need - have) / PAGE));
    this.#heap = new Float32Array(mod.memory.buffer);
  }

  /** The float32 view of wasm memory (renewed if memory was grown elsewhere). */
  heap(): Float32Array {
    if (this.#heap.buffer !== this.#mod.memory.buffer) {
      this.#heap = new Float32Array(this.#mod.memory.buffer);
    }
    return this.#heap;
  }

  /** Byte offset of region r (0, 1, 2). */
  ptr(r: number): number {
    return this.#mod.scratchBase + r * CHUNK * 4;
  }

  run(c: KernelCall, a: number, b: number, c2: number | undefined, n: number): void {
    const fn = this.#mod.kernel(c.fn);
    // Kernels work on whole vectors: round n up; the extra lanes are never copied out.
    const padded = (n + 3) & ~3;
    if (c2 === undefined) fn(a, b, padded, ...c.args);
    else fn(a, b, c2, padded, ...c.args);
  }
}

/** A Backend over an instantiated kernel module. */
export function createWasmBackend(mod: KernelModule): Backend {
  const s = new Scratch(mod);
  const at = (r: number): number => s.ptr(r) >> 2;

  const unary: Pick<Backend, 'unaryForward' | 'unaryBackward'> = {
    unaryForward(spec: ElementwiseSpec, p: Params, x: FloatArray, y: FloatArray): void {
      const binding = isF32(x) && isF32(y) ? bindingFor(spec.id, p) : undefined;
      if (binding === undefined) {
        jsBackend.unaryForward(spec, p, x, y);
        return;
      }
      for (let o = 0; o < x.length; o += CHUNK) {
        const n = Math.min(CHUNK, x.length - o);
        const heap = s.heap();
        heap.set(x.subarray(o, o + n), at(0));
        s.run(binding.forward, s.ptr(0), s.ptr(1), undefined, n);
        y.set(heap.subarray(at(1), at(1) + n), o);
      }
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
      for (let o = 0; o < saved.length; o += CHUNK) {
        const n = Math.min(CHUNK, saved.length - o);
        const heap = s.heap();
        heap.set(saved.subarray(o, o + n), at(0));
        heap.set(gy.subarray(o, o + n), at(1));
        s.run(kernel, s.ptr(0), s.ptr(1), s.ptr(2), n);
        gx.set(heap.subarray(at(2), at(2) + n), o);
      }
    },
  };

  return {
    // Everything without a wasm kernel yet is the js reference.
    ...jsBackend,
    ...createTensorKernels(mod, unary),
    ...unary,
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
