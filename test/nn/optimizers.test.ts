import { describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  getOptimizer,
  type Optimizer,
  RMSprop,
  SGD,
} from '../../src/nn/optimizers.js';
import { cosineDecay, exponentialDecay, stepDecay } from '../../src/nn/schedules.js';
import { Random } from '../../src/tensor/random.js';
import { Tensor } from '../../src/tensor/tensor.js';

const W0 = [1.0, -2.0];
const G1 = [0.5, -1.0];
const G2 = [0.2, 0.3];

/** Runs two steps with the fixed gradients G1 then G2 and returns the weights after each. */
function twoSteps(opt: Optimizer): [number[], number[]] {
  const w = new Tensor(Float64Array.from(W0), [2], true);
  w.grad = new Tensor(Float64Array.from(G1), [2]);
  opt.step([w]);
  const after1 = Array.from(w.data);
  w.grad = new Tensor(Float64Array.from(G2), [2]);
  opt.step([w]);
  return [after1, Array.from(w.data)];
}

function expectClose(actual: number[], expected: number[]): void {
  for (const [i, a] of actual.entries()) expect(a).toBeCloseTo(expected[i]!, 14);
}

describe('optimizer steps match the published update equations for two steps', () => {
  it('plain SGD moves by -lr·g each step', () => {
    const [w1, w2] = twoSteps(new SGD({ learningRate: 0.1 }));
    expectClose(w1, [1 - 0.05, -2 + 0.1]);
    expectClose(w2, [0.95 - 0.02, -1.9 - 0.03]);
  });

  it('SGD with momentum 0.9 keeps a velocity v = 0.9v - lr·g', () => {
    const [w1, w2] = twoSteps(new SGD({ learningRate: 0.1, momentum: 0.9 }));
    // v1 = -0.1·g1 = [-0.05, 0.1]; w1 = w0 + v1
    expectClose(w1, [0.95, -1.9]);
    // v2 = 0.9·v1 - 0.1·g2 = [-0.045 - 0.02, 0.09 - 0.03] = [-0.065, 0.06]
    expectClose(w2, [0.95 - 0.065, -1.9 + 0.06]);
  });

  it('Nesterov momentum steps by 0.9·v - lr·g with the new velocity', () => {
    const [w1, w2] = twoSteps(new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }));
    // v1 = [-0.05, 0.1]; w1 = w0 + 0.9·v1 - 0.1·g1 = w0 + [-0.045 - 0.05, 0.09 + 0.1]
    expectClose(w1, [1 - 0.095, -2 + 0.19]);
    // v2 = [-0.065, 0.06]; w2 = w1 + 0.9·v2 - 0.1·g2 = w1 + [-0.0585 - 0.02, 0.054 - 0.03]
    expectClose(w2, [0.905 - 0.0785, -1.81 + 0.024]);
  });

  it('Adam follows Kingma and Ba with epsilon added to the bias-corrected root', () => {
    const lr = 0.01;
    const eps = 1e-7;
    const [w1, w2] = twoSteps(new Adam({ learningRate: lr }));
    // Step 1: m = 0.1·g, v = 0.001·g², lr1 = lr·√0.001/0.1, so w moves by lr1·0.1·g/(√0.001·|g| + eps).
    const lr1 = (lr * Math.sqrt(0.001)) / 0.1;
    const e1 = W0.map(
      (w, i) => w - (lr1 * 0.1 * G1[i]!) / (Math.sqrt(0.001) * Math.abs(G1[i]!) + eps),
    );
    expectClose(w1, e1);
    // Without epsilon the first Adam step is exactly lr·sign(g).
    expect(Math.abs(w1[0]! - (W0[0]! - lr))).toBeLessThan(1e-7);
    // Step 2: m = 0.9·0.1·g1 + 0.1·g2, v = 0.999·0.001·g1² + 0.001·g2², lr2 = lr·√(1-0.999²)/(1-0.9²).
    const lr2 = (lr * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const e2 = e1.map((w, i) => {
      const m = 0.09 * G1[i]! + 0.1 * G2[i]!;
      const v = 0.999 * 0.001 * G1[i]! ** 2 + 0.001 * G2[i]! ** 2;
      return w - (lr2 * m) / (Math.sqrt(v) + eps);
    });
    expectClose(w2, e2);
  });

  it('AdamW first shrinks w by w·wd·lr, then takes the Adam step', () => {
    const lr = 0.01;
    const wd = 0.1;
    const eps = 1e-7;
    const [w1, w2] = twoSteps(new AdamW({ learningRate: lr, weightDecay: wd }));
    const lr1 = (lr * Math.sqrt(0.001)) / 0.1;
    const e1 = W0.map(
      (w, i) =>
        w - w * wd * lr - (lr1 * 0.1 * G1[i]!) / (Math.sqrt(0.001) * Math.abs(G1[i]!) + eps),
    );
    expectClose(w1, e1);
    const lr2 = (lr * Math.sqrt(1 - 0.999 ** 2)) / (1 - 0.9 ** 2);
    const e2 = e1.map((w, i) => {
      const m = 0.09 * G1[i]! + 0.1 * G2[i]!;
      const v = 0.999 * 0.001 * G1[i]! ** 2 + 0.001 * G2[i]! ** 2;
      return w - w * wd * lr - (lr2 * m) / (Math.sqrt(v) + eps);
    });
    expectClose(w2, e2);
  });

  it('RMSprop divides by the root of a moving mean of g² (rho 0.9)', () => {
    const lr = 0.01;
    const eps = 1e-7;
    const [w1, w2] = twoSteps(new RMSprop({ learningRate: lr }));
    const v1 = G1.map((g) => 0.1 * g * g);
    const e1 = W0.map((w, i) => w - (lr * G1[i]!) / Math.sqrt(v1[i]! + eps));
    expectClose(w1, e1);
    const v2 = v1.map((v, i) => 0.9 * v + 0.1 * G2[i]! ** 2);
    expectClose(
      w2,
      e1.map((w, i) => w - (lr * G2[i]!) / Math.sqrt(v2[i]! + eps)),
    );
  });

  it('RMSprop with momentum accumulates the scaled steps', () => {
    const lr = 0.01;
    const eps = 1e-7;
    const [w1, w2] = twoSteps(new RMSprop({ learningRate: lr, momentum: 0.5 }));
    const s1 = G1.map((g) => (lr * g) / Math.sqrt(0.1 * g * g + eps));
    expectClose(
      w1,
      W0.map((w, i) => w - s1[i]!),
    );
    const s2 = G2.map((g, i) => (lr * g) / Math.sqrt(0.09 * G1[i]! ** 2 + 0.1 * g * g + eps));
    expectClose(
      w2,
      w1.map((w, i) => w - (0.5 * s1[i]! + s2[i]!)),
    );
  });

  it('Adagrad divides by the root of the running sum of g², starting at 0.1', () => {
    const lr = 0.1;
    const eps = 1e-7;
    const [w1, w2] = twoSteps(new Adagrad({ learningRate: lr }));
    const a1 = G1.map((g) => 0.1 + g * g);
    const e1 = W0.map((w, i) => w - (lr * G1[i]!) / Math.sqrt(a1[i]! + eps));
    expectClose(w1, e1);
    const a2 = a1.map((a, i) => a + G2[i]! ** 2);
    expectClose(
      w2,
      e1.map((w, i) => w - (lr * G2[i]!) / Math.sqrt(a2[i]! + eps)),
    );
  });
});

