/**
 * One Playground run: the points, a Sequential model of Dense layers from
 * the engine, and a training loop that takes one batch per step() so the
 * caller sets the pace. Everything numeric (forward, loss, backward, the
 * optimizer, penalties, activations) is the library's own code; this file
 * only arranges it and reads out what the page draws.
 */
import type { ElementwiseSpec, Params } from '../../../src/activations/index.js';
import { getActivation } from '../../../src/activations/index.js';
import type { SyntheticName } from '../../../src/data/synthetic.js';
import {
  Dense,
  getLoss,
  getOptimizer,
  type Loss,
  l1l2,
  type Optimizer,
  type Regularizer,
  Sequential,
  TraceRecorder,
  takeRows,
} from '../../../src/nn/index.js';
import { add } from '../../../src/tensor/index.js';
import { noGrad, Tensor } from '../../../src/tensor/tensor.js';
import type { OptimizerName } from './config.js';
import { domainOf, gridPoints, makePoints, type Points } from './data.js';
import { type FeatureId, featureMatrix } from './features.js';

/** What fixes the model and the data: changing any of it starts a new run. */
export interface RunConfig {
  readonly data: SyntheticName;
  readonly noise: number;
  readonly trainPercent: number;
  readonly features: readonly FeatureId[];
  readonly layers: readonly number[];
  readonly activations: readonly string[];
  readonly optimizer: OptimizerName;
  readonly seed: number;
}

/** What can change while a run goes on, as in TensorFlow Playground. */
export interface Hyper {
  readonly learningRate: number;
  readonly l1: number;
  readonly l2: number;
  readonly batchSize: number;
}

export interface Losses {
  readonly train: number;
  readonly test: number;
  /** Fraction of test points on the right side of p = 0.5. */
  readonly testAccuracy: number;
}

export interface GridView {
  readonly size: number;
  /** p(class 1) at each grid cell, row 0 at the top. */
  readonly output: Float32Array;
  /** For each hidden layer, its units' outputs: units × size² values, unit-major. */
  readonly units: readonly Float32Array[];
}

function labelsAsTargets(y: Int32Array): Tensor {
  return new Tensor(Float32Array.from(y), [y.length, 1]);
}

function sigmoidOf(): (z: number) => number {
  const spec = getActivation('sigmoid') as ElementwiseSpec;
  return (z) => spec.f(z, {});
}

export class Trainer {
  readonly config: RunConfig;
  readonly points: Points;
  private readonly model: Sequential;
  private readonly dense: Dense[];
  private readonly optimizer: Optimizer;
  private readonly loss: Loss;
  private readonly xTrain: Tensor;
  private readonly yTrain: Tensor;
  private readonly xTest: Tensor;
  private readonly yTest: Tensor;
  private readonly sigmoid = sigmoidOf();
  private hyper: Hyper;
  private regularizer: Regularizer | null = null;
  private order: Int32Array;
  private cursor = 0;
  /** Batches taken so far. */
  steps = 0;
  /** Σ of each Dense layer's gradient norm since the last takeGradNorms(), and how many. */
  private gradSums: number[];
  private gradCount = 0;
  private gridCache: { size: number; x: Tensor } | null = null;

  constructor(config: RunConfig, hyper: Hyper) {
    this.config = config;
    this.points = makePoints(config.data, config.noise, config.trainPercent, config.seed);
    const nf = config.features.length;
    this.xTrain = new Tensor(featureMatrix(this.points.train.x, config.features), [
      this.points.train.y.length,
      nf,
    ]);
    this.xTest = new Tensor(featureMatrix(this.points.test.x, config.features), [
      this.points.test.y.length,
      nf,
    ]);
    this.yTrain = labelsAsTargets(this.points.train.y);
    this.yTest = labelsAsTargets(this.points.test.y);
    this.dense = config.layers.map(
      (units, i) =>
        new Dense({
          units,
          activation: config.activations[i]!,
          ...(i === 0 ? { inputShape: [nf] } : {}),
        }),
    );
    // One output unit: the logit of class 1, read through the sigmoid inside the loss.
    this.dense.push(
      new Dense({ units: 1, ...(config.layers.length === 0 ? { inputShape: [nf] } : {}) }),
    );
    this.model = new Sequential(this.dense, { seed: config.seed });
    this.loss = getLoss('binary_crossentropy', { fromLogits: true });
    this.optimizer = getOptimizer(config.optimizer, { learningRate: hyper.learningRate });
    this.hyper = hyper;
    this.setHyper(hyper);
    this.order = this.model.rng.permutation(this.points.train.y.length);
    this.gradSums = this.dense.map(() => 0);
  }

  setHyper(hyper: Hyper): void {
    this.hyper = hyper;
    this.optimizer.learningRate = hyper.learningRate;
    this.regularizer = hyper.l1 > 0 || hyper.l2 > 0 ? l1l2({ l1: hyper.l1, l2: hyper.l2 }) : null;
  }

