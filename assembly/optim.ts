// Optimizer updates over float32 arrays, four lanes at a time, with the
// equations of the js reference (src/kernels/js/optim.ts, Keras 3's). The
// length n is a multiple of 4: the host pads its copies, and the padding lanes
// are never copied back. Pointers are byte offsets.

/** Σ g², summed in float64 (two f64x2 accumulators) as the js reference does. */
export function optSumSquares(g: usize, n: i32): f64 {
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  for (let i = 0; i < n; i += 4) {
    const v = v128.load(g + ((<usize>i) << 2));
    const a = f64x2.promote_low_f32x4(v);
    const b = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    lo = f64x2.add(lo, f64x2.mul(a, a));
    hi = f64x2.add(hi, f64x2.mul(b, b));
  }
  const s = f64x2.add(lo, hi);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

/** g ← g · s. */
export function optScale(g: usize, n: i32, s: f32): void {
  const vs = f32x4.splat(s);
  for (let i = 0; i < n; i += 4) {
    const p = g + ((<usize>i) << 2);
    v128.store(p, f32x4.mul(v128.load(p), vs));
  }
}

/** g ← clip(g, −v, v); NaN stays NaN as in the reference's compare chain. */
export function optClip(g: usize, n: i32, v: f32): void {
  const hi = f32x4.splat(v);
  const lo = f32x4.splat(-v);
  for (let i = 0; i < n; i += 4) {
    const p = g + ((<usize>i) << 2);
    const x = v128.load(p);
    // x > v → v; otherwise pmax(x, −v) = (x < −v ? −v : x), which keeps a NaN x.
    v128.store(p, v128.bitselect(hi, f32x4.pmax(x, lo), f32x4.gt(x, hi)));
  }
}

/** w ← w − w · c. */
export function optDecay(w: usize, n: i32, c: f32): void {
  const vc = f32x4.splat(c);
  for (let i = 0; i < n; i += 4) {
    const p = w + ((<usize>i) << 2);
    const x = v128.load(p);
    v128.store(p, f32x4.sub(x, f32x4.mul(x, vc)));
  }
}

/** w ← w − lr · g. */
export function optSgd(w: usize, g: usize, n: i32, lr: f32): void {
  const vlr = f32x4.splat(lr);
  for (let i = 0; i < n; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(w + o, f32x4.sub(v128.load(w + o), f32x4.mul(vlr, v128.load(g + o))));
  }
}

/** m ← μm − lr·g; w ← w + m, or w + μm − lr·g (Nesterov). */
export function optSgdMomentum(
  w: usize,
  g: usize,
  m: usize,
  n: i32,
  lr: f32,
  momentum: f32,
  nesterov: bool,
): void {
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(momentum);
  for (let i = 0; i < n; i += 4) {
    const o = (<usize>i) << 2;
    const lg = f32x4.mul(vlr, v128.load(g + o));
    const mi = f32x4.sub(f32x4.mul(vmu, v128.load(m + o)), lg);
    v128.store(m + o, mi);
    const step = nesterov ? f32x4.sub(f32x4.mul(vmu, mi), lg) : mi;
    v128.store(w + o, f32x4.add(v128.load(w + o), step));
  }
}

/** Adam with the bias correction folded into alpha: w ← w − alpha·m / (√v + ε). */
export function optAdam(
  w: usize,
  g: usize,
  m: usize,
  v: usize,
  n: i32,
  alpha: f32,
  beta1: f32,
  beta2: f32,
  epsilon: f32,
): void {
  const va = f32x4.splat(alpha);
  const c1 = f32x4.splat(<f32>1 - beta1);
  const c2 = f32x4.splat(<f32>1 - beta2);
  const ve = f32x4.splat(epsilon);
  for (let i = 0; i < n; i += 4) {
    const o = (<usize>i) << 2;
    const gi = v128.load(g + o);
    const mo = v128.load(m + o);
    const vo = v128.load(v + o);
    const mi = f32x4.add(mo, f32x4.mul(f32x4.sub(gi, mo), c1));
    const vi = f32x4.add(vo, f32x4.mul(f32x4.sub(f32x4.mul(gi, gi), vo), c2));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const step = f32x4.div(f32x4.mul(va, mi), f32x4.add(f32x4.sqrt(vi), ve));
    v128.store(w + o, f32x4.sub(v128.load(w + o), step));
  }
}

/**
 * RMSprop: v ← ρv + (1−ρ)g²; with avg (centered, avg ≠ 0) ā ← ρā + (1−ρ)g and
 * the denominator √(v − ā² + ε); with mom (≠ 0) a momentum buffer.
 */
export function optRmsprop(
  w: usize,
  g: usize,
  v: usize,
  avg: usize,
  mom: usize,
  n: i32,
  lr: f32,
  rho: f32,
  momentum: f32,
  epsilon: f32,
): void {
  const vr = f32x4.splat(rho);
  const vr1 = f32x4.splat(<f32>1 - rho);
  const vlr = f32x4.splat(lr);
  const vmu = f32x4.splat(momentum);
  const ve = f32x4.splat(epsilon);
  for (let i = 0; i < n; i += 4) {
    const o = (<usize>i) << 2;
    const gi = v128.load(g + o);
    const vi = f32x4.add(f32x4.mul(vr, v128.load(v + o)), f32x4.mul(vr1, f32x4.mul(gi, gi)));
    v128.store(v + o, vi);
    let denom = f32x4.add(vi, ve);
    if (avg != 0) {
      const ai = f32x4.add(f32x4.mul(vr, v128.load(avg + o)), f32x4.mul(vr1, gi));
      v128.store(avg + o, ai);
      denom = f32x4.sub(denom, f32x4.mul(ai, ai));
    }
    const step = f32x4.div(f32x4.mul(vlr, gi), f32x4.sqrt(denom));
    if (mom != 0) {
      const mi = f32x4.add(f32x4.mul(vmu, v128.load(mom + o)), step);
      v128.store(mom + o, mi);
      v128.store(w + o, f32x4.sub(v128.load(w + o), mi));
    } else {
      v128.store(w + o, f32x4.sub(v128.load(w + o), step));
    }
  }
}

/** Adagrad: acc ← acc + g²; w ← w − lr·g / √(acc + ε). */
export function optAdagrad(w: usize, g: usize, acc: usize, n: i32, lr: f32, epsilon: f32): void {
  const vlr = f32x4.splat(lr);
  const ve = f32x4.splat(epsilon);
  for (let i = 0; i < n; i += 4) {
    const o = (<usize>i) << 2;
    const gi = v128.load(g + o);
    const a = f32x4.add(v128.load(acc + o), f32x4.mul(gi, gi));
    v128.store(acc + o, a);
    const step = f32x4.div(f32x4.mul(vlr, gi), f32x4.sqrt(f32x4.add(a, ve)));
    v128.store(w + o, f32x4.sub(v128.load(w + o), step));
  }
}
