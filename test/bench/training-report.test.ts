import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { TrainingBench } from '../../src/bench/training.js';
import { trainingMarkdown, trainingRows } from '../../src/bench/training-report.js';

const measured = (
  JSON.parse(
    readFileSync(
      join(import.meta.dirname, '..', '..', 'bench', 'results', '2026-12-05.json'),
      'utf8',
    ),
  ) as { training: TrainingBench }
).training;

/** A result without the threaded figures, as files written before threads were used. */
function unthreaded(): TrainingBench {
  const { ours_threads_s: _m, ...mlp } = measured.mlp;
  const { ours_threads_s: _l, ...lenet } = measured.lenet;
  const { threads: _t, ...setup } = measured.training_setup;
  return { ...measured, mlp, lenet, training_setup: setup };
}

describe('the training tables', () => {
  it('have no threaded rows for results measured before threads were used', () => {
    const rows = trainingRows(unthreaded());
    expect(rows.mlp.map((r) => r[0])).toEqual([
      'ours (wasm)',
      'PyTorch',
      'TensorFlow.js wasm',
      'TensorFlow.js cpu',
    ]);
    expect(trainingMarkdown(unthreaded())).not.toContain('threads" rows');
  });

  it('show ours with the default threads beside ours on one thread, as a ratio of times', () => {
    const b = unthreaded();
    const threaded: TrainingBench = {
      ...b,
      mlp: { ...b.mlp, ours_s: 0.2, ours_threads_s: 0.16 },
      lenet: { ...b.lenet, ours_s: 30, ours_threads_s: 20, ours_acc: 0.91 },
      training_setup: { ...b.training_setup, threads: 2 },
    };
    const rows = trainingRows(threaded);
    expect(rows.mlp[1]).toEqual(['ours (wasm, 2 threads)', '0.160', '—', '0.80×']);
    expect(rows.lenet[1]).toEqual(['ours (wasm, 2 threads)', '20.0', '0.9100', '0.67×']);
    expect(trainingMarkdown(threaded)).toContain(
      'on one thread like PyTorch; the "2 threads" rows are the library\'s default on this machine',
    );
  });
});
