// SGEMM for the wasm backend: C = alpha · op(A) · op(B) + beta · C, row-major.
//
// The Goto/BLIS structure: B is packed a KC×NC block at a time into panels NR
// columns wide, and a 4×8 register-blocked micro-kernel multiplies four rows
// of A by one B panel with eight f32x4 accumulators. Packing is where the
// transpose cases differ: op(B) always becomes the same contiguous panels; an
// untransposed A is read in place (its four rows are four sequential streams,
// as in XNNPACK's kernels, which saves a copy that costs as much as the
// arithmetic when N is small, as in a convolution with few filters), and a
// transposed A is packed into 4-row panels first. So one kernel serves all
// four cases. With beta = 0 the first depth block stores over C and later
// ones add to it; any other beta is applied to C first and every block adds.
//
// WebAssembly SIMD128 has no fused multiply-add: each step is a mul and an add.
// Pointers are byte offsets; leading dimensions are in elements.

const MR: i32 = 4;
const NR: i32 = 8;
/** Depth of a packed block: a 4×KC A panel (4 KiB) and a KC×8 B panel (8 KiB) share L1. */
const KC: i32 = 256;
/** Rows of A per block (a packed block is 128 KiB, in L2). */
const MC: i32 = 128;
/** Columns of a packed B block (2 MiB at most, streamed from L2/L3 one 8 KiB panel at a time). */
const NC: i32 = 2048;

/** Floats of a packed B block small enough to stay in L1 (32 KiB) for a whole row block of A. */
const NARROW_B: i32 = 8192;

/**
 * A 4×8 tile for the edges of C, where the kernel cannot write in place: the
 * end of the caller's workspace, whose address sgemm keeps in this global.
 * Not static memory: threads that share one memory each have their own
 * workspace and their own instance, so their tiles never overlap.
 */
let EDGE: usize = 0;

/** Bytes of workspace sgemm needs: its packed blocks, then the edge tile. */
export function gemmWorkspaceBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR) << 2;
}

/**
 * dst[r, 0..cols] += alpha · Σ_p A[r, p] · pb[p, 0..8] for r < rows: the micro-kernel.
 * Row r of A starts at a0..a3 and advances `step` bytes per p (4 when A is
 * read in place, 16 in a packed panel); pb holds 8 floats per p. Missing rows
 * point at a row that exists, and their sums are dropped. ldc is in bytes.
 * With `overwrite` the sums are stored (=) instead of added: C is not read.
 */
