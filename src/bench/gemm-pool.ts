/**
 * SGEMM over several threads, for measuring whether threads pay: worker
 * threads started once, each with its own instance of the wasm kernels (the
 * module's memory is its own and cannot be shared), and operands in
 * SharedArrayBuffers that every thread sees. A call cuts C into blocks
 * (gemm-split.ts), signals each worker through its slot of a shared control
 * block, optionally computes one block on the main thread meanwhile, and
 * sleeps in Atomics.wait until every worker is done: the dispatch a training
 * step would pay, with no message per call. Each block is copied into the
 * computing thread's wasm memory and its part of C copied back, as the
 * one-thread backend copies its operands in and out.
 *
 * Operand buffers are sent to the workers the first time they are used and
 * kept: operands should live in long-lived buffers, as a training loop's do.
 */
import { once } from 'node:events';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import { WASM_BASE64 } from '../kernels/wasm/module.generated.js';
import { instantiatePart, runPart } from './gemm-part.js';
import { type Share, splitGemm } from './gemm-split.js';
import { CMD_EXIT, CMD_RUN, SLOT, type WorkerInit, workerSource } from './gemm-worker.js';

export interface GemmPoolOptions {
  /** Worker threads to start. */
  readonly workers: number;
  /** The main thread computes a block too (true) or only waits for the workers (false). */
  readonly mainShares: boolean;
  /** How long a call or the start waits for a worker before it gives up (ms; default 60 s). */
  readonly timeoutMs?: number;
}

/** C = alpha·op(A)·op(B) + beta·C with Backend.gemm's arguments, float32 only. */
export type GemmFn = (
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  alpha: number,
  a: Float32Array,
  ao: number,
  b: Float32Array,
  bo: number,
  beta: number,
  c: Float32Array,
  co: number,
) => void;

export interface GemmPool {
  /** Threads that compute: the workers, plus the main thread when it shares. */
  readonly parties: number;
  readonly gemm: GemmFn;
  /** Workers whose thread has not exited yet. */
  alive(): number;
  /** Stops every worker; resolves to their exit codes (0: each left its loop when told). */
  close(): Promise<number[]>;
}

/** Loads of the done flag before the main thread sleeps: a worker finishing about when the main thread does is caught without a futex round trip. */
const SPIN = 2000;

let compiled: WebAssembly.Module | undefined;

/** The kernels compiled once per process; a compiled module can be posted to workers. */
export function kernelModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(Buffer.from(WASM_BASE64, 'base64'));
  return compiled;
}

interface Thread {
  readonly worker: Worker;
  readonly port: MessagePort;
  readonly slot: number;
  exited: boolean;
  exitCode: number;
}

