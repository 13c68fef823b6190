/**
 * Large GEMMs split between the main thread and worker threads that share
 * the kernels' memory (Node, over the shared-memory build: loader.ts).
 *
 * Every thread runs its own instance of the same module over the one shared
 * memory, so operands are read where they are and each thread writes its own
 * block of C: no copies, no messages per call. A call cuts C into row or
 * column blocks on whole micro-kernel tiles (gemm-split.ts), never along the
 * depth, so every element is the same sum in the same order as on one
 * thread: results are bit-identical however many threads run. The main
 * thread writes each worker's job into its slot of a small shared control
 * block, wakes it (Atomics.notify), computes the last block itself, and
 * waits for the workers' done flags (a short spin, then Atomics.wait).
 *
 * Threads pay only on large products: on two cores, SGEMM 128 runs 1.4×
 * faster on two threads, SGEMM 64 1.5× slower (dispatch costs about 14 µs).
 * So products under MIN_SPLIT multiply-adds stay on the calling thread.
 *
 * The workers start at the first product large enough, synchronously: the
 * main thread sleeps until each has instantiated the module. That matters
 * beyond convenience: instantiating writes the module's data segments into
 * the shared memory, which must not happen while a kernel on the main thread
 * uses its static data. Each worker gets its own GEMM workspace from the
 * heap. The sleeping workers do not keep the process alive.
 *
 * How many threads compute (the caller included; 1: none but the caller) is
 * set by setThreads(), or at start-up by `ACTLAB_THREADS=n`; the default is
 * the machine's parallelism, at most MAX_PARTIES. A change takes effect at
 * the next large product.
 */
import { type Share, splitGemm } from './gemm-split.js';
import type { WasmHeap } from './heap.js';
import type { KernelFn, KernelModule } from './loader.js';

/** Multiply-adds (m·n·k) from which a product is split: 2²¹, about 4 MFLOP. */
export const MIN_SPLIT = 2 ** 21;
/** Threads that compute at most, the caller included. */
const MAX_PARTIES = 4;
/** How long the main thread waits for a worker to start or to finish its block (ms). */
const TIMEOUT_MS = 60_000;
/** Loads of a done flag before sleeping: a worker finishing about when the caller does costs no futex round trip. */
const SPIN = 2000;

/** Int32 fields of a worker's slot in the control block. */
const SLOT = {
  /** Bumped by the main thread for each job; the worker sleeps on it. */
  seq: 0,
  /** The last seq the worker finished. */
  done: 1,
  /** 0 starting, 1 ready, -1 failed to start. */
  state: 2,
  /** 0: run the job; 1: leave the loop. */
  cmd: 3,
  /** 1 when the job threw. */
  failed: 4,
  /** sgemm's arguments, in its order; alpha and beta as float32 bits. */
  args: 5,
  /** Int32s per slot: 128 bytes, so two slots never share a cache line. */
  stride: 32,
} as const;
const CMD_RUN = 0;
const CMD_EXIT = 1;
/** Indices of alpha and beta among sgemm's 14 arguments. */
const ALPHA = 5;
const BETA = 10;

export interface GemmThreads {
  /** sgemm with the kernel's own arguments (pointers into the shared memory), splitting large products. */
  readonly sgemm: KernelFn;
  /** Threads that compute a large product: 1 until the workers have started (or where they cannot). */
  parties(): number;
  /** Stops the workers (later products run on the calling thread); resolves to their exit codes. */
  close(): Promise<number[]>;
}

export interface GemmThreadsOptions {
  /** Threads that compute, the caller included, whatever setThreads() says (default: follow it). */
  readonly parties?: number;
  /** Multiply-adds from which a product is split (default MIN_SPLIT). */
  readonly minSplit?: number;
}

type WorkerThreads = typeof import('node:worker_threads');
type Os = typeof import('node:os');

