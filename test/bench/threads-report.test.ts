import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ThreadsBench, ThreadsRow } from '../../src/bench/threads.js';
import { threadsConclusion, threadsRows } from '../../src/bench/threads-report.js';
import type { TrainingBench } from '../../src/bench/training.js';
import { trainingMarkdown } from '../../src/bench/training-report.js';

const r = (one: number, two: number): ThreadsRow => ({ one, two });

function bench(overrides: Partial<ThreadsBench> = {}): ThreadsBench {
  const shape = { label: 'conv 16→120 on 7×7 forward', m: 648, n: 120, k: 400 };
  return {
    cores: 2,
    other_load: 0.02,
    large_mflop: 4,
    gemm: { '64': r(30, 18), '512': r(34, 62), '1024': r(31, 60) },
    mlp_step_gemms: { shapes: [], step_us: { ...r(900, 1100), two_large: 950 } },
    lenet_conv_gemms: {
      shapes: [{ ...shape, trans_a: false, trans_b: false, ...r(36, 68) }],
      step_us: { ...r(5600, 3000), two_large: 3000 },
    },
    lenet_conv_whole_batch: {
      ...shape,
      label: 'whole',
      m: 12544,
      trans_a: false,
      trans_b: false,
      ...r(29, 56),
    },
    tiny: 8,
    tiny_us: r(0.4, 20),
    dispatch_us: 19.6,
    post_message_us: 43,
    identical: true,
    ...overrides,
  };
}

describe('the threads conclusion', () => {
  it('is computed from the figures: speed-ups where they are, the verdict per workload', () => {
    expect(threadsConclusion(bench())).toBe(
      "2 threads (the caller + 1 worker) vs 1 on 2 cores: 1.82× at 512, 1.94× at 1024, 0.60× at 64, 0.82× on the MLP step's GEMMs (0.95× splitting only those of 4 MFLOP or more), 1.87× on LeNet's largest conv GEMMs, +20 µs dispatch per call → threads measurably help large products (1024) and LeNet's convolutions; not the MLP step.",
    );
  });

  it('says when threads help nothing, when the machine was busy, and when results differ', () => {
    const none = bench({
      gemm: { '512': r(34, 33) },
      lenet_conv_gemms: { shapes: [], step_us: { ...r(5600, 5500), two_large: 5500 } },
      other_load: 1.4,
      identical: false,
    });
    const text = threadsConclusion(none);
    expect(text).toContain('→ threads do not measurably help on this machine');
    expect(text).toContain('(other processes kept 1.40 cores busy meanwhile: rerun when idle)');
    expect(text).toContain('NOT bit-identical');
  });

  it('judges the MLP step by the products the backend splits', () => {
    const split = bench({
      mlp_step_gemms: { shapes: [], step_us: { ...r(900, 1100), two_large: 700 } },
    });
    expect(threadsConclusion(split)).toContain(
      "→ threads measurably help large products (1024), LeNet's convolutions and the MLP step.",
    );
  });

  it('gives one table row per square size plus the step, conv and dispatch rows', () => {
    const rows = threadsRows(bench());
    expect(rows.map((row) => row[0])).toEqual([
      'SGEMM 64×64 (GFLOP/s)',
      'SGEMM 512×512 (GFLOP/s)',
      'SGEMM 1024×1024 (GFLOP/s)',
      'MLP step, its 0 GEMMs (µs)',
      'MLP step, 2 threads only for products ≥ 4 MFLOP, as the backend splits (µs)',
      'LeNet conv 16→120 on 7×7: 648×400·400×120 and its 2 gradients (µs)',
      'the same forward over the whole batch, 12544×400·400×120 (GFLOP/s)',
      '8×8×8 product (µs per call)',
    ]);
    expect(rows[1]).toEqual(['SGEMM 512×512 (GFLOP/s)', '34.0', '62.0', '1.82×']);
  });
});

describe('the Threads part of docs/BENCHMARKS.md', () => {
  const training = (
    JSON.parse(
      readFileSync(
        join(import.meta.dirname, '..', '..', 'bench', 'results', '2026-12-05.json'),
        'utf8',
      ),
    ) as { training: TrainingBench }
  ).training;

  it('is absent for results measured before threads were', () => {
    const { threads: _measuredLater, ...before } = training;
    expect(trainingMarkdown(before)).not.toContain('### Threads');
  });

  it('shows the table and the computed conclusion when the results have it', () => {
    const md = trainingMarkdown({ ...training, threads: bench() });
    expect(md).toContain('### Threads: SGEMM on 1 vs 2 threads');
    expect(md).toContain('| SGEMM 512×512 (GFLOP/s) | 34.0 | 62.0 | 1.82× |');
    expect(md).toContain(`**${threadsConclusion(bench())}**`);
  });
});
