/**
 * Optimizer update kernels: in-place loops over one weight tensor and its
 * slots, in the form a faster backend can replace one for one. The equations
 * are Keras 3's (keras/src/optimizers/*.py), so hyperparameters carry over.
 */
import type { FloatArray } from '../../activations/kernels.js';

export interface OptimizerKernels {
  /** Σ g², in float64. */
  sumSquares(g: FloatArray): number;
  /** g ← g · s. */
  scaleInPlace(g: FloatArray, s: number): void;
  /** g ← clip(g, -v, v). */
  clipInPlace(g: FloatArray, v: number): void;
  /** w ← w − w · c (decoupled weight decay, c = wd · lr). */
  decay(w: FloatArray, c: number): void;
  /** Plain SGD, or momentum (m ← μm − lr·g; w ← w + m, or w + μm − lr·g with Nesterov). */
  sgd(
    w: FloatArray,
    g: FloatArray,
    m: FloatArray | null,
    lr: number,
    momentum: number,
    nesterov: boolean,
  ): void;
  /** Adam with the bias correction folded into alpha = lr·√(1−β2ᵗ)/(1−β1ᵗ). */
  adam(
    w: FloatArray,
    g: FloatArray,
    m: FloatArray,
    v: FloatArray,
    alpha: number,
    beta1: number,
    beta2: number,
    epsilon: number,
  ): void;
  /** RMSprop: v ← ρv + (1−ρ)g²; step = lr·g/√(v − ḡ² + ε); optional momentum buffer. */
  rmsprop(
    w: FloatArray,
    g: FloatArray,
    v: FloatArray,
    avg: FloatArray | null,
    mom: FloatArray | null,
    lr: number,
    rho: number,
    momentum: number,
    epsilon: number,
  ): void;
  /** Adagrad: acc ← acc + g²; w ← w − lr·g/√(acc + ε). */
  adagrad(w: FloatArray, g: FloatArray, acc: FloatArray, lr: number, epsilon: number): void;
}

export const jsOptimizerKernels: OptimizerKernels = {
  sumSquares(g) {
    let s = 0;
    for (let i = 0; i < g.length; i++) s += g[i]! * g[i]!;
    return s;
  },
  scaleInPlace(g, s) {
    for (let i = 0; i < g.length; i++) g[i] = g[i]! * s;
  },
  clipInPlace(g, v) {
    for (let i = 0; i < g.length; i++) {
      const x = g[i]!;
      g[i] = x > v ? v : Math.max(x, -v);
    }
  },
  decay(w, c) {
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - w[i]! * c;
  },
  sgd(w, g, m, lr, momentum, nesterov) {
    if (m === null) {
      for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * g[i]!;
      return;
    }
    for (let i = 0; i < w.length; i++) {
      const mi = momentum * m[i]! - lr * g[i]!;
      m[i] = mi;
      w[i] = nesterov ? w[i]! + momentum * mi - lr * g[i]! : w[i]! + mi;
    }
  },
  adam(w, g, m, v, alpha, beta1, beta2, epsilon) {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const mi = m[i]! + (gi - m[i]!) * (1 - beta1);
      const vi = v[i]! + (gi * gi - v[i]!) * (1 - beta2);
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! - (alpha * mi) / (Math.sqrt(vi) + epsilon);
    }
  },
  rmsprop(w, g, v, avg, mom, lr, rho, momentum, epsilon) {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const vi = rho * v[i]! + (1 - rho) * gi * gi;
      v[i] = vi;
      let denom = vi + epsilon;
      if (avg !== null) {
        const ai = rho * avg[i]! + (1 - rho) * gi;
        avg[i] = ai;
        denom -= ai * ai;
      }
      const step = (lr * gi) / Math.sqrt(denom);
      if (mom !== null) {
        const mi = momentum * mom[i]! + step;
        mom[i] = mi;
        w[i] = w[i]! - mi;
      } else {
        w[i] = w[i]! - step;
      }
    }
  },
  adagrad(w, g, acc, lr, epsilon) {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const a = acc[i]! + gi * gi;
      acc[i] = a;
      w[i] = w[i]! - (lr * gi) / Math.sqrt(a + epsilon);
    }
  },
};
