/**
 * The `wasm` backend: AssemblyScript SIMD kernels for elementwise activations
 * and, from tensor-kernels.ts, GEMM, convolution, pooling and the optimizer
 * updates, and from reduce-kernels.ts softmax, log-softmax, the softmax
 * cross-entropy and the axis sum and max (float32); the js reference for
 * everything else (float64 arrays, activations or parameters without a kernel).
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
import { bindingFor } from './bindings.js';
import { Elementwise } from './elementwise.js';
import { isF32 } from './float32.js';
import { WasmHeap } from './heap.js';
import {
  instantiateKernels,
  instantiateKernelsSync,
  type KernelModule,
  simdSupported,
} from './loader.js';
import { createParamGrads } from './param-grads.js';
import { createReductionKernels } from './reduce-kernels.js';
import { createResidentStorage } from './resident.js';
import { createTensorKernels } from './tensor-kernels.js';

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
    ...createReductionKernels(mod, heap),
    unaryParamGrads: createParamGrads(ew),
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
