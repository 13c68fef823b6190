/**
 * Do worker threads help the wasm SGEMM on this machine? Measured side by
 * side in one run on the same operands:
 *
 * - one: the wasm backend's `gemm` on the main thread (getBackend().gemm, the
 *   path every matmul takes: operands copied into its wasm memory, sgemm,
 *   result copied out);
 * - two: the main thread and one worker, each computing a block of C in its
 *   own wasm instance (gemm-pool.ts), copies each way included;
 * - two_workers: two workers computing while the main thread sleeps.
 *
 * Operands live in SharedArrayBuffers, as a threaded backend would keep them
 * (the one-thread path reads them like any Float32Array). A timed run repeats
 * a product until it lasts about a millisecond and reports the mean per
 * call, so that a worker's wake-up is paid as often as a training step would
 * pay it, not only on the lucky calls; the variants take turns run by run
 * and the best run of each counts (the machine is shared). The shapes are
 * square matrices and the GEMMs a training step actually runs
 * (threads-shapes.ts), each step's also timed as one sequence; a tiny
 * product gives the per-call dispatch cost, and a postMessage round trip to
 * a worker what message-based dispatch would pay instead. Every threaded
 * result is compared bit for bit with the one-thread result.
 */
import { once } from 'node:events';
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { getBackend } from '../kernels/backend.js';
import { Random } from '../tensor/index.js';
import { createGemmPool, type GemmFn, type GemmPool } from './gemm-pool.js';
import { type GemmShape, lenetConvGemms, mlpStepGemms } from './threads-shapes.js';
import type { Repeats } from './timing.js';

export const VARIANTS = ['one', 'two', 'two_workers'] as const;
export type Variant = (typeof VARIANTS)[number];

/** A figure per variant: GFLOP/s of a product, or µs of a sequence or call. */
export type ThreadsRow = { readonly [V in Variant]: number };

export interface ThreadsShape extends ThreadsRow {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly trans_a: boolean;
  readonly trans_b: boolean;
}

/**
 * µs of a step's products in sequence, once each; `two_large`: main + worker
 * for the products of at least LARGE_MFLOP, one thread for the rest.
 */
export type StepRow = ThreadsRow & { readonly two_large: number };

/** A step's products: each on its own (GFLOP/s), and all in sequence (µs). */
export interface ThreadsGroup {
  readonly shapes: readonly ThreadsShape[];
  readonly step_us: StepRow;
}

export interface ThreadsBench {
  /** Logical processors Node reports. */
  readonly cores: number;
  /**
   * Cores that other processes kept busy, on average, while this was
   * measured: well above 0, they competed for the second core.
   */
  readonly other_load: number;
  /** The size from which `two_large` splits a product (million flops). */
  readonly large_mflop: number;
  /** n×n SGEMM (GFLOP/s), by n. */
  readonly gemm: Readonly<Record<string, ThreadsRow>>;
  /** The eight GEMMs of one MLP 784-128-64-10 step at batch 64. */
  readonly mlp_step_gemms: ThreadsGroup;
  /** LeNet-5's largest conv GEMM at batch 256 as the backend runs it: forward and both gradients. */
  readonly lenet_conv_gemms: ThreadsGroup;
  /** That layer's forward over the whole batch in one GEMM (GFLOP/s), as a threaded conv could split it. */
  readonly lenet_conv_whole_batch: ThreadsShape;
  /** The tiny product (m = n = k) whose time is all dispatch. */
  readonly tiny: number;
  /** µs per call of the tiny product. */
  readonly tiny_us: ThreadsRow;
  /** What a call costs more on two threads than on one (main + worker), µs. */
  readonly dispatch_us: number;
  /** A postMessage round trip to a worker and back, µs: the dispatch the Atomics signalling avoids. */
  readonly post_message_us: number;
  /** Every threaded C equalled the one-thread C bit for bit. */
  readonly identical: boolean;
}

export interface ThreadsBenchOptions {
  /** A few seconds: fewer repeats (default). */
  readonly quick?: boolean;
  /** Square sizes (default 64 … 1024). */
  readonly sizes?: readonly number[];
}

const SQUARE = [64, 128, 256, 512, 1024] as const;
/**
 * Products split in `two_large`: with a dispatch of some tens of µs, a
 * product must take several times that on one thread (at ~35 GFLOP/s,
 * 4 MFLOP is ~115 µs) before halving its arithmetic can pay.
 */