// @ts-ignore: decorator
@inline function kernel4x8(
  a0: usize,
  a1: usize,
  a2: usize,
  a3: usize,
  step: usize,
  pb: usize,
  kc: i32,
  alpha: f32,
  dst: usize,
  ldc: usize,
  rows: i32,
  cols: i32,
  overwrite: bool,
): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(pb);
    const b1 = v128.load(pb, 16);
    let a = v128.load32_splat(a0);
    c00 = f32x4.add(c00, f32x4.mul(a, b0));
    c01 = f32x4.add(c01, f32x4.mul(a, b1));
    a = v128.load32_splat(a1);
    c10 = f32x4.add(c10, f32x4.mul(a, b0));
    c11 = f32x4.add(c11, f32x4.mul(a, b1));
    a = v128.load32_splat(a2);
    c20 = f32x4.add(c20, f32x4.mul(a, b0));
    c21 = f32x4.add(c21, f32x4.mul(a, b1));
    a = v128.load32_splat(a3);
    c30 = f32x4.add(c30, f32x4.mul(a, b0));
    c31 = f32x4.add(c31, f32x4.mul(a, b1));
    a0 += step;
    a1 += step;
    a2 += step;
    a3 += step;
    pb += 32;
  }
  if (alpha != 1) {
    const va = f32x4.splat(alpha);
    c00 = f32x4.mul(c00, va);
    c01 = f32x4.mul(c01, va);
    c10 = f32x4.mul(c10, va);
    c11 = f32x4.mul(c11, va);
    c20 = f32x4.mul(c20, va);
    c21 = f32x4.mul(c21, va);
    c30 = f32x4.mul(c30, va);
    c31 = f32x4.mul(c31, va);
  }
  if (overwrite && rows == MR && cols == NR) {
    // The first depth block of a product with beta = 0: C is not read at all.
    let d = dst;
    v128.store(d, c00);
    v128.store(d, c01, 16);
    d += ldc;
    v128.store(d, c10);
    v128.store(d, c11, 16);
    d += ldc;
    v128.store(d, c20);
    v128.store(d, c21, 16);
    d += ldc;
    v128.store(d, c30);
    v128.store(d, c31, 16);
    return;
  }
  if (rows == MR && cols == NR) {
    let d = dst;
    v128.store(d, f32x4.add(v128.load(d), c00));
    v128.store(d, f32x4.add(v128.load(d, 16), c01), 16);
    d += ldc;
    v128.store(d, f32x4.add(v128.load(d), c10));
    v128.store(d, f32x4.add(v128.load(d, 16), c11), 16);
    d += ldc;
    v128.store(d, f32x4.add(v128.load(d), c20));
    v128.store(d, f32x4.add(v128.load(d, 16), c21), 16);
    d += ldc;
    v128.store(d, f32x4.add(v128.load(d), c30));
    v128.store(d, f32x4.add(v128.load(d, 16), c31), 16);
    return;
  }
  // A partial tile: spill the sums and add the rows × cols that exist, whole
  // vectors where four columns exist (a convolution with 6 or 84 filters
  // lives on this path, so it must not go element by element).
  v128.store(EDGE, c00);
  v128.store(EDGE, c01, 16);
  v128.store(EDGE, c10, 32);
  v128.store(EDGE, c11, 48);
  v128.store(EDGE, c20, 64);
  v128.store(EDGE, c21, 80);
  v128.store(EDGE, c30, 96);
  v128.store(EDGE, c31, 112);
  for (let r = 0; r < rows; r++) {
    const src = EDGE + ((<usize>(r * NR)) << 2);
    const d = dst + <usize>r * ldc;
    let j = 0;
    if (overwrite) {
      if (cols >= 4) {
        v128.store(d, v128.load(src));
        j = 4;
      }
      for (; j < cols; j++) {
        const o = (<usize>j) << 2;
        store<f32>(d + o, load<f32>(src + o));
      }
      continue;
    }
    if (cols >= 4) {
      v128.store(d, f32x4.add(v128.load(d), v128.load(src)));
      j = 4;
    }
    for (; j < cols; j++) {
      const o = (<usize>j) << 2;
      store<f32>(d + o, load<f32>(d + o) + load<f32>(src + o));
    }
  }
}

/**
 * Packs rows i0..i0+mc, columns p0..p0+kc of op(A) = Aᵀ (A stored k×m) into
 * MR-row panels: panel q holds, for each p, the MR values of rows i0+q·MR..
 * (zeros past m). An untransposed A needs no packing: the kernel reads its rows.
 */
function packTransposedA(a: usize, lda: i32, i0: i32, mc: i32, p0: i32, kc: i32, pa: usize): void {
  for (let ir = 0; ir < mc; ir += MR) {
    const rows = min(MR, mc - ir);
    let dst = pa + ((<usize>(ir * kc)) << 2);
    // op(A)[i, p] = a[p·lda + i]: the MR values of one step are contiguous.
    let src = a + ((<usize>(p0 * lda + i0 + ir)) << 2);
    const step = (<usize>lda) << 2;
    if (rows == MR) {
      for (let p = 0; p < kc; p++) {
        v128.store(dst, v128.load(src));
        src += step;
        dst += 16;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        for (let r = 0; r < MR; r++) {
          const v: f32 = r < rows ? load<f32>(src + ((<usize>r) << 2)) : 0;
          store<f32>(dst + ((<usize>r) << 2), v);
        }
        src += step;
        dst += 16;
      }
    }
  }
}