async function startWorker(
  module: WebAssembly.Module,
  control: SharedArrayBuffer,
  slot: number,
  timeoutMs: number,
): Promise<Thread> {
  const { port1, port2 } = new MessageChannel();
  const workerData: WorkerInit = { module, control, port: port2, slot };
  const worker = new Worker(workerSource(), { eval: true, workerData, transferList: [port2] });
  const thread: Thread = { worker, port: port1, slot, exited: false, exitCode: 0 };
  worker.on('exit', (code) => {
    thread.exited = true;
    thread.exitCode = code;
  });
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`GEMM worker ${slot} did not start within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const done = (err?: Error) => {
      clearTimeout(timer);
      if (err === undefined) resolve();
      else reject(err);
    };
    worker.once('message', () => done());
    worker.once('error', (e) =>
      done(new Error(`GEMM worker ${slot} failed to start: ${e.message}`)),
    );
    worker.once('exit', (code) => done(new Error(`GEMM worker ${slot} exited at start (${code})`)));
  });
  try {
    await ready;
  } catch (e) {
    await worker.terminate();
    port1.close();
    throw e;
  }
  // Sleeping workers must not keep the process alive if a caller forgets close().
  worker.unref();
  return thread;
}

function checkDims(m: number, n: number, k: number): void {
  for (const [name, v] of [
    ['m', m],
    ['n', n],
    ['k', k],
  ] as const) {
    if (!Number.isInteger(v) || v < 0) {
      throw new RangeError(`threaded gemm: ${name} must be a non-negative integer (got ${v})`);
    }
  }
}

function checkLength(name: string, x: Float32Array, offset: number, need: number): void {
  if (!Number.isInteger(offset) || offset < 0 || x.length < offset + need) {
    throw new RangeError(
      `threaded gemm: ${name} holds ${x.length} floats, the product needs ${need} from offset ${offset}`,
    );
  }
}

/** Starts the workers; the pool is ready to use when this resolves. */
export async function createGemmPool(options: GemmPoolOptions): Promise<GemmPool> {
  const { workers, mainShares } = options;
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (!Number.isInteger(workers) || workers < (mainShares ? 0 : 1)) {
    throw new RangeError(
      `a GEMM pool needs ${mainShares ? '0' : '1'} or more workers (got ${workers})`,
    );
  }
  const module = kernelModule();
  const control = new SharedArrayBuffer(Math.max(1, workers) * SLOT.stride * 4);
  const ctrl = new Int32Array(control);
  const ctrlF = new Float32Array(control);
  const mainKernel = mainShares ? instantiatePart(module) : undefined;
  const threads: Thread[] = [];
  try {
    for (let i = 0; i < workers; i++)
      threads.push(await startWorker(module, control, i, timeoutMs));
  } catch (e) {
    await Promise.all(threads.map((t) => t.worker.terminate()));
    throw e;
  }
  const buffers = new Map<SharedArrayBuffer, number>();
  let closed = false;

  /** The id of an operand's buffer in every worker, sending it to them the first time. */
  function bufferId(name: string, x: Float32Array): number {
    const buf = x.buffer;
    if (!(buf instanceof SharedArrayBuffer)) {
      throw new TypeError(
        `threaded gemm: ${name} must be a Float32Array over a SharedArrayBuffer (workers cannot see other memory)`,
      );
    }
    let id = buffers.get(buf);
    if (id === undefined) {
      id = buffers.size;
      buffers.set(buf, id);
      for (const t of threads) {
        t.port.postMessage(buf);
        ctrl[t.slot * SLOT.stride + SLOT.buffers] = buffers.size;
      }
    }
    return id;
  }

  function waitDone(t: Thread, seq: number): void {
    const at = t.slot * SLOT.stride + SLOT.done;
    for (let i = 0; i < SPIN; i++) if (Atomics.load(ctrl, at) === seq) return;
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const v = Atomics.load(ctrl, at);
      if (v === seq) return;
      const left = deadline - performance.now();
      if (left <= 0 || t.exited) {
        throw new Error(`GEMM worker ${t.slot} did not finish its block within ${timeoutMs} ms`);
      }
      Atomics.wait(ctrl, at, v, left);
    }
  }

  /** Signals one worker: a new sequence number in its slot, then a wake-up. */
  function signal(t: Thread): number {
    const at = t.slot * SLOT.stride + SLOT.seq;
    const seq = Atomics.add(ctrl, at, 1) + 1;
    Atomics.notify(ctrl, at);
    return seq;
  }

  const gemm: GemmFn = (transA, transB, m, n, k, alpha, a, ao, b, bo, beta, c, co) => {
    if (closed) throw new Error('threaded gemm: the pool is closed');
    checkDims(m, n, k);
    checkLength('a', a, ao, m * k);
    checkLength('b', b, bo, k * n);
    checkLength('c', c, co, m * n);
    const shares = splitGemm(m, n, threads.length + (mainShares ? 1 : 0));
    // The main thread takes the last block; workers the ones before it.
    const mine: Share | undefined = mainShares ? shares.pop() : undefined;
    const jobs = shares.map((s, i) => ({ s, t: threads[i]!, seq: 0 }));
    if (jobs.length > 0) {
      const ids = [bufferId('a', a), bufferId('b', b), bufferId('c', c)];
      const offsets = [ao + a.byteOffset / 4, bo + b.byteOffset / 4, co + c.byteOffset / 4];
      const fields = [transA ? 1 : 0, transB ? 1 : 0, m, n, k];
      for (const job of jobs) {
        const o = job.t.slot * SLOT.stride;
        ctrl[o + SLOT.cmd] = CMD_RUN;
        ctrl.set(fields, o + SLOT.transA);
        ctrlF[o + SLOT.alpha] = alpha;
        ctrlF[o + SLOT.beta] = beta;
        ctrl.set([ids[0]!, offsets[0]!, ids[1]!, offsets[1]!, ids[2]!, offsets[2]!], o + SLOT.aBuf);
        ctrl.set([job.s.r0, job.s.r1, job.s.c0, job.s.c1], o + SLOT.r0);
        job.seq = signal(job.t);
      }
    }
    try {
      if (mine !== undefined && mainKernel !== undefined) {
        const { r0, r1, c0, c1 } = mine;
        runPart(
          mainKernel,
          transA,
          transB,
          m,
          n,
          k,
          alpha,
          a,
          ao,
          b,
          bo,
          beta,
          c,
          co,
          r0,
          r1,
          c0,
          c1,
        );
      }
    } finally {
      // Even when the main block threw: no worker may still be writing C after the call.
      for (const job of jobs) waitDone(job.t, job.seq);
    }
    for (const { t } of jobs) {
      if (ctrl[t.slot * SLOT.stride + SLOT.failed] === 1) {
        const msg = receiveMessageOnPort(t.port)?.message;
        throw new Error(`GEMM worker ${t.slot} failed: ${String(msg ?? 'no message')}`);
      }
    }
  };

  async function close(): Promise<number[]> {
    if (!closed) {
      closed = true;
      for (const t of threads) {
        if (t.exited) continue;
        t.worker.ref();
        ctrl[t.slot * SLOT.stride + SLOT.cmd] = CMD_EXIT;
        signal(t);
      }
      await Promise.all(
        threads.map(async (t) => {
          if (t.exited) return;
          const timer = setTimeout(() => void t.worker.terminate(), 5000);
          await once(t.worker, 'exit');
          clearTimeout(timer);
        }),
      );
      for (const t of threads) t.port.close();
    }
    return threads.map((t) => t.exitCode);
  }

  return {
    parties: threads.length + (mainShares ? 1 : 0),
    gemm,
    alive: () => threads.filter((t) => !t.exited).length,
    close,
  };
}
