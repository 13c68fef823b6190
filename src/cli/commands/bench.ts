/**
 * `actlab bench [part]`: benchmarks against TensorFlow.js and PyTorch, written
 * as ratios. Parts: `activations` (elementwise throughput), `training` (SGEMM,
 * an MLP and LeNet-5); without a part, every part runs, and `--json` prints
 * the fields of every part together in one object. Results go to bench/results/<date>.json and
 * docs/BENCHMARKS.md is regenerated from the newest.
 *
 * The benchmark code sits in the last layer (src/bench, which pulls in
 * TensorFlow.js), so it is loaded only when this verb runs.
 */
import type { Command } from 'commander';
import { UsageError } from '../../activations/index.js';
import type { CommandContext } from '../context.js';
import { writeLine } from '../io.js';
import { formatTable } from '../table.js';
import { benchTrainingPart } from './bench-training.js';

/** The parts a bench run can do, in the order a full run does them. */
export const BENCH_PARTS = ['activations', 'training'] as const;
type BenchPart = (typeof BENCH_PARTS)[number];

interface BenchOptions {
  readonly quick?: boolean;
  readonly full?: boolean;
  readonly json?: boolean;
  readonly save: boolean;
}

function parsePart(part: string | undefined): readonly BenchPart[] {
  if (part === undefined) return BENCH_PARTS;
  if ((BENCH_PARTS as readonly string[]).includes(part)) return [part as BenchPart];
  throw new UsageError(`unknown bench part '${part}' — available: ${BENCH_PARTS.join(', ')}`);
}

function cell(v: number | null): string {
  return v === null ? '—' : v.toFixed(0);
}

function ratioCell(a: number | null, b: number | null): string {
  return a === null || b === null || b <= 0 ? '—' : `${(a / b).toFixed(2)}x`;
}

async function benchActivationsPart(
  ctx: CommandContext,
  opts: BenchOptions,
): Promise<Record<string, unknown>> {
  const { benchActivations } = await import('../../bench/activations.js');
  const { saveActivations, writeBenchmarksDoc } = await import('../../bench/report.js');
  const { summarize } = await import('../../bench/summary.js');
  const { stdout, stderr } = ctx.io;
  const result = await benchActivations({
    quick: opts.quick ?? false,
    progress: (line) => writeLine(stderr, line),
  });
  if (opts.save) {
    writeLine(stderr, `wrote ${saveActivations(result)}`);
    const doc = writeBenchmarksDoc();
    if (doc !== undefined) writeLine(stderr, `wrote ${doc}`);
  }
  if (opts.json) {
    const { n, repeats, memcpy, activations, ...rest } = result;
    return { n, repeats, memcpy, activations, ...rest };
  }
  const rows = Object.entries(result.activations).map(([id, r]) => [
    id,
    cell(r.ours_fwd),
    cell(r.torch_fwd),
    ratioCell(r.ours_fwd, r.torch_fwd),
    cell(r.ours_fwd_bwd),
    cell(r.torch_fwd_bwd),
    ratioCell(r.ours_fwd_bwd, r.torch_fwd_bwd),
    cell(r.js_fwd),
    cell(r.tfjs_fwd),
    r.ours_ulp === null || r.ours_ulp === undefined ? '—' : String(r.ours_ulp),
  ]);
  const headers = [
    'activation',
    'ours fwd',
    'torch fwd',
    'ratio',
    'ours f+b',
    'torch f+b',
    'ratio',
    'js fwd',
    'tfjs fwd',
    'ULP',
  ];
  writeLine(
    stdout,
    `M elements/s, float32, n = ${result.n}, best of ${result.repeats}; memcpy ${result.memcpy}`,
  );
  for (const line of formatTable(headers, rows)) writeLine(stdout, line);
  const s = summarize(result);
  const g = (x: number | null) => (x === null ? '—' : `${x.toFixed(2)}x`);
  writeLine(
    stdout,
    `forward+backward vs PyTorch: geomean ${g(s.fwdBwdVsTorch.geomean)}, worst ${s.fwdBwdVsTorch.worst?.id ?? '—'} ${g(s.fwdBwdVsTorch.worst?.ratio ?? null)}`,
  );
  writeLine(
    stdout,
    `forward vs PyTorch: geomean ${g(s.fwdVsTorch.geomean)}, worst ${s.fwdVsTorch.worst?.id ?? '—'} ${g(s.fwdVsTorch.worst?.ratio ?? null)}`,
  );
  const pl = Object.entries(s.piecewiseVsMemcpy).map(([id, f]) => `${id} ${(f * 100).toFixed(0)}%`);
  writeLine(stdout, `piecewise-linear forward / memcpy: ${pl.join(', ') || '—'}`);
  writeLine(
    stdout,
    `worst float32 ULP of the wasm forward kernels: ${s.worstUlp === null ? '—' : `${s.worstUlp.ulp} (${s.worstUlp.id})`}`,
  );
  return {};
}

export function registerBench(program: Command, ctx: CommandContext): void {
  program
    .command('bench')
    .description('benchmark against TensorFlow.js and PyTorch (parts: activations, training)')
    .argument('[part]', `what to benchmark: ${BENCH_PARTS.join(', ')} (default: all)`)
    .option('--quick', 'fewer repeats, LeNet on a slice: each part stays within a few minutes')
    .option('--full', 'the whole study: ten LeNet epochs with test accuracies (training)')
    .option('--json', 'print the results as one JSON object')
    .option('--no-save', 'do not write bench/results/<date>.json nor docs/BENCHMARKS.md')
    .action(async (part: string | undefined, opts: BenchOptions) => {
      let json: Record<string, unknown> = {};
      for (const p of parsePart(part)) {
        const fields =
          p === 'activations'
            ? await benchActivationsPart(ctx, opts)
            : await benchTrainingPart(ctx, opts);
        json = { ...json, ...fields };
      }
      if (opts.json) writeLine(ctx.io.stdout, JSON.stringify(json));
    });
}
