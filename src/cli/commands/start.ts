/**
 * `actlab start` (what `npm start` runs): the quick tier of every experiment
 * with progress bars, the HTML report written to actlab-report/, and the
 * report (with the browser lab) served on http://127.0.0.1:8765 until
 * stopped. `--no-serve` only writes the report.
 */
import type { Command } from 'commander';
import type { Experiment } from '../../experiments/index.js';
import type { CommandContext } from '../context.js';
import { parseSeed } from './experiment.js';
import { parseOnly, writeReport } from './report.js';
import { DEFAULT_PORT, DEFAULT_REPORT_DIR, parsePort, serveLab, untilStopped } from './serve.js';

interface StartFlags {
  readonly serve: boolean;
  readonly out: string;
  readonly port: number;
  readonly seed: number;
  readonly only?: Experiment[];
}

export function registerStart(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description('run the quick experiments, write the HTML report and serve it on 127.0.0.1')
    .option('--out <dir>', 'report directory', DEFAULT_REPORT_DIR)
    .option('--port <n>', 'port to serve on (0 picks a free one)', parsePort, DEFAULT_PORT)
    .option('--seed <s>', 'seed of every random choice', parseSeed, 0)
    .option('--only <names>', 'run only these experiments (comma-separated)', parseOnly)
    .option('--no-serve', 'only write the report')
    .action(async (flags: StartFlags) => {
      const { io } = ctx;
      const run = { out: flags.out, tier: 'quick' as const, seed: flags.seed };
      const outcome = await writeReport(flags.only ? { ...run, experiments: flags.only } : run, io);
      if (outcome.failures.length > 0) ctx.exitCode = 1;
      if (!flags.serve) return;
      const running = await serveLab({ port: flags.port, report: flags.out }, io);
      io.stderr.write('Press Ctrl-C to stop.\n');
      await untilStopped(running);
    });
}
