// Partial vectors: the last 1–3 values of a row, loaded and stored lane by lane
// so that no byte past the row is touched (a row may end where its array ends,
// and a resident array may end where the memory does). Lanes are 32 bits:
// float32 values or int32 indices alike.

/** The t (1–3) values at p in lanes 0..t−1, zeros above. */
// @ts-ignore: decorator
@inline export function loadPart(p: usize, t: i32): v128 {
  if (t == 1) return v128.load32_zero(p);
  const v = v128.load64_zero(p);
  return t == 2 ? v : v128.load32_lane(p, v, 2, 8);
}

/** Stores lanes 0..t−1 (t from 1 to 3) of v at p. */
// @ts-ignore: decorator
@inline export function storePart(p: usize, v: v128, t: i32): void {
  if (t == 1) {
    v128.store32_lane(p, v, 0);
    return;
  }
  v128.store64_lane(p, v, 0);
  if (t == 3) v128.store32_lane(p, v, 2, 8);
}

/** t (1–4) values at p: a whole vector when t is 4. */
// @ts-ignore: decorator
@inline export function loadLanes(p: usize, t: i32): v128 {
  return t == 4 ? v128.load(p) : loadPart(p, t);
}

/** Stores lanes 0..t−1 (t from 1 to 4) of v at p. */
// @ts-ignore: decorator
@inline export function storeLanes(p: usize, v: v128, t: i32): void {
  if (t == 4) v128.store(p, v);
  else storePart(p, v, t);
}

/** All ones in lanes 0..t−1, zeros above. */
// @ts-ignore: decorator
@inline export function firstLanes(t: i32): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(t));
}

/** Four 32-bit values, one from each of four rows (byte offset k of each), as lanes 0–3. */
// @ts-ignore: decorator
@inline export function gather4(p0: usize, p1: usize, p2: usize, p3: usize, k: usize): v128 {
  let v = v128.load32_zero(p0 + k);
  v = v128.load32_lane(p1 + k, v, 1);
  v = v128.load32_lane(p2 + k, v, 2);
  return v128.load32_lane(p3 + k, v, 3);
}
