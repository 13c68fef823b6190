/**
 * The `training` part of `actlab bench`: SGEMM, a small MLP and LeNet-5
 * against PyTorch and TensorFlow.js, and SGEMM on 1 vs 2 threads
 * (src/bench/training.ts).
 */
import type { CommandContext } from '../context.js';
import { writeLine } from '../io.js';
import { formatTable } from '../table.js';

export interface TrainingPartOptions {
  readonly quick?: boolean;
  readonly full?: boolean;
  readonly json?: boolean;
  readonly save: boolean;
}

/** Runs the part; prints its tables (unless json) and returns its JSON fields. */
export async function benchTrainingPart(
  ctx: CommandContext,
  opts: TrainingPartOptions,
): Promise<Record<string, unknown>> {
  const { runTrainingBench } = await import('../../bench/training.js');
  const { trainingGoals, trainingRows } = await import('../../bench/training-report.js');
  const { THREADS_HEADERS, threadsConclusion, threadsRows } = await import(
    '../../bench/threads-report.js'
  );
  const { saveTraining, writeBenchmarksDoc } = await import('../../bench/report.js');
  const { stdout, stderr } = ctx.io;
  const result = await runTrainingBench({
    quick: opts.quick ?? !opts.full,
    full: opts.full ?? false,
    progress: (line) => writeLine(stderr, line),
  });
  if (opts.save) {
    writeLine(stderr, `wrote ${saveTraining(result)}`);
    const doc = writeBenchmarksDoc();
    if (doc !== undefined) writeLine(stderr, `wrote ${doc}`);
  }
  if (!opts.json) {
    const rows = trainingRows(result);
    writeLine(stdout, 'SGEMM n×n float32, GFLOP/s (best of N, one thread)');
    for (const line of formatTable(['n', 'ours', 'PyTorch', 'ours/PyTorch'], rows.gemm)) {
      writeLine(stdout, line);
    }
    writeLine(stdout, 'MLP 784-128-64-10, 8,000 digits, batch 64: seconds per epoch');
    for (const line of formatTable(['', 's/epoch', 'test acc', 'time/ours'], rows.mlp)) {
      writeLine(stdout, line);
    }
    writeLine(stdout, 'LeNet-5 Fashion-MNIST, batch 256: seconds per 60,000-sample epoch');
    for (const line of formatTable(['', 's/epoch', 'test acc', 'time/ours'], rows.lenet)) {
      writeLine(stdout, line);
    }
    if (result.threads !== undefined) {
      writeLine(stdout, 'SGEMM on 1 vs 2 threads (best of N)');
      for (const line of formatTable(THREADS_HEADERS, threadsRows(result.threads))) {
        writeLine(stdout, line);
      }
      writeLine(stdout, threadsConclusion(result.threads));
    }
    for (const line of trainingGoals(result)) writeLine(stdout, line);
  }
  return { ...result };
}
