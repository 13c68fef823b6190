/**
 * The CLI as a function: `run(argv, io)` parses, dispatches to a verb and
 * returns the exit code, so tests can drive it in-process. User mistakes
 * (UsageError, commander's own parse errors) print one line on stderr and
 * return 2; nothing else is caught quietly.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UsageError } from '../activations/index.js';
import { registerBench } from './commands/bench.js';
import { registerDocs } from './commands/docs.js';
import { registerEval } from './commands/eval.js';
import { registerExperiment } from './commands/experiment.js';
import { registerList } from './commands/list.js';
import { registerPlot } from './commands/plot.js';
import { registerReport } from './commands/report.js';
import { registerServe } from './commands/serve.js';
import { registerShow } from './commands/show.js';
import { registerStart } from './commands/start.js';
import { registerSummary } from './commands/summary.js';
import { registerTrain } from './commands/train.js';
import type { CommandContext } from './context.js';
import type { CliIO } from './io.js';
import { protectNegativeNumbers } from './options.js';

export type { CliIO } from './io.js';

/** Exit code for bad input, as with most Unix tools' usage errors. */
export const USAGE_EXIT = 2;

function version(): string {
  // package.json sits two levels up from both src/cli and dist/cli.
  const url = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(url, 'utf8')) as { version: string }).version;
}

function buildProgram(ctx: CommandContext): Command {
  const { io } = ctx;
  const program = new Command('actlab')
    .description('neural-network activation functions: catalogue, charts and lab')
    .version(version())
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .showSuggestionAfterError(true);
  // Subcommands made with .command() inherit exitOverride and the output streams.
  for (const register of [
    registerList,
    registerShow,
    registerEval,
    registerPlot,
    registerDocs,
    registerStart,
    registerSummary,
    registerTrain,
    registerExperiment,
    registerReport,
    registerServe,
    registerBench,
  ]) {
    register(program, ctx);
  }
  return program;
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const ctx: CommandContext = { io, exitCode: 0 };
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(protectNegativeNumbers(argv), { from: 'user' });
    return ctx.exitCode;
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n`);
      return USAGE_EXIT;
    }
    if (error instanceof CommanderError) {
      // Commander has already printed its message (or the help/version text).
      return error.exitCode === 0 ? 0 : USAGE_EXIT;
    }
    throw error;
  }
}