/** Node's built-in module, synchronously, or undefined outside Node (or before 20.16). */
function builtin<T>(id: string): T | undefined {
  const proc = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return proc?.getBuiltinModule?.(id) as T | undefined;
}

/** ACTLAB_THREADS, or the machine's parallelism, at most MAX_PARTIES. */
function defaultParties(): number {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env?.['ACTLAB_THREADS'];
  if (env !== undefined && env !== '') {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`ACTLAB_THREADS must be a positive integer (got '${env}')`);
    }
    return n;
  }
  return Math.min(MAX_PARTIES, builtin<Os>('node:os')?.availableParallelism() ?? 1);
}

let configured = defaultParties();

/**
 * How many threads may compute a large GEMM, the caller included (1: only
 * the caller). Where there are no worker threads (browsers) it changes nothing.
 */
export function setThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`setThreads: n must be a positive integer (got ${n})`);
  }
  configured = n;
}

/** The number of threads setThreads() (or ACTLAB_THREADS, or the default) asks for. */
export function getThreads(): number {
  return configured;
}

/** What a worker receives at its start. */
interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly memory: WebAssembly.Memory;
  readonly control: SharedArrayBuffer;
  readonly slot: number;
  readonly work: number;
}

/** The worker's program, sent as source text: nothing but its parameters and globals. */
function workerMain(wt: WorkerThreads, S: typeof SLOT, exitCmd: number): void {
  const init = wt.workerData as WorkerInit;
  const ctrl = new Int32Array(init.control);
  const ctrlF = new Float32Array(init.control);
  const o = init.slot * S.stride;
  let sgemm: (...args: number[]) => void;
  try {
    const instance = new WebAssembly.Instance(init.module, { env: { memory: init.memory } });
    sgemm = instance.exports['sgemm'] as (...args: number[]) => void;
    Atomics.store(ctrl, o + S.state, 1);
  } catch {
    Atomics.store(ctrl, o + S.state, -1);
    Atomics.notify(ctrl, o + S.state);
    return;
  }
  Atomics.notify(ctrl, o + S.state);
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, o + S.seq, seen);
    const seq = Atomics.load(ctrl, o + S.seq);
    if (seq === seen) continue;
    seen = seq;
    if (ctrl[o + S.cmd] === exitCmd) break;
    try {
      const a = o + S.args;
      sgemm(
        ctrl[a]!,
        ctrl[a + 1]!,
        ctrl[a + 2]!,
        ctrl[a + 3]!,
        ctrl[a + 4]!,
        ctrlF[a + 5]!,
        ctrl[a + 6]!,
        ctrl[a + 7]!,
        ctrl[a + 8]!,
        ctrl[a + 9]!,
        ctrlF[a + 10]!,
        ctrl[a + 11]!,
        ctrl[a + 12]!,
        init.work,
      );
      ctrl[o + S.failed] = 0;
    } catch {
      ctrl[o + S.failed] = 1;
    }
    Atomics.store(ctrl, o + S.done, seq);
    Atomics.notify(ctrl, o + S.done);
  }
}

function workerSource(): string {
  return [
    "'use strict';",
    // Transpilers that keep function names wrap them in a __name helper of
    // their module; the function's text carries the calls, not the helper.
    'var __name = (f) => f;',
    `(${workerMain.toString()})(require('node:worker_threads'), ${JSON.stringify(SLOT)}, ${CMD_EXIT});`,
  ].join('\n');
}

/**
 * Sleeps until ctrl[at] is `want`, waking at least every 50 ms to check the
 * deadline and `failed` (given the value seen); false when either ends the
 * wait first.
 */
function sleepUntil(
  ctrl: Int32Array,
  at: number,
  want: number,
  deadline: number,
  failed: (seen: number) => boolean,
): boolean {
  for (;;) {
    const v = Atomics.load(ctrl, at);
    if (v === want) return true;
    const left = deadline - performance.now();
    if (left <= 0 || failed(v)) return false;
    Atomics.wait(ctrl, at, v, Math.min(left, 50));
  }
}

