/**
 * Wall-clock cost of an elementwise activation through the tensor op (so on
 * whatever backend is current): forward, and backward through autograd. Each
 * figure is the median over several rounds, in nanoseconds per element, which
 * keeps one slow round (a garbage collection, another process) from deciding it.
 */
import type { ElementwiseSpec, Params } from '../activations/index.js';
import { applyElementwise, type DType, type FloatArray, Random, Tensor } from '../tensor/index.js';

export interface OpCost {
  /** Median forward time, ns per element. */
  readonly forwardNs: number;
  /** Median backward time (the gradient of the input), ns per element. */
  readonly backwardNs: number;
}

export interface TimingOptions {
  /** Elements per call. */
  readonly elements: number;
  /** Timed rounds; the median is kept. */
  readonly rounds: number;
  /** Calls per round (more calls make a round long enough for the clock). */
  readonly calls: number;
  readonly dtype?: DType;
  readonly seed?: number;
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Inputs spread over [-6, 6], where every activation does real work on both sides of 0. */
export function timingInput(o: TimingOptions): Tensor {
  const rng = new Random(o.seed ?? 0);
  const data = o.dtype === 'float64' ? new Float64Array(o.elements) : new Float32Array(o.elements);
  for (let i = 0; i < data.length; i++) data[i] = rng.uniform(-6, 6);
  return new Tensor(data, [o.elements], true);
}

export interface TimedActivation {
  readonly spec: ElementwiseSpec;
  readonly params: Params;
}

/** Forward and backward time of one round of `calls` calls, in ns per element. */
function timeRound(a: TimedActivation, x: Tensor, gy: FloatArray, calls: number): [number, number] {
  let fwd = 0;
  let bwd = 0;
  for (let c = 0; c < calls; c++) {
    const t0 = performance.now();
    const y = applyElementwise(a.spec, a.params, x);
    const t1 = performance.now();
    x.grad = null;
    y.backward(gy);
    const t2 = performance.now();
    fwd += t1 - t0;
    bwd += t2 - t1;
  }
  x.grad = null;
  const perElement = 1e6 / (calls * x.size);
  return [fwd * perElement, bwd * perElement];
}

/**
 * Times several activations on the same input. Rounds go round-robin over the
 * activations, so a slow spell of the machine (another process, a garbage
 * collection) falls on all of them instead of deciding one figure.
 */
export function timeActivations(
  list: readonly TimedActivation[],
  x: Tensor,
  o: TimingOptions,
  progress?: (done: number, total: number, label?: string) => void,
): OpCost[] {
  const gy = x.data.slice().fill(1);
  // One untimed call of each so that no round pays for compilation.
  for (const a of list) timeRound(a, x, gy, 1);
  const forward = list.map((): number[] => []);
  const backward = list.map((): number[] => []);
  for (let r = 0; r < o.rounds; r++) {
    progress?.(r, o.rounds, `round ${r + 1}/${o.rounds}`);
    list.forEach((a, i) => {
      const [f, b] = timeRound(a, x, gy, o.calls);
      forward[i]!.push(f);
      backward[i]!.push(b);
    });
  }
  progress?.(o.rounds, o.rounds, 'done');
  return list.map((_, i) => ({ forwardNs: median(forward[i]!), backwardNs: median(backward[i]!) }));
}
