/**
 * The learnable-parameter gradients on the wasm backend (assembly/paramgrad.ts):
 * Σ gy·∂f/∂θ for swish β, elu α, prelu α and snake α, in float64 lanes. Whole vectors
 * run in the kernel (in place when both arrays are resident, else through a
 * scratch copy a chunk at a time); the last 1–3 elements, and activations or
 * parameters without a kernel, go to the js reference.
 */

import type { FloatArray } from '../../activations/kernels.js';
import { paramGrads } from '../../activations/kernels.js';
import type { ElementwiseSpec, Params } from '../../activations/types.js';
import type { Backend } from '../backend.js';
import { bindingFor } from './bindings.js';
import type { WasmHeap } from './heap.js';
import type { KernelModule } from './loader.js';

type SumKernel = (x: number, gy: number, n: number, ...args: number[]) => number;

/**
 * The kernel and its trailing arguments for one parameter, and the inputs it
 * leaves to the host (their terms are added from the spec), or undefined.
 */
function kernelFor(
  id: string,
  name: string,
  p: Params,
): [string, number[], ((x: number) => boolean)?] | undefined {
  if (id === 'snake' && name === 'alpha') {
    const a = p['alpha'];
    // The inputs the snake kernels leave to the host are those of its binding.
    const outside = bindingFor(id, p)?.outOfRange?.test;
    return typeof a === 'number' && Number.isFinite(a) && a > 0 && outside !== undefined
      ? ['snake_pg', [a], outside]
      : undefined;
  }
  if (id === 'swish' && name === 'beta') {
    const beta = p['beta'];
    // β = 0 is the line x/2, whose ∂/∂β the spec defines apart.
    return typeof beta === 'number' && Number.isFinite(beta) && beta !== 0
      ? ['swish_pg', [beta]]
      : undefined;
  }
  if (id === 'elu' && name === 'alpha') return ['elu_pg', []];
  if (id === 'prelu' && name === 'alpha') return ['prelu_pg', []];
  return undefined;
}

/** Floats per scratch region (two regions: x and gy). */
const CHUNK = 16384;

export function createParamGrads(mod: KernelModule, heap: WasmHeap): Backend['unaryParamGrads'] {
  const scratch = heap.alloc(2 * CHUNK * 4);
  if (scratch === 0) throw new Error('wasm heap: no room for the parameter-gradient scratch');

  function sum(
    fn: SumKernel,
    args: number[],
    x: Float32Array,
    gy: Float32Array,
    n: number,
  ): number {
    if (heap.holds(x) && heap.holds(gy)) return fn(x.byteOffset, gy.byteOffset, n, ...args);
    const f32 = heap.f32();
    let s = 0;
    for (let o = 0; o < n; o += CHUNK) {
      const m = Math.min(CHUNK, n - o);
      f32.set(x.subarray(o, o + m), scratch >> 2);
      f32.set(gy.subarray(o, o + m), (scratch >> 2) + CHUNK);
      s += fn(scratch, scratch + CHUNK * 4, m, ...args);
    }
    return s;
  }

  return (spec: ElementwiseSpec, p: Params, x: FloatArray, gy: FloatArray) => {
    const out = paramGrads(spec, p, x.subarray(0, 0), gy.subarray(0, 0));
    const whole = x.length & ~3;
    for (const name of Object.keys(out)) {
      const k =
        x instanceof Float32Array && gy instanceof Float32Array
          ? kernelFor(spec.id, name, p)
          : undefined;
      if (k === undefined) {
        out[name] = paramGrads(spec, p, x, gy)[name]!;
        continue;
      }
      const fn = mod.kernel(k[0]) as unknown as SumKernel;
      let rest = paramGrads(spec, p, x.subarray(whole), gy.subarray(whole))[name]!;
      const outside = k[2];
      if (outside !== undefined) {
        const d = spec.dParams![name]!;
        for (let i = 0; i < whole; i++) if (outside(x[i]!)) rest += gy[i]! * d(x[i]!, p);
      }
      out[name] = sum(fn, k[1], x as Float32Array, gy as Float32Array, whole) + rest;
    }
    return out;
  };
}
