/**
 * How a GEMM's C is cut between threads: into row blocks or column blocks,
 * never along the depth k (see threads.ts: that is what keeps the result
 * bit-identical to one thread). Blocks are whole micro-kernel tiles (4 rows,
 * 8 columns in assembly/gemm.ts) where the matrix is large enough, so that a
 * cut adds no partial tiles.
 */

/** C[r0..r1, c0..c1]. */
export interface Share {
  readonly r0: number;
  readonly r1: number;
  readonly c0: number;
  readonly c1: number;
}

const TILE_ROWS = 4;
const TILE_COLS = 8;

/** [lo, hi) blocks of 0..size for `parts` parties: cuts at whole tiles when every block still gets one. */
function blocks(size: number, parts: number, tile: number): [number, number][] {
  const unit = size >= parts * tile ? tile : 1;
  const cuts = [0];
  for (let i = 1; i < parts; i++) cuts.push(Math.round((i * size) / parts / unit) * unit);
  cuts.push(size);
  const out: [number, number][] = [];
  for (let i = 0; i < parts; i++) {
    const lo = cuts[i]!;
    const hi = Math.max(lo, cuts[i + 1]!);
    if (hi > lo) out.push([lo, hi]);
  }
  return out;
}

/**
 * The shares of C (m×n) for `parts` parties; fewer when C is too small to
 * give each one something. Each party copies its band of the one operand
 * and all of the other: cutting columns when m < n copies the smaller A
 * whole, cutting rows otherwise copies the smaller B whole.
 */
export function splitGemm(m: number, n: number, parts: number): Share[] {
  if (m <= 0 || n <= 0) return [];
  const byCols = m < n;
  if (byCols) return blocks(n, parts, TILE_COLS).map(([c0, c1]) => ({ r0: 0, r1: m, c0, c1 }));
  return blocks(m, parts, TILE_ROWS).map(([r0, r1]) => ({ r0, r1, c0: 0, c1: n }));
}
