/**
 * `actlab report`: run every experiment, then write the self-contained HTML
 * report (index.html) and each experiment's JSON into one directory.
 * `actlab start` does the same at the quick tier and then serves it.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import type { Experiment, Tier } from '../../experiments/index.js';
import { type BuildOutcome, buildReport } from '../../report/build.js';
import type { CommandContext } from '../context.js';
import type { CliIO } from '../io.js';
import { writeLine } from '../io.js';
import { findExperiment, parseSeed, tierOf, writeExperimentJson } from './experiment.js';
import { reportProgress } from './experiment-progress.js';
import { DEFAULT_REPORT_DIR } from './serve.js';

export interface ReportRun {
  readonly out: string;
  readonly tier: Tier;
  readonly seed: number;
  /** Only these experiments (all by default). */
  readonly experiments?: readonly Experiment[];
}

/** `--only a,b`: experiment names, each checked. */
export function parseOnly(text: string): Experiment[] {
  const names = text
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  return [...new Set(names)].map(findExperiment);
}

/**
 * Builds the report with progress bars on stderr and writes the JSON of each
 * experiment beside it. A failed experiment is shown in the report and on
 * stderr; the caller decides the exit code from `failures`.
 */
export async function writeReport(run: ReportRun, io: CliIO): Promise<BuildOutcome> {
  const t0 = performance.now();
  const outcome = await buildReport({ ...run, ...reportProgress(io.stderr) });
  for (const entry of outcome.entries) writeExperimentJson(entry, join(run.out, 'experiments'));
  const seconds = ((performance.now() - t0) / 1000).toFixed(1);
  io.stderr.write(
    `${outcome.entries.length} experiment${outcome.entries.length === 1 ? '' : 's'} in ${seconds} s${outcome.failures.length > 0 ? `, ${outcome.failures.length} failed: ${outcome.failures.map((f) => f.name).join(', ')}` : ''}\n`,
  );
  writeLine(io.stdout, `wrote ${outcome.page}`);
  return outcome;
}

interface ReportFlags {
  out: string;
  quick?: boolean;
  full?: boolean;
  seed: number;
  only?: Experiment[];
}

export function registerReport(program: Command, ctx: CommandContext): void {
  program
    .command('report')
    .description('run every experiment and write the offline HTML report')
    .option('--out <dir>', 'report directory', DEFAULT_REPORT_DIR)
    .option('--quick', 'the quick tier of every experiment (default)')
    .option('--full', 'the full tier: larger models and data, much longer')
    .option('--seed <s>', 'seed of every random choice', parseSeed, 0)
    .option('--only <names>', 'run only these experiments (comma-separated)', parseOnly)
    .action(async (flags: ReportFlags) => {
      const run = { out: flags.out, tier: tierOf(flags), seed: flags.seed };
      const outcome = await writeReport(
        flags.only ? { ...run, experiments: flags.only } : run,
        ctx.io,
      );
      if (outcome.failures.length > 0) ctx.exitCode = 1;
    });
}
