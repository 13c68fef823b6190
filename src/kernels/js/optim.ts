/**
 * The reference optimizer update loops (the Backend's `optimizer`), in float64
 * arithmetic whatever the array type.
 */
import type { OptimizerKernels } from '../backend.js';

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