interface Thread {
  readonly worker: import('node:worker_threads').Worker;
  readonly slot: number;
  readonly work: number;
  exited: boolean;
  exitCode: number;
}

/**
 * sgemm over `mod`'s kernels, split between threads where the module's
 * memory is shared and the host has worker threads; elsewhere it is the
 * kernel itself. `work`: the caller's own GEMM workspace.
 */
export function createGemmThreads(
  mod: KernelModule,
  heap: WasmHeap,
  options: GemmThreadsOptions = {},
): GemmThreads {
  const kernel = mod.kernel('sgemm');
  const wt = mod.shared === undefined ? undefined : builtin<WorkerThreads>('node:worker_threads');
  if (mod.shared === undefined || wt === undefined || (options.parties ?? 2) <= 1) {
    return { sgemm: kernel, parties: () => 1, close: async () => [] };
  }
  const module = mod.shared;
  const minSplit = options.minSplit ?? MIN_SPLIT;
  /** The parties the running workers were started for (they are restarted when it changes). */
  let wanted = options.parties ?? configured;
  const workBytes = (mod.kernel('gemmWorkspaceBytes') as unknown as () => number)();
  let threads: Thread[] | undefined;
  /** Retirements under way (setThreads() changed), which close() waits for. */
  const retiring: Promise<number[]>[] = [];
  /** Set once starting failed or the pool was closed: products stay on the caller. */
  let off = false;
  let control: Int32Array = new Int32Array(0);
  let controlF: Float32Array = new Float32Array(0);

  /** Workers that did not start in time are stopped; their workspaces stay taken, since one might still be instantiating. */
  function stopAll(list: Thread[]): void {
    for (const t of list) void t.worker.terminate();
  }

  /** Starts the workers and waits until each has instantiated the module; false when they cannot. */
  function start(): boolean {
    const Worker = wt!.Worker;
    const count = wanted - 1;
    const sab = new SharedArrayBuffer(count * SLOT.stride * 4);
    control = new Int32Array(sab);
    controlF = new Float32Array(sab);
    const list: Thread[] = [];
    for (let slot = 0; slot < count; slot++) {
      const work = heap.alloc(workBytes);
      if (work === 0) break;
      const init: WorkerInit = { module, memory: mod.memory, control: sab, slot, work };
      const worker = new Worker(workerSource(), { eval: true, workerData: init });
      const t: Thread = { worker, slot, work, exited: false, exitCode: 0 };
      worker.on('exit', (code) => {
        t.exited = true;
        t.exitCode = code;
      });
      // A worker that fails in ways the job's try does not catch is reported through its state, not as an unhandled error.
      worker.on('error', () => undefined);
      worker.unref();
      list.push(t);
    }
    const deadline = performance.now() + TIMEOUT_MS;
    for (const t of list) {
      const at = t.slot * SLOT.stride + SLOT.state;
      if (!sleepUntil(control, at, 1, deadline, (s) => s === -1)) {
        stopAll(list);
        return false;
      }
    }
    threads = list;
    return list.length > 0;
  }

  function waitDone(t: Thread, seq: number): void {
    const at = t.slot * SLOT.stride + SLOT.done;
    for (let i = 0; i < SPIN; i++) if (Atomics.load(control, at) === seq) return;
    if (!sleepUntil(control, at, seq, performance.now() + TIMEOUT_MS, () => t.exited)) {
      off = true;
      throw new Error(
        `wasm gemm: worker ${t.slot} did not finish its block within ${TIMEOUT_MS} ms`,
      );
    }
  }

  /** The arguments of the sub-product that computes C's block `s`. */
  function shareArgs(args: number[], s: Share): number[] {
    // sgemm's arguments: transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc.
    const at = (i: number) => args[i]!;
    const [transA, transB, m, n, a, lda, b, ldb, c, ldc] = [0, 1, 2, 3, 6, 7, 8, 9, 11, 12].map(
      at,
    ) as [number, number, number, number, number, number, number, number, number, number];
    const out = args.slice(0, 13);
    if (s.r0 !== 0 || s.r1 !== m) {
      out[2] = s.r1 - s.r0;
      out[6] = a + 4 * (transA ? s.r0 : s.r0 * lda);
      out[11] = c + 4 * s.r0 * ldc;
    }
    if (s.c0 !== 0 || s.c1 !== n) {
      out[3] = s.c1 - s.c0;
      out[8] = b + 4 * (transB ? s.c0 * ldb : s.c0);
      out[11] = out[11]! + 4 * s.c0;
    }
    return out;
  }

  const sgemm: KernelFn = (...args) => {
    const m = args[2]!;
    const n = args[3]!;
    const k = args[4]!;
    if (off || m * n * k < minSplit) {
      kernel(...args);
      return;
    }
    const now = options.parties ?? configured;
    if (now !== wanted) {
      retiring.push(retire());
      wanted = now;
    }
    if (wanted <= 1) {
      kernel(...args);
      return;
    }
    if (threads === undefined && !start()) {
      off = true;
      kernel(...args);
      return;
    }
    const pool = threads!;
    const shares = splitGemm(m, n, pool.length + 1);
    const mine = shares.pop()!;
    const jobs = shares.map((s, i) => ({ s, t: pool[i]!, seq: 0 }));
    for (const job of jobs) {
      const o = job.t.slot * SLOT.stride;
      const sub = shareArgs(args, job.s);
      control[o + SLOT.cmd] = CMD_RUN;
      control.set(sub, o + SLOT.args);
      controlF[o + SLOT.args + ALPHA] = sub[ALPHA]!;
      controlF[o + SLOT.args + BETA] = sub[BETA]!;
      const at = o + SLOT.seq;
      job.seq = Atomics.add(control, at, 1) + 1;
      Atomics.notify(control, at);
    }
    try {
      const own = shareArgs(args, mine);
      own.push(args[13]!);
      kernel(...own);
    } finally {
      // Even when the caller's block threw: no worker may still be writing C after the call.
      for (const job of jobs) waitDone(job.t, job.seq);
    }
    for (const { t } of jobs) {
      if (control[t.slot * SLOT.stride + SLOT.failed] === 1) {
        throw new Error(`wasm gemm: worker ${t.slot} failed on its block`);
      }
    }
  };

  /**
   * Tells the running workers to leave their loops and forgets them; each
   * one's workspace goes back to the heap once its thread has exited.
   * Resolves to their exit codes (0: each left its loop when told).
   */
  function retire(): Promise<number[]> {
    const list = threads ?? [];
    threads = undefined;
    const ctrl = control;
    return Promise.all(
      list.map(async (t) => {
        if (!t.exited) {
          t.worker.ref();
          const exited = new Promise<void>((resolve) => t.worker.once('exit', () => resolve()));
          const o = t.slot * SLOT.stride;
          ctrl[o + SLOT.cmd] = CMD_EXIT;
          Atomics.add(ctrl, o + SLOT.seq, 1);
          Atomics.notify(ctrl, o + SLOT.seq);
          const timer = setTimeout(() => void t.worker.terminate(), 5000);
          timer.unref?.();
          await exited;
          clearTimeout(timer);
        }
        heap.free(t.work);
        return t.exitCode;
      }),
    );
  }

  async function close(): Promise<number[]> {
    off = true;
    const codes = await retire();
    // Workers retired by a change of setThreads() have left (and given their workspaces back) too.
    await Promise.all(retiring.splice(0));
    return codes;
  }

  return {
    sgemm,
    parties: () => (off || threads === undefined ? 1 : threads.length + 1),
    close,
  };
}
