/**
 * The worker side of the threaded GEMM, and the control block it shares with
 * the main thread. A worker is started from source text (`eval: true`), not
 * from a file: that runs the same whether this module was loaded from src/
 * under the test runner or from dist/ after the build. It receives the
 * compiled WebAssembly.Module, instantiates it into a memory of its own, and
 * then loops: sleep on its slot's sequence number (Atomics.wait), run its
 * share, publish the sequence number as done (Atomics.notify). No message
 * crosses per call; the only messages are operand buffers the worker has not
 * seen yet, which it drains synchronously (receiveMessageOnPort) before it
 * reads them.
 */
import type { MessagePort } from 'node:worker_threads';
import { instantiatePart, runPart } from './gemm-part.js';

/**
 * Int32 fields of one worker's slot in the control block. The main thread
 * writes transA..k, aBuf..cOff and r0..c1 each with one Int32Array.set, so
 * each run stays consecutive and in this order.
 */
export const SLOT = {
  /** Bumped by the main thread for each job; the worker sleeps on it. */
  seq: 0,
  /** The last seq the worker finished. */
  done: 1,
  /** 0: run a share; 1: leave the loop. */
  cmd: 2,
  /** 1 when the job threw; the message follows on the slot's port. */
  failed: 3,
  /** Operand buffers the main thread has sent so far (the worker drains until it has as many). */
  buffers: 4,
  transA: 5,
  transB: 6,
  m: 7,
  n: 8,
  k: 9,
  /** float32 bits (read through a Float32Array over the same memory). */
  alpha: 10,
  beta: 11,
  aBuf: 12,
  aOff: 13,
  bBuf: 14,
  bOff: 15,
  cBuf: 16,
  cOff: 17,
  r0: 18,
  r1: 19,
  c0: 20,
  c1: 21,
  /** Int32s per slot: 128 bytes, so two slots never share a cache line. */
  stride: 32,
} as const;

export const CMD_RUN = 0;
export const CMD_EXIT = 1;

/** What a worker receives at its start (workerData). */
export interface WorkerInit {
  readonly module: WebAssembly.Module;
  readonly control: SharedArrayBuffer;
  readonly port: MessagePort;
  readonly slot: number;
}

type WorkerThreads = typeof import('node:worker_threads');

/**
 * The worker's program. Sent as source text like runPart: nothing but its
 * parameters and globals.
 */
function workerMain(
  wt: WorkerThreads,
  instantiate: typeof instantiatePart,
  run: typeof runPart,
  S: typeof SLOT,
  exitCmd: number,
): void {
  const init = wt.workerData as WorkerInit;
  const kern = instantiate(init.module);
  const ctrl = new Int32Array(init.control);
  const ctrlF = new Float32Array(init.control);
  const o = init.slot * S.stride;
  const buffers: Float32Array[] = [];
  wt.parentPort?.postMessage('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctrl, o + S.seq, seen);
    const seq = Atomics.load(ctrl, o + S.seq);
    if (seq === seen) continue;
    seen = seq;
    if (ctrl[o + S.cmd] === exitCmd) break;
    try {
      // Buffers are posted before the job is signalled, so they are already queued.
      while (buffers.length < ctrl[o + S.buffers]!) {
        const msg = wt.receiveMessageOnPort(init.port);
        if (msg === undefined) throw new Error('an operand buffer did not arrive');
        buffers.push(new Float32Array(msg.message as SharedArrayBuffer));
      }
      run(
        kern,
        ctrl[o + S.transA] === 1,
        ctrl[o + S.transB] === 1,
        ctrl[o + S.m]!,
        ctrl[o + S.n]!,
        ctrl[o + S.k]!,
        ctrlF[o + S.alpha]!,
        buffers[ctrl[o + S.aBuf]!]!,
        ctrl[o + S.aOff]!,
        buffers[ctrl[o + S.bBuf]!]!,
        ctrl[o + S.bOff]!,
        ctrlF[o + S.beta]!,
        buffers[ctrl[o + S.cBuf]!]!,
        ctrl[o + S.cOff]!,
        ctrl[o + S.r0]!,
        ctrl[o + S.r1]!,
        ctrl[o + S.c0]!,
        ctrl[o + S.c1]!,
      );
      ctrl[o + S.failed] = 0;
    } catch (e) {
      ctrl[o + S.failed] = 1;
      init.port.postMessage(e instanceof Error ? e.message : String(e));
    }
    Atomics.store(ctrl, o + S.done, seq);
    Atomics.notify(ctrl, o + S.done);
  }
  init.port.close();
}

/** The worker's source: workerMain applied to its helpers, each as text. */
export function workerSource(): string {
  return [
    "'use strict';",
    // Transpilers that keep function names (esbuild's keepNames, as tsx and
    // the test runner may use) wrap named functions in a __name helper of
    // their module; the text of a function carries the calls, not the helper.
    'var __name = (f) => f;',
    `(${workerMain.toString()})(`,
    "  require('node:worker_threads'),",
    `  ${instantiatePart.toString()},`,
    `  ${runPart.toString()},`,
    `  ${JSON.stringify(SLOT)},`,
    `  ${CMD_EXIT},`,
    ');',
  ].join('\n');
}
