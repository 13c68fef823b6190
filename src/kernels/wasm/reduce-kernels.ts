/**
 * The wasm backend's softmax and log-softmax along any axis, the sparse
 * softmax cross-entropy and its gradient, and the sum and max along an axis
 * (assembly/softmax.ts, reduce.ts). Operands that live in the wasm heap are
 * used in place; the others are copied through an arena in chunks of whole
 * slices or rows, so that the arena does not grow with the input. A sum or
 * max whose slice is longer than a chunk goes through it a chunk of rows at a
 * time, the partial result carried from one to the next. Float64 arrays,
 * other vector activations, and softmax slices longer than MAX_SLICE go to
 * the js reference, which keeps the gradient checks exact.
 */
import { axisLayout } from '../../activations/kernels.js';
import type { Params, VectorSpec } from '../../activations/types.js';
import type { Backend } from '../backend.js';
import { jsBackend } from '../js/index.js';
import { checkLabel } from '../js/reduce.js';
import { WasmArena } from './arena.js';
import { isF32 } from './float32.js';
import type { WasmHeap } from './heap.js';
import type { KernelModule } from './loader.js';

export type WasmReductionKernels = Pick<
  Backend,
  | 'vectorForward'
  | 'vectorBackward'
  | 'sumAxis'
  | 'maxAxis'
  | 'softmaxCrossEntropy'
  | 'softmaxCrossEntropyBackward'
>;

/** Values of one operand per chunk: 256 KiB, so that a kernel's second and third pass read it from L2. */
const CHUNK = 1 << 16;
/** Values of the longest slice (or row) the arena takes whole: 16 MiB an operand. */
const MAX_SLICE = 1 << 22;

type Array32 = Float32Array | Int32Array;

/** An operand of a chunked call: `per` of its values for each unit of work (a slice, a row). */
interface Operand {
  readonly a: Array32;
  readonly per: number;
  /** Written by the kernel (copied out), else read (copied in). */
  readonly out?: boolean;
}

/** The kernels' `log` argument: 0 for softmax, 1 for log_softmax, undefined for other vector activations. */
function softmaxKind(spec: VectorSpec, p: Params): 0 | 1 | undefined {
  if (Object.keys(p).length > 0) return undefined;
  if (spec.id === 'softmax') return 0;
  return spec.id === 'log_softmax' ? 1 : undefined;
}

