// log1p(v) for v >= 0 in float32, after musl's log1pf: log(1 + v) is
// taken from u = fl(1 + v) with the rounding error of that sum added back as
// c/u, so tiny v keep full relative precision.
import { at32, K, kc } from './vec';

const LN2_HI: f32 = 0.6931381225585938; // 0x3f317180
const LN2_LO: f32 = 9.05800061445916e-6; // 0x3717f7d1
const LG1: f32 = 0.6666666269302368;
const LG2: f32 = 0.40000972151756287;
const LG3: f32 = 0.2849878668785095;
const LG4: f32 = 0.24279078841209412;

const TABLE = memory.data<f32>([LN2_HI, LN2_LO, LG1, LG2, LG3, LG4]);
const enum C {
  LN2_HI,
  LN2_LO,
  LG1,
  LG2,
  LG3,
  LG4,
}

// @ts-ignore: decorator
@inline function kt(i: C): v128 {
  return at32(TABLE, i);
}

// @ts-ignore: decorator
@inline export function log1pUnit(v: v128): v128 {
  const u = f32x4.add(kc(K.ONE), v);
  // Shift u so that its mantissa lands in [sqrt(2)/2, sqrt(2)); e = 0 for v < sqrt(2) − 1.
  let iu = i32x4.add(u, i32x4.splat(0x3f800000 - 0x3f3504f3));
  const e = i32x4.sub(i32x4.shr_s(iu, 23), i32x4.splat(127));
  const c = f32x4.div(
    v128.bitselect(
      f32x4.sub(kc(K.ONE), f32x4.sub(u, v)),
      f32x4.sub(v, f32x4.sub(u, kc(K.ONE))),
      i32x4.gt_s(e, i32x4.splat(0)),
    ),
    u,
  );
  iu = i32x4.add(v128.and(iu, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const f = f32x4.sub(iu, kc(K.ONE));
  const s = f32x4.div(f, f32x4.add(kc(K.TWO), f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, f32x4.add(kt(C.LG2), f32x4.mul(w, kt(C.LG4))));
  const t2 = f32x4.mul(z, f32x4.add(kt(C.LG1), f32x4.mul(w, kt(C.LG3))));
  const hfsq = f32x4.mul(f32x4.mul(kc(K.HALF), f), f);
  const dk = f32x4.convert_i32x4_s(e);
  let y = f32x4.mul(s, f32x4.add(hfsq, f32x4.add(t2, t1)));
  y = f32x4.add(y, f32x4.add(f32x4.mul(dk, kt(C.LN2_LO)), c));
  y = f32x4.sub(y, hfsq);
  y = f32x4.add(y, f);
  return f32x4.add(y, f32x4.mul(dk, kt(C.LN2_HI)));
}