  /** One batch update; a new shuffle starts each pass over the training points. */
  step(): number {
    const n = this.order.length;
    if (this.cursor >= n) {
      this.order = this.model.rng.permutation(n);
      this.cursor = 0;
    }
    const s = this.cursor;
    const e = Math.min(n, s + this.hyper.batchSize);
    this.cursor = e;
    const xb = takeRows(this.xTrain, this.order, s, e);
    const yb = takeRows(this.yTrain, this.order, s, e);
    const trainable = this.model.trainableWeights.map((w) => w.tensor);
    for (const w of trainable) w.grad = null;
    const pred = this.model.forward([xb], { training: true, rng: this.model.rng, trace: null })[0]!;
    let loss = this.loss.compute(pred, yb);
    // Kernels only: TensorFlow Playground does not regularise biases either.
    if (this.regularizer !== null)
      for (const d of this.dense) loss = add(loss, this.regularizer.penalty(d.kernel!.tensor));
    loss.backward();
    this.dense.forEach((d, i) => {
      let s2 = 0;
      for (const w of [d.kernel, d.bias]) {
        const g = w?.tensor.grad?.data;
        if (g !== undefined) for (let k = 0; k < g.length; k++) s2 += g[k]! * g[k]!;
      }
      this.gradSums[i] = this.gradSums[i]! + Math.sqrt(s2);
    });
    this.gradCount++;
    this.optimizer.step(trainable);
    this.steps++;
    return loss.data[0]!;
  }

  /** Mean gradient norm of each Dense layer (hidden layers, then the output) since the last call. */
  takeGradNorms(): number[] | null {
    if (this.gradCount === 0) return null;
    const out = this.gradSums.map((s) => s / this.gradCount);
    this.gradSums = this.dense.map(() => 0);
    this.gradCount = 0;
    return out;
  }

  /** Copies of a Dense layer's kernel ([inputs, units], row-major) and bias, for inspection. */
  weightsOf(layer: number): { kernel: Float32Array; bias: Float32Array } {
    const d = this.dense[layer]!;
    return {
      kernel: Float32Array.from(d.kernel!.tensor.data),
      bias: Float32Array.from(d.bias!.tensor.data),
    };
  }

  /** Mean data loss on (x, y) and the fraction of points on the right side of p = 0.5. */
  private evaluate(x: Tensor, y: Tensor): { loss: number; accuracy: number } {
    const n = y.shape[0]!;
    if (n === 0) return { loss: Number.NaN, accuracy: Number.NaN };
    return noGrad(() => {
      const pred = this.model.call(x);
      const loss = this.loss.compute(pred, y).data[0]!;
      let right = 0;
      for (let i = 0; i < n; i++) if (pred.data[i]! >= 0 === y.data[i]! >= 0.5) right++;
      return { loss, accuracy: right / n };
    });
  }

  /** Loss on the training and the test points, without penalties (the data's own loss). */
  losses(): Losses {
    const test = this.evaluate(this.xTest, this.yTest);
    return {
      train: this.evaluate(this.xTrain, this.yTrain).loss,
      test: test.loss,
      testAccuracy: test.accuracy,
    };
  }

  private gridInput(size: number): Tensor {
    if (this.gridCache?.size !== size) {
      const pts = gridPoints(domainOf(this.config.data), size);
      const x = new Tensor(featureMatrix(pts, this.config.features), [
        size * size,
        this.config.features.length,
      ]);
      this.gridCache = { size, x };
    }
    return this.gridCache.x;
  }

  /** The model over a size × size grid of the plane: the output and every hidden unit. */
  grid(size: number): GridView {
    const x = this.gridInput(size);
    const cells = size * size;
    return noGrad(() => {
      const recorder = new TraceRecorder();
      const out = this.model.forward([x], {
        training: false,
        rng: this.model.rng,
        trace: recorder,
      })[0]!;
      const output = new Float32Array(cells);
      for (let i = 0; i < cells; i++) output[i] = this.sigmoid(out.data[i]!);
      const units = recorder.entries.slice(0, this.config.layers.length).map((entry) => {
        const per = entry.output.shape[1]!;
        const values = new Float32Array(per * cells);
        const d = entry.output.data;
        for (let i = 0; i < cells; i++)
          for (let u = 0; u < per; u++) values[u * cells + i] = d[i * per + u]!;
        return values;
      });
      return { size, output, units };
    });
  }

  /**
   * For each hidden layer, which units are dead: their activation's derivative
   * is exactly 0 at the pre-activation of every training point, so no
   * gradient reaches their incoming weights (a ReLU unit negative everywhere).
   */
  deadUnits(): boolean[][] {
    return noGrad(() => {
      const recorder = new TraceRecorder();
      this.model.forward([this.xTrain], { training: false, rng: this.model.rng, trace: recorder });
      return recorder.entries.slice(0, this.config.layers.length).map((entry, li) => {
        const layer = this.dense[li]!;
        const spec = layer.activation?.spec;
        const pre = entry.preActivation;
        const per = entry.output.shape[1]!;
        if (spec === undefined || spec.kind !== 'elementwise' || pre === null)
          return new Array<boolean>(per).fill(false);
        const params: Params = layer.activation!.params;
        const passed = new Array<boolean>(per).fill(false);
        const z = pre.data;
        for (let k = 0; k < z.length; k++) {
          const u = k % per;
          if (!passed[u] && spec.df(z[k]!, params) !== 0) passed[u] = true;
        }
        return passed.map((p) => !p);
      });
    });
  }
}
