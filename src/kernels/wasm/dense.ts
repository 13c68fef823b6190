/**
 * A Dense layer's product, bias and activation in one call into the arena each way
 * (assembly/gemm.ts and fused.ts): the pre-activation and its gradient never
 * leave wasm, where the separate calls would copy each out and back in.
 * Float64 arrays and activations without a kernel take the same calls one by
 * one.
 */
import type { Backend } from '../backend.js';
import { composedDenseBiasActivation, type FusedDenseKernels } from '../js/fused.js';
import type { WasmArena } from './arena.js';
import { absentOrF32 } from './float32.js';
import { type BiasActivationInArena, canFuseBackward, canFuseForward, vec4 } from './fused.js';
import type { KernelModule } from './loader.js';

export function createDenseKernels(
  mod: KernelModule,
  arena: WasmArena,
  work: number,
  bias: BiasActivationInArena,
  separate: Pick<Backend, 'gemm' | 'biasActivationForward' | 'biasActivationBackward'>,
): FusedDenseKernels {
  const sgemm = mod.kernel('sgemm');
  const composed = composedDenseBiasActivation(separate);

  return {
    denseBiasActivationForward(spec, p, x, w, b, rows, inDim, units, y, pre) {
      if (![x, w, b, y, pre].every(absentOrF32) || !canFuseForward(spec, p)) {
        composed.denseBiasActivationForward(spec, p, x, w, b, rows, inDim, units, y, pre);
        return;
      }
      arena.begin();
      const px = arena.input(x as Float32Array, 0, rows * inDim);
      const pw = arena.input(w as Float32Array, 0, inDim * units);
      const pb = arena.input(b as Float32Array, 0, units);
      const pz = arena.alloc(vec4(rows * units) * 4);
      sgemm(0, 0, rows, units, inDim, 1, px, inDim, pw, units, 0, pz, units, work);
      bias.forward(spec, p, pz, pb, rows, units, y as Float32Array, pre as Float32Array | null);
    },

    denseBiasActivationBackward(spec, p, x, w, saved, gy, rows, inDim, units, fromY, gx, gw, gb) {
      const all = [x, w, saved, gy, gx, gw, gb].every(absentOrF32);
      if (!all || !canFuseBackward(spec, p, fromY)) {
        composed.denseBiasActivationBackward(
          spec,
          p,
          x,
          w,
          saved,
          gy,
          rows,
          inDim,
          units,
          fromY,
          gx,
          gw,
          gb,
        );
        return;
      }
      arena.begin();
      const n = rows * units;
      const ps = arena.input(saved as Float32Array, 0, n);
      const pgy = arena.input(gy as Float32Array, 0, n);
      const pgz = arena.alloc(vec4(n) * 4);
      const pgb = arena.alloc(units * 4);
      bias.backward(spec, p, ps, pgy, rows, units, fromY, pgz, pgb);
      arena.get(pgb, units, gb as Float32Array);
      if (gx !== null) {
        const pw = arena.input(w as Float32Array, 0, inDim * units);
        const pgx = arena.output(gx as Float32Array, 0, rows * inDim);
        sgemm(0, 1, rows, inDim, units, 1, pgz, units, pw, units, 0, pgx, inDim, work);
        arena.get(pgx, rows * inDim, gx as Float32Array);
      }
      const px = arena.input(x as Float32Array, 0, rows * inDim);
      const pgw = arena.output(gw as Float32Array, 0, inDim * units);
      sgemm(1, 0, inDim, units, rows, 1, px, inDim, pgz, units, 0, pgw, units, work);
      arena.get(pgw, inDim * units, gw as Float32Array);
    },
  };
}