/**
 * Packs rows p0..p0+kc, columns j0..j0+nc of op(B) into NR-column panels:
 * panel q holds, for each p, the NR values of columns j0+q·NR.. (zeros past n).
 */
function packB(
  transB: bool,
  b: usize,
  ldb: i32,
  p0: i32,
  kc: i32,
  j0: i32,
  nc: i32,
  pb: usize,
): void {
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    let dst = pb + ((<usize>(jr * kc)) << 2);
    if (!transB) {
      // op(B)[p, j] = b[p·ldb + j]: one step's NR values are contiguous.
      let src = b + ((<usize>(p0 * ldb + j0 + jr)) << 2);
      const step = (<usize>ldb) << 2;
      if (cols == NR) {
        for (let p = 0; p < kc; p++) {
          v128.store(dst, v128.load(src));
          v128.store(dst, v128.load(src, 16), 16);
          src += step;
          dst += 32;
        }
      } else {
        for (let p = 0; p < kc; p++) {
          for (let j = 0; j < NR; j++) {
            const v: f32 = j < cols ? load<f32>(src + ((<usize>j) << 2)) : 0;
            store<f32>(dst + ((<usize>j) << 2), v);
          }
          src += step;
          dst += 32;
        }
      }
      continue;
    }
    // op(B)[p, j] = b[j·ldb + p]: each column is contiguous along p; 4×4 transposes.
    const col = b + ((<usize>((j0 + jr) * ldb + p0)) << 2);
    const cs = (<usize>ldb) << 2;
    if (cols == NR) {
      let p = 0;
      for (; p + 4 <= kc; p += 4) {
        const o = (<usize>p) << 2;
        for (let half = 0; half < 2; half++) {
          const c0 = col + <usize>(half * 4) * cs + o;
          const x0 = v128.load(c0);
          const x1 = v128.load(c0 + cs);
          const x2 = v128.load(c0 + 2 * cs);
          const x3 = v128.load(c0 + 3 * cs);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5);
          const t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7);
          const t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const d = dst + ((<usize>half) << 4);
          v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
          v128.store(d, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), 32);
          v128.store(d, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), 64);
          v128.store(d, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), 96);
        }
        dst += 128;
      }
      for (; p < kc; p++) {
        const o = (<usize>p) << 2;
        for (let j = 0; j < NR; j++) {
          store<f32>(dst + ((<usize>j) << 2), load<f32>(col + <usize>j * cs + o));
        }
        dst += 32;
      }
    } else {
      for (let p = 0; p < kc; p++) {
        const o = (<usize>p) << 2;
        for (let j = 0; j < NR; j++) {
          const v: f32 = j < cols ? load<f32>(col + <usize>j * cs + o) : 0;
          store<f32>(dst + ((<usize>j) << 2), v);
        }
        dst += 32;
      }
    }
  }
}

/**
 * C[0..mc, 0..nc] += alpha · A block · packed B block, tile by tile. A is the
 * packed block (lda = 0) or, untransposed, read in place with row stride lda.
 */
