/**
 * Do worker threads help the wasm SGEMM on this machine? The backend's own
 * threaded path (kernels/wasm/threads.ts) against one thread, side by side
 * in one run on the same operands:
 *
 * - one: the sgemm kernel on the calling thread;
 * - two: the calling thread and one worker, every product split;
 * - two_large (for a step's products): split as the backend splits, only
 *   products of MIN_SPLIT multiply-adds or more.
 *
 * All three run over one shared-memory instance of the kernels, with the
 * operands in its heap, as a training step's resident tensors are: no
 * copies. A timed run repeats a product until it lasts about a millisecond
 * and reports the mean per call, so that a worker's wake-up is paid as often
 * as a training step would pay it, not only on the lucky calls; the variants
 * take turns run by run and the best run of each counts (the machine is
 * shared). The shapes are square matrices and the GEMMs a training step
 * actually runs (threads-shapes.ts), each step's also timed as one sequence;
 * a tiny product gives the per-call dispatch cost, and a postMessage round
 * trip to a worker what message-based dispatch would pay instead. Every
 * threaded result is compared bit for bit with the one-thread result.
 */
import { once } from 'node:events';
import { availableParallelism, cpus } from 'node:os';
import { Worker } from 'node:worker_threads';
import { WasmHeap } from '../kernels/wasm/heap.js';
import { instantiateSharedKernelsSync, type KernelFn } from '../kernels/wasm/loader.js';
import { createGemmThreads, MIN_SPLIT } from '../kernels/wasm/threads.js';
import { Random } from '../tensor/index.js';
import { type GemmShape, lenetConvGemms, mlpStepGemms } from './threads-shapes.js';
import type { Repeats } from './timing.js';

export const VARIANTS = ['one', 'two'] as const;
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
 * for the products the backend splits (large_mflop or more), one thread for
 * the rest.
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
  /** The size from which the backend, and `two_large`, split a product (million flops). */
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
/** The tiny product: its arithmetic (1,024 flops) is negligible next to the dispatch. */
const TINY = 8;
/** A timed run lasts about this long (ms), in as many calls as that takes, at most MAX_CALLS. */
const RUN_MS = 1;
const MAX_CALLS = 200;
/** Rough one-thread speed, only to choose the calls per run. */
const GUESS_GFLOPS = 30;
/** The bench's own heap (MiB): room for the 1024² operands and a C per variant. */
const HEAP_MIB = 128;

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
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

/** Operands for a shape in the bench's heap and, per variant, the call that computes its C. */
interface Prepared {
  readonly shape: GemmShape;
  readonly calls: readonly (() => void)[];
  readonly cs: readonly Float32Array[];
  /** Gives the operands back to the heap. */
  release(): void;
}

/** C = op(A)·op(B) with sgemm's arguments: pointers into the heap, then the workspace. */
type Sgemm = KernelFn;

function identical(p: Prepared): boolean {
  return p.cs.every((c) => sameBits(c, p.cs[0]!));
}

function row(values: readonly number[]): ThreadsRow {
  return { one: values[0]!, two: values[1]! };
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
  const mod = instantiateSharedKernelsSync([HEAP_MIB]);
  if (mod === undefined) {
    throw new Error('the threads benchmark needs shared WebAssembly memory (Node with SIMD)');
  }
  const heap = new WasmHeap(mod.memory, mod.scratchBase, [HEAP_MIB]);
  const f32 = heap.f32();
  const r: Repeats = quick
    ? { min: 3, max: 200, budgetMs: 30 }
    : { min: 5, max: 1000, budgetMs: 200 };
  const startCpu = cpuMs();
  const startMs = performance.now();
  const work = heap.alloc((mod.kernel('gemmWorkspaceBytes') as unknown as () => number)());
  const everyProduct = createGemmThreads(mod, heap, { parties: 2, minSplit: 1 });
  const asBackend = createGemmThreads(mod, heap, { parties: 2, minSplit: MIN_SPLIT });
  try {
    const variants: Sgemm[] = [mod.kernel('sgemm'), everyProduct.sgemm, asBackend.sgemm];
    const rng = new Random(0);
    /** n floats in the heap, random in [-0.5, 0.5) or left as they are. */
    const alloc = (n: number, random: boolean): [number, Float32Array] => {
      const ptr = heap.alloc(Math.max(1, n) * 4);
      if (ptr === 0) throw new Error(`threads benchmark: its ${HEAP_MIB} MiB heap is full`);
      const x = f32.subarray(ptr >> 2, (ptr >> 2) + n);
      if (random) for (let i = 0; i < n; i++) x[i] = rng.uniform(-0.5, 0.5);
      return [ptr, x];
    };
    /** The shape's operands; `count` variants, each with a C of its own. */
    const prepare = (s: GemmShape, count = 2): Prepared => {
      const [pa] = alloc(s.m * s.k, true);
      const [pb] = alloc(s.k * s.n, true);
      const cs = variants.slice(0, count).map(() => alloc(s.m * s.n, false));
      const lda = s.transA ? s.m : s.k;
      const ldb = s.transB ? s.k : s.n;
      const ta = s.transA ? 1 : 0;
      const tb = s.transB ? 1 : 0;
      const calls = cs.map(
        ([pc], i) =>
          () =>
            variants[i]!(ta, tb, s.m, s.n, s.k, 1, pa, lda, pb, ldb, 0, pc, s.n, work),
      );
      return {
        shape: s,
        calls,
        cs: cs.map(([, c]) => c),
        release: () => {
          for (const p of [pa, pb, ...cs.map(([pc]) => pc)]) heap.free(p);
        },
      };
    };
    let same = true;
    /** Best ms per call of each variant on one shape. */
    const time = (s: GemmShape, calls = callsFor(flops(s))): number[] => {
      const p = prepare(s);
      try {
        const ms = interleaved(p.calls, calls, r);
        same &&= identical(p);
        return ms;
      } finally {
        p.release();
      }
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
      const ps = shapes.map((s) => prepare(s, 3));
      try {
        // one, two, then two_large: split as the backend splits.
        const steps = [0, 1, 2].map((v) => () => {
          for (const p of ps) p.calls[v]!();
        });
        const ms = interleaved(steps, callsFor(shapes.reduce((t, s) => t + flops(s), 0)), r);
        same &&= ps.every(identical);
        const us = ms.map((t) => round(t * 1000, 1));
        return { shapes: rows, step_us: { ...row(us), two_large: us[2]! } };
      } finally {
        for (const p of ps) p.release();
      }
    };

    // Wasm is compiled in tiers: enough work first, on every thread, that the optimised code runs.
    const warm = prepare(square(256));
    interleaved(warm.calls, 20, { min: 1, max: 1, budgetMs: 0 });
    warm.release();

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
      large_mflop: round((2 * MIN_SPLIT) / 1e6, 2),
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
    await Promise.all([everyProduct.close(), asBackend.close()]);
  }
}