function randomGrad(rng: Random, n: number, scale: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal() * scale);
}

function norm(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! ** 2;
  return Math.sqrt(s);
}

/** One SGD step with lr 1 from w = 0 makes w equal to minus the applied (clipped) gradient. */
function appliedGradients(
  opts: ConstructorParameters<typeof SGD>[0],
  grads: Float64Array[],
): Float64Array[] {
  const ws = grads.map((g) => {
    const w = new Tensor(new Float64Array(g.length), [g.length], true);
    w.grad = new Tensor(g.slice(), [g.length]);
    return w;
  });
  new SGD({ learningRate: 1, ...opts }).step(ws);
  return ws.map((w) => w.data.map((v) => 0 - v) as Float64Array);
}

describe('gradient clipping', () => {
  const rng = new Random(7);

  it('clipnorm c leaves every gradient tensor with norm at most c(1 + 1e-6)', () => {
    for (let trial = 0; trial < 50; trial++) {
      const c = 0.1 + rng.next() * 3;
      const grads = [randomGrad(rng, 17, 2), randomGrad(rng, 5, 0.01)];
      const applied = appliedGradients({ clipnorm: c }, grads);
      applied.forEach((g, i) => {
        expect(norm(g)).toBeLessThanOrEqual(c * (1 + 1e-6));
        if (norm(grads[i]!) <= c) expect(Array.from(g)).toEqual(Array.from(grads[i]!));
      });
    }
  });

  it('clipnorm keeps the direction of a clipped gradient', () => {
    const g = Float64Array.from([3, 4]);
    const [applied] = appliedGradients({ clipnorm: 1 }, [g]);
    expect(applied![0]).toBeCloseTo(0.6, 15);
    expect(applied![1]).toBeCloseTo(0.8, 15);
  });

  it('clipvalue bounds each element and leaves smaller ones as they were', () => {
    const g = Float64Array.from([-3, -0.2, 0, 0.4, 9]);
    const [applied] = appliedGradients({ clipvalue: 0.5 }, [g]);
    expect(Array.from(applied!)).toEqual([-0.5, -0.2, 0, 0.4, 0.5]);
  });

  it('globalClipnorm bounds the joint norm and scales all tensors by one factor', () => {
    const grads = [Float64Array.from([3, 0]), Float64Array.from([0, 4])];
    const applied = appliedGradients({ globalClipnorm: 1 }, grads);
    expect(norm([...applied[0]!, ...applied[1]!])).toBeLessThanOrEqual(1 + 1e-6);
    expect(applied[0]![0]! / 3).toBeCloseTo(applied[1]![1]! / 4, 15);
  });

  it('never scales weights by NaN when the global norm is not finite', () => {
    const w = new Tensor(Float64Array.from([1, 2]), [2], true);
    w.grad = new Tensor(Float64Array.from([Number.POSITIVE_INFINITY, 1]), [2]);
    const report = new SGD({ learningRate: 0.1, globalClipnorm: 1 }).step([w]);
    expect(report.skipped).toBe(true);
    expect(Array.from(w.data)).toEqual([1, 2]);
  });

  it('refuses more than one kind of clipping, as Keras does', () => {
    expect(() => new Adam({ clipnorm: 1, clipvalue: 1 })).toThrow(/only one/);
  });
});