export function createReductionKernels(mod: KernelModule, heap: WasmHeap): WasmReductionKernels {
  const arena = new WasmArena(heap);
  const forward = mod.kernel('softmaxForward');
  const backward = mod.kernel('softmaxBackward');
  const xent = mod.kernel('softmaxXent') as unknown as (...args: number[]) => number;
  const xentBackward = mod.kernel('softmaxXentBackward');
  const sum = mod.kernel('sumAlongAxis');
  const max = mod.kernel('maxAlongAxis');

  function view(a: Array32): Array32 {
    return a instanceof Float32Array ? heap.f32() : heap.i32();
  }

  /**
   * Runs `call` over `units` units of work, as many at a time as fit a chunk
   * (all at once when every float operand is resident: the int ones, labels
   * and indices, are small): resident operands in place, the others through
   * regions of the arena.
   */
  function chunked(
    ops: readonly Operand[],
    units: number,
    call: (ptrs: number[], count: number) => void,
  ): void {
    arena.begin();
    const resident = ops.map((o) => heap.holds(o.a));
    const widest = Math.max(...ops.map((o) => o.per));
    const whole = ops.every((o, j) => resident[j] || o.a instanceof Int32Array);
    const step = whole ? units : Math.max(1, Math.floor(CHUNK / widest));
    const regions = ops.map((o, j) =>
      resident[j] ? 0 : arena.alloc(Math.min(step, units) * o.per * 4),
    );
    for (let u = 0; u < units; u += step) {
      const count = Math.min(step, units - u);
      const ptrs = ops.map((o, j) => {
        const off = u * o.per;
        if (resident[j]) return o.a.byteOffset + off * 4;
        if (!o.out) view(o.a).set(o.a.subarray(off, off + count * o.per), regions[j]! >> 2);
        return regions[j]!;
      });
      call(ptrs, count);
      ops.forEach((o, j) => {
        if (!o.out || resident[j]) return;
        const r = regions[j]! >> 2;
        o.a.set(view(o.a).subarray(r, r + count * o.per), u * o.per);
      });
    }
  }

  /**
   * x [outer, n, inner] reduced over n into outs [outer, inner]. A slice
   * longer than a chunk goes through a chunk of rows at a time; the kernel
   * then continues from the outputs, told where along n its rows start.
   */
  function alongAxis(
    x: Float32Array,
    outs: readonly Array32[],
    outer: number,
    n: number,
    inner: number,
    call: (px: number, pOuts: number[], outer: number, rows: number, k0: number) => void,
  ): void {
    const slice = n * inner;
    if (slice <= CHUNK || [x, ...outs].every((a) => heap.holds(a))) {
      const ops = [{ a: x, per: slice }, ...outs.map((a) => ({ a, per: inner, out: true }))];
      chunked(ops, outer, (p, count) => call(p[0]!, p.slice(1), count, n, 0));
      return;
    }
    arena.begin();
    const rows = Math.max(1, Math.floor(CHUNK / inner));
    const region = heap.holds(x) ? 0 : arena.alloc(Math.min(rows, n) * inner * 4);
    const outRegions = outs.map((a) => (heap.holds(a) ? 0 : arena.alloc(inner * 4)));
    for (let o = 0; o < outer; o++) {
      const pOuts = outs.map((a, j) =>
        heap.holds(a) ? a.byteOffset + o * inner * 4 : outRegions[j]!,
      );
      for (let k0 = 0; k0 < n; k0 += rows) {
        const count = Math.min(rows, n - k0);
        const off = (o * n + k0) * inner;
        let px = region;
        if (heap.holds(x)) px = x.byteOffset + off * 4;
        else heap.f32().set(x.subarray(off, off + count * inner), region >> 2);
        call(px, pOuts, 1, count, k0);
      }
      outs.forEach((a, j) => {
        if (heap.holds(a)) return;
        const r = outRegions[j]! >> 2;
        a.set(view(a).subarray(r, r + inner), o * inner);
      });
    }
  }

  return {
    vectorForward(spec, p, x, shape, axis, y) {
      const log = softmaxKind(spec, p);
      const { outer, n, inner } = axisLayout(shape, axis);
      const slice = n * inner;
      if (log === undefined || !isF32(x) || !isF32(y) || outer * slice === 0 || slice > MAX_SLICE) {
        jsBackend.vectorForward(spec, p, x, shape, axis, y);
        return;
      }
      chunked(
        [
          { a: x, per: slice },
          { a: y, per: slice, out: true },
        ],
        outer,
        ([px, py], count) => forward(px!, py!, count, n, inner, log),
      );
    },

    vectorBackward(spec, p, x, y, gy, shape, axis, gx) {
      const log = softmaxKind(spec, p);
      const { outer, n, inner } = axisLayout(shape, axis);
      const slice = n * inner;
      const f32 = isF32(x) && isF32(y) && isF32(gy) && isF32(gx);
      if (log === undefined || !f32 || outer * slice === 0 || slice > MAX_SLICE) {
        jsBackend.vectorBackward(spec, p, x, y, gy, shape, axis, gx);
        return;
      }
      // The Jacobian of both needs only the output y.
      chunked(
        [
          { a: y as Float32Array, per: slice },
          { a: gy as Float32Array, per: slice },
          { a: gx as Float32Array, per: slice, out: true },
        ],
        outer,
        ([py, pgy, pgx], count) => backward(py!, pgy!, pgx!, count, n, inner, log),
      );
    },

    sumAxis(x, outer, n, inner, y) {
      if (!isF32(x) || !isF32(y) || outer * n * inner === 0 || inner > MAX_SLICE) {
        jsBackend.sumAxis(x, outer, n, inner, y);
        return;
      }
      alongAxis(x, [y], outer, n, inner, (px, [py], count, rows, k0) =>
        sum(px, py!, count, rows, inner, k0),
      );
    },

    maxAxis(x, outer, n, inner, y, argmax) {
      if (!isF32(x) || !isF32(y) || outer * n * inner === 0 || inner > MAX_SLICE) {
        jsBackend.maxAxis(x, outer, n, inner, y, argmax);
        return;
      }
      alongAxis(x, [y, argmax], outer, n, inner, (px, [py, pa], count, rows, k0) =>
        max(px, py!, pa!, count, rows, inner, k0),
      );
    },

    softmaxCrossEntropy(logits, labels, rows, classes) {
      if (!isF32(logits) || rows * classes === 0 || classes > MAX_SLICE) {
        return jsBackend.softmaxCrossEntropy(logits, labels, rows, classes);
      }
      for (let r = 0; r < rows; r++) checkLabel(labels[r]!, classes, r);
      let total = 0;
      chunked(
        [
          { a: logits, per: classes },
          { a: labels, per: 1 },
        ],
        rows,
        ([pz, pl], count) => {
          total = xent(pz!, pl!, count, classes, total);
        },
      );
      return total / rows;
    },

    softmaxCrossEntropyBackward(logits, labels, rows, classes, scale, gz) {
      // An infinite scale meets 0·∞ where the kernel's label entry does not; the reference decides.
      const plain = isF32(logits) && isF32(gz) && Number.isFinite(scale);
      if (!plain || rows * classes === 0 || classes > MAX_SLICE) {
        jsBackend.softmaxCrossEntropyBackward(logits, labels, rows, classes, scale, gz);
        return;
      }
      for (let r = 0; r < rows; r++) checkLabel(labels[r]!, classes, r);
      chunked(
        [
          { a: logits as Float32Array, per: classes },
          { a: labels, per: 1 },
          { a: gz as Float32Array, per: classes, out: true },
        ],
        rows,
        ([pz, pl, pg], count) => xentBackward(pz!, pl!, count, classes, scale, pg!),
      );
    },
  };
}