function macroKernel(
  a: usize,
  lda: i32,
  pb: usize,
  mc: i32,
  nc: i32,
  kc: i32,
  alpha: f32,
  c: usize,
  ldc: i32,
  overwrite: bool,
): void {
  const ldcb = (<usize>ldc) << 2;
  const packed = lda == 0;
  const rs: usize = packed ? 4 : (<usize>lda) << 2;
  const step: usize = packed ? 16 : 4;
  if (nc * kc <= NARROW_B) {
    // A narrow B block (a convolution with 6 or 16 filters) stays in L1 whole:
    // then each A tile is read once for all its panels instead of once per panel.
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const a0 = a + (packed ? (<usize>(ir * kc)) << 2 : <usize>ir * rs);
      const a1 = rows > 1 ? a0 + rs : a0;
      const a2 = rows > 2 ? a0 + 2 * rs : a0;
      const a3 = rows > 3 ? a0 + 3 * rs : a0;
      const ci = c + <usize>ir * ldcb;
      for (let jr = 0; jr < nc; jr += NR) {
        const pbj = pb + ((<usize>(jr * kc)) << 2);
        const cols = min(NR, nc - jr);
        kernel4x8(
          a0,
          a1,
          a2,
          a3,
          step,
          pbj,
          kc,
          alpha,
          ci + ((<usize>jr) << 2),
          ldcb,
          rows,
          cols,
          overwrite,
        );
      }
    }
    return;
  }
  for (let jr = 0; jr < nc; jr += NR) {
    const cols = min(NR, nc - jr);
    const pbj = pb + ((<usize>(jr * kc)) << 2);
    const cj = c + ((<usize>jr) << 2);
    for (let ir = 0; ir < mc; ir += MR) {
      const rows = min(MR, mc - ir);
      const a0 = a + (packed ? (<usize>(ir * kc)) << 2 : <usize>ir * rs);
      // Rows past the edge reread row 0 of the tile; their sums are never stored.
      const a1 = rows > 1 ? a0 + rs : a0;
      const a2 = rows > 2 ? a0 + 2 * rs : a0;
      const a3 = rows > 3 ? a0 + 3 * rs : a0;
      kernel4x8(
        a0,
        a1,
        a2,
        a3,
        step,
        pbj,
        kc,
        alpha,
        cj + <usize>ir * ldcb,
        ldcb,
        rows,
        cols,
        overwrite,
      );
    }
  }
}

/** C ← beta·C over m rows of n (row stride ldc); beta = 0 clears, so NaN in C does not survive. */
function scaleC(m: i32, n: i32, beta: f32, c: usize, ldc: i32): void {
  if (beta == 0 && ldc == n) {
    // A dense C (every caller's case) is one block: one fill, not one per row of a few floats.
    memory.fill(c, 0, (<usize>m * <usize>n) << 2);
    return;
  }
  for (let i = 0; i < m; i++) {
    const row = c + ((<usize>(i * ldc)) << 2);
    if (beta == 0) {
      memory.fill(row, 0, (<usize>n) << 2);
      continue;
    }
    for (let j = 0; j < n; j++) {
      const o = row + ((<usize>j) << 2);
      store<f32>(o, load<f32>(o) * beta);
    }
  }
}

/**
 * C = alpha · op(A) · op(B) + beta · C. op(A) is m×k (stored k×m when transA),
 * op(B) is k×n (stored n×k when transB); lda, ldb, ldc are row strides in
 * elements; work is gemmWorkspaceBytes() of scratch, 16-byte aligned.
 */
export function sgemm(
  transA: bool,
  transB: bool,
  m: i32,
  n: i32,
  k: i32,
  alpha: f32,
  a: usize,
  lda: i32,
  b: usize,
  ldb: i32,
  beta: f32,
  c: usize,
  ldc: i32,
  work: usize,
): void {
  // With beta = 0 the first depth block stores its sums over C instead of
  // adding to it: no pass that clears C first, and no read of it.
  const empty = m <= 0 || n <= 0 || k <= 0 || alpha == 0;
  if (beta != 1 && (beta != 0 || empty)) scaleC(m, n, beta, c, ldc);
  if (empty) return;
  const pa = work;
  const pb = work + ((<usize>(MC * KC)) << 2);
  EDGE = pb + ((<usize>(KC * NC)) << 2);
  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(transB, b, ldb, pc, kc, jc, nc, pb);
      const overwrite = beta == 0 && pc == 0;
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        const cBlock = c + ((<usize>(ic * ldc + jc)) << 2);
        if (transA) {
          packTransposedA(a, lda, ic, mc, pc, kc, pa);
          macroKernel(pa, 0, pb, mc, nc, kc, alpha, cBlock, ldc, overwrite);
        } else {
          const aBlock = a + ((<usize>(ic * lda + pc)) << 2);
          macroKernel(aBlock, lda, pb, mc, nc, kc, alpha, cBlock, ldc, overwrite);
        }
      }
    }
  }
}