describe('optimizer names and schedules', () => {
  it('lists the valid optimizers for an unknown name', () => {
    expect(() => getOptimizer('adamm')).toThrow(/adam/);
    expect(() => getOptimizer('zzz')).toThrow(/valid: sgd, adam, adamw, rmsprop, adagrad/);
  });

  it('uses the schedule value at the step counter of each update', () => {
    const schedule = stepDecay({ initialLearningRate: 1, stepSize: 1, factor: 0.5 });
    const w = new Tensor(Float64Array.from([0]), [1], true);
    const opt = new SGD({ learningRate: schedule });
    for (let i = 0; i < 3; i++) {
      w.grad = new Tensor(Float64Array.from([1]), [1]);
      opt.step([w]);
    }
    // Rates 1, 0.5, 0.25 applied to a unit gradient.
    expect(w.data[0]).toBe(-1.75);
  });

  it('decays exponentially and along half a cosine to the stated end points', () => {
    const e = exponentialDecay({ initialLearningRate: 0.1, decaySteps: 10, decayRate: 0.5 });
    expect(e.at(0)).toBe(0.1);
    expect(e.at(10)).toBeCloseTo(0.05, 15);
    expect(e.at(5)).toBeCloseTo(0.1 * Math.SQRT1_2, 15);
    const c = cosineDecay({ initialLearningRate: 0.1, decaySteps: 100, alpha: 0.1 });
    expect(c.at(0)).toBeCloseTo(0.1, 15);
    expect(c.at(50)).toBeCloseTo(0.1 * (0.9 * 0.5 + 0.1), 15);
    expect(c.at(100)).toBeCloseTo(0.01, 15);
    expect(c.at(1000)).toBeCloseTo(0.01, 15);
  });
});