const LARGE_MFLOP = 4;
/** The tiny product: its arithmetic (1,024 flops) is negligible next to the dispatch. */
const TINY = 8;
/** A timed run lasts about this long (ms), in as many calls as that takes, at most MAX_CALLS. */
const RUN_MS = 1;
const MAX_CALLS = 200;
/** Rough one-thread speed, only to choose the calls per run. */
const GUESS_GFLOPS = 30;

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function shared(n: number, rng: Random | null): Float32Array {
  const x = new Float32Array(new SharedArrayBuffer(Math.max(1, n) * 4));
  if (rng !== null) for (let i = 0; i < n; i++) x[i] = rng.uniform(-0.5, 0.5);
  return x;
}

function sameBits(x: Float32Array, y: Float32Array): boolean {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const flops = (s: GemmShape) => 2 * s.m * s.n * s.k;

/**
 * The best mean ms per call of each fn: runs of `calls` calls, the fns
 * taking turns run by run (after one untimed run each), until each had
 * r.min runs and r.budgetMs of timing, or r.max runs.
 */
function interleaved(fns: readonly (() => void)[], calls: number, r: Repeats): number[] {
  for (const fn of fns) fn();
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  let spent = 0;
  for (let run = 0; run < r.max; run++) {
    fns.forEach((fn, i) => {
      const start = performance.now();
      for (let j = 0; j < calls; j++) fn();
      const ms = performance.now() - start;
      best[i] = Math.min(best[i]!, ms / calls);
      spent += ms;
    });
    if (run + 1 >= r.min && spent >= r.budgetMs * fns.length) break;
  }
  return best;
}

function callsFor(totalFlops: number): number {
  const estimateMs = totalFlops / GUESS_GFLOPS / 1e6;
  return Math.min(MAX_CALLS, Math.max(1, Math.round(RUN_MS / estimateMs)));
}

/** Operands for a shape and, per variant, the call that computes its C. */
interface Prepared {
  readonly shape: GemmShape;
  readonly calls: readonly (() => void)[];
  readonly cs: readonly Float32Array[];
}

function prepare(s: GemmShape, variants: readonly GemmFn[], rng: Random): Prepared {
  const a = shared(s.m * s.k, rng);
  const b = shared(s.k * s.n, rng);
  const cs = variants.map(() => shared(s.m * s.n, null));
  const calls = variants.map(
    (gemm, i) => () => gemm(s.transA, s.transB, s.m, s.n, s.k, 1, a, 0, b, 0, 0, cs[i]!, 0),
  );
  return { shape: s, calls, cs };
}

function identical(p: Prepared): boolean {
  return p.cs.every((c) => sameBits(c, p.cs[0]!));
}

function row(values: readonly number[]): ThreadsRow {
  return { one: values[0]!, two: values[1]!, two_workers: values[2]! };
}

function gflopsRow(s: GemmShape, ms: readonly number[]): ThreadsRow {
  return row(ms.map((t) => round(flops(s) / t / 1e6, 2)));
}

function shapeRow(s: GemmShape, ms: readonly number[]): ThreadsShape {
  const { label, m, n, k } = s;
  return { label, m, n, k, trans_a: s.transA, trans_b: s.transB, ...gflopsRow(s, ms) };
}

/**
 * A round trip of a message to a worker that echoes it, in µs: the mean of
 * a run of them, best of `runs` runs (measured as the products are).
 */
async function postMessageRoundTrip(runs: number): Promise<number> {
  const echo = new Worker(
    "const { parentPort } = require('node:worker_threads'); parentPort.on('message', (m) => parentPort.postMessage(m));",
    { eval: true },
  );
  try {
    const perRun = 50;
    let best = Number.POSITIVE_INFINITY;
    for (let run = 0; run <= runs; run++) {
      const start = performance.now();
      for (let i = 0; i < perRun; i++) {
        const reply = once(echo, 'message');
        echo.postMessage(i);
        await reply;
      }
      // Run 0 warms up.
      if (run > 0) best = Math.min(best, (performance.now() - start) / perRun);
    }
    return round(best * 1000, 1);
  } finally {
    await echo.terminate();
  }
}

/** Busy milliseconds of all processors, and of this process (all its threads). */
function cpuMs(): { all: number; own: number } {
  const all = cpus().reduce(
    (t, c) => t + c.times.user + c.times.nice + c.times.sys + c.times.irq,
    0,
  );
  const own = process.cpuUsage();
  return { all, own: (own.user + own.system) / 1000 };
}

/** Runs the comparison; the workers are stopped before it returns or throws. */
export async function runThreadsBench(options: ThreadsBenchOptions = {}): Promise<ThreadsBench> {
  const quick = options.quick ?? true;
  const sizes = options.sizes ?? SQUARE;
  const bad = sizes.find((n) => !Number.isInteger(n) || n < 1);
  if (bad !== undefined) {
    throw new RangeError(`threads benchmark: sizes must be positive integers (got ${bad})`);
  }
  const be = getBackend();
  if (be.name !== 'wasm') {
    throw new Error(`the threads benchmark compares against the wasm backend (active: ${be.name})`);
  }
  const r: Repeats = quick
    ? { min: 3, max: 200, budgetMs: 30 }
    : { min: 5, max: 1000, budgetMs: 200 };
  const startCpu = cpuMs();
  const startMs = performance.now();
  const pools: GemmPool[] = [];
  try {
    pools.push(await createGemmPool({ workers: 1, mainShares: true }));
    pools.push(await createGemmPool({ workers: 2, mainShares: false }));
    const one: GemmFn = (...args) => be.gemm(...args);
    const variants = [one, pools[0]!.gemm, pools[1]!.gemm];
    const rng = new Random(0);
    let same = true;
    /** Best ms per call of each variant on one shape. */
    const time = (s: GemmShape, calls = callsFor(flops(s))): number[] => {
      const p = prepare(s, variants, rng);
      const ms = interleaved(p.calls, calls, r);
      same &&= identical(p);
      return ms;
    };
    const square = (n: number): GemmShape => ({
      label: `${n}×${n}`,
      m: n,
      n,
      k: n,
      transA: false,
      transB: false,
    });
    /** The shapes once each per call, in order: a step's products. */
    const group = (shapes: readonly GemmShape[]): ThreadsGroup => {
      const rows = shapes.map((s) => shapeRow(s, time(s)));
      const ps = shapes.map((s) => prepare(s, variants, rng));
      const large = (p: Prepared) => flops(p.shape) >= LARGE_MFLOP * 1e6;
      const stepOf = (variant: (p: Prepared) => number) => () => {
        for (const p of ps) p.calls[variant(p)]!();
      };
      // one, two, two_workers, then two_large: main + worker for the large products only.
      const steps = [...variants.map((_, v) => stepOf(() => v)), stepOf((p) => (large(p) ? 1 : 0))];
      const ms = interleaved(steps, callsFor(shapes.reduce((t, s) => t + flops(s), 0)), r);
      same &&= ps.every(identical);
      const us = ms.map((t) => round(t * 1000, 1));
      return { shapes: rows, step_us: { ...row(us), two_large: us[3]! } };
    };

    // Wasm is compiled in tiers: enough work first, on every thread, that the optimised code runs.
    interleaved(prepare(square(256), variants, rng).calls, 20, { min: 1, max: 1, budgetMs: 0 });

    const gemm: Record<string, ThreadsRow> = {};
    for (const n of sizes) gemm[String(n)] = gflopsRow(square(n), time(square(n)));
    const mlp = group(mlpStepGemms());
    const conv = lenetConvGemms();
    const lenet = group(conv.asRun);
    const wholeRow = shapeRow(conv.wholeBatch, time(conv.wholeBatch));
    const tinyShape = { ...square(TINY), label: 'tiny' };
    const tiny = time(tinyShape, MAX_CALLS).map((ms) => round(ms * 1000, 2));
    const postMessageUs = await postMessageRoundTrip(quick ? 5 : 20);
    const endCpu = cpuMs();
    const others = endCpu.all - startCpu.all - (endCpu.own - startCpu.own);
    return {
      cores: availableParallelism(),
      other_load: round(Math.max(0, others / (performance.now() - startMs)), 2),
      large_mflop: LARGE_MFLOP,
      gemm,
      mlp_step_gemms: mlp,
      lenet_conv_gemms: lenet,
      lenet_conv_whole_batch: wholeRow,
      tiny: TINY,
      tiny_us: row(tiny),
      dispatch_us: round(tiny[1]! - tiny[0]!, 1),
      post_message_us: postMessageUs,
      identical: same,
    };
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
}
