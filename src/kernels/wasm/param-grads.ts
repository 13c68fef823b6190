/**
 * The learnable-parameter gradients on the wasm backend (assembly/paramgrad.ts):
 * Σ gy·∂f/∂θ for swish β, elu α, prelu α and snake α, in float64 lanes. Whole vectors
 * run in the kernel, through the activations' runner (elementwise.ts: in
 * place when both arrays are resident, else a chunk at a time); the last 1–3
 * elements, and activations or parameters without a kernel, go to the js
 * reference.
 */

import type { FloatArray } from '../../activations/kernels.js';
import { paramGrads } from '../../activations/kernels.js';
import type { ElementwiseSpec, Params } from '../../activations/types.js';
import type { Backend } from '../backend.js';
import { bindingFor } from './bindings.js';
import type { Elementwise } from './elementwise.js';

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

export function createParamGrads(ew: Elementwise): Backend['unaryParamGrads'] {
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
      let rest = paramGrads(spec, p, x.subarray(whole), gy.subarray(whole))[name]!;
      const outside = k[2];
      if (outside !== undefined) {
        const d = spec.dParams![name]!;
        for (let i = 0; i < whole; i++) if (outside(x[i]!)) rest += gy[i]! * d(x[i]!, p);
      }
      const ops = [x.subarray(0, whole) as Float32Array, gy.subarray(0, whole) as Float32Array];
      out[name] = (whole > 0 ? ew.run({ fn: k[0], args: k[1] }, ops, false) : 0) + rest;
    }
    return out;
  };
}
