/**
 * One party's share of a GEMM split over threads: a block of C's rows or
 * columns, computed by a wasm instance of its own. The split never cuts the
 * depth k: every element of C is then summed over the same k-blocks in the
 * same order as in the one-thread GEMM (assembly/gemm.ts packs and blocks
 * along k alone; the m and n blocking only decides which tile computes an
 * element), so the result is bit-identical whichever way C is cut.
 */

/** A wasm instance's sgemm with room to work: its own memory, never shared. */
export interface PartKernel {
  readonly memory: WebAssembly.Memory;
  readonly sgemm: (...args: number[]) => void;
  /** Byte offset of the packing workspace (gemmWorkspaceBytes long). */
  readonly work: number;
  /** First byte after the workspace: the operands of a share go there. */
  readonly base: number;
}

/**
 * A fresh instance of the kernels, its packing workspace placed after what
 * the module uses and the operands after that. Workers receive this function
 * as source text, like runPart (see there).
 */
export function instantiatePart(module: WebAssembly.Module): PartKernel {
  const ex = new WebAssembly.Instance(module, {}).exports;
  const memory = ex['memory'] as WebAssembly.Memory;
  const workspace = (ex['gemmWorkspaceBytes'] as () => number)();
  const work = (memory.buffer.byteLength + 15) & ~15;
  const base = (work + workspace + 15) & ~15;
  if (base > memory.buffer.byteLength) {
    memory.grow(Math.ceil((base - memory.buffer.byteLength) / 65536));
  }
  return { memory, sgemm: ex['sgemm'] as (...args: number[]) => void, work, base };
}

/**
 * C[r0..r1, c0..c1] of C = alpha·op(A)·op(B) + beta·C, with the operands laid
 * out as Backend.gemm takes them (row-major, op(A) m×k stored k×m when
 * transA, op(B) k×n stored n×k when transB, C m×n). Copies the rows of op(A)
 * and columns of op(B) that the block needs into the kernel's memory, runs
 * sgemm there and copies the block back.
 *
 * Workers receive this function as source text, so it must use nothing but
 * its parameters and the globals every JavaScript realm has, and define no
 * functions inside (a transpiler may wrap those in helpers of its module).
 */
export function runPart(
  kern: PartKernel,
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  beta: number,
  c: Float32Array,
  co: number,
  r0: number,
  r1: number,
  c0: number,
  c1: number,
): void {
  const mp = r1 - r0;
  const np = c1 - c0;
  if (mp <= 0 || np <= 0) return;
  const allRows = mp === m;
  const allCols = np === n;
  // Leading dimensions in the kernel's memory: a band that is all of the
  // stored operand keeps its stride, a strided band is packed tight.
  const lda = transA ? (allRows ? m : mp) : k;
  const ldb = transB ? k : allCols ? n : np;
  // Each operand starts on a 16-byte boundary (no helper function: see above).
  const pa = kern.base;
  const pb = pa + ((mp * k * 4 + 15) & ~15);
  const pc = pb + ((k * np * 4 + 15) & ~15);
  const end = pc + ((mp * np * 4 + 15) & ~15);
  const have = kern.memory.buffer.byteLength;
  if (end > have) kern.memory.grow(Math.ceil((end - have) / 65536));
  const mem = new Float32Array(kern.memory.buffer);
  const fa = pa >> 2;
  const fb = pb >> 2;
  const fc = pc >> 2;

  // op(A)[r0..r1, :]: contiguous rows of A, or (transposed) k runs of mp floats.
  if (!transA) mem.set(a.subarray(ao + r0 * k, ao + r1 * k), fa);
  else if (allRows) mem.set(a.subarray(ao, ao + k * m), fa);
  else {
    for (let p = 0; p < k; p++) {
      const s = ao + p * m + r0;
      mem.set(a.subarray(s, s + mp), fa + p * mp);
    }
  }
  // op(B)[:, c0..c1]: contiguous rows of a transposed B, or k runs of np floats.
  if (transB) mem.set(b.subarray(bo + c0 * k, bo + c1 * k), fb);
  else if (allCols) mem.set(b.subarray(bo, bo + k * n), fb);
  else {
    for (let p = 0; p < k; p++) {
      const s = bo + p * n + c0;
      mem.set(b.subarray(s, s + np), fb + p * np);
    }
  }
  // C is read only when beta asks for it.
  if (beta !== 0) {
    for (let i = 0; i < mp; i++) {
      const s = co + (r0 + i) * n + c0;
      mem.set(c.subarray(s, s + np), fc + i * np);
    }
  }
  kern.sgemm(
    transA ? 1 : 0,
    transB ? 1 : 0,
    mp,
    np,
    k,
    alpha,
    pa,
    lda,
    pb,
    ldb,
    beta,
    pc,
    np,
    kern.work,
  );
  if (allCols) c.set(mem.subarray(fc, fc + mp * np), co + r0 * n);
  else {
    for (let i = 0; i < mp; i++) {
      c.set(mem.subarray(fc + i * np, fc + (i + 1) * np), co + (r0 + i) * n + c0);
    }
  }
}
