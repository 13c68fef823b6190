/**
 * `actlab experiment <name>`: run one experiment at the quick or full tier;
 * print its table and reading (or, with --json, only its JSON contract on
 * stdout); with --out DIR write `<name>.json` and every chart as SVG and PNG.
 */
import { join } from 'node:path';
import { type Command, Option } from 'commander';
import { UsageError } from '../../activations/index.js';
import {
  EXPERIMENTS,
  type Experiment,
  experimentNames,
  type Tier,
} from '../../experiments/index.js';
import { svgToPng } from '../../plot/render.js';
import { writeFileAtomic } from '../../plot/save.js';
import { runExperiment } from '../../report/build.js';
import type { ExperimentEntry } from '../../report/page.js';
import type { CommandContext } from '../context.js';
import { writeLine } from '../io.js';
import { type JsonValue, toJson } from '../json.js';
import { parseInteger } from '../options.js';
import { formatTable } from '../table.js';
import { ExperimentProgress } from './experiment-progress.js';

/** Options of the verb itself; an experiment's extra option of the same name cannot be a flag. */
const BUILT_IN = new Set(['quick', 'full', 'json', 'out', 'seed', 'help']);

/**
 * Every extra option any experiment declares, as one flag each (`--variant`,
 * `--activations`, `--train-size`...), with the experiments that take it.
 */
function extraOptions(): Option[] {
  const users = new Map<string, string[]>();
  for (const e of EXPERIMENTS) {
    for (const [name, defaults] of Object.entries(e.extraOptions ?? {})) {
      if (BUILT_IN.has(name) || !/^[a-z][a-z0-9-]*$/.test(name)) continue;
      users.set(name, [...(users.get(name) ?? []), `${e.name} (default ${defaults})`]);
    }
  }
  return [...users].map(([name, who]) => new Option(`--${name} <value>`, who.join('; ')));
}

interface ExperimentFlags {
  readonly quick?: boolean;
  readonly full?: boolean;
  readonly json?: boolean;
  readonly out?: string;
  readonly seed: number;
  /** The extra options, under commander's camelCase names. */
  readonly [extra: string]: unknown;
}

export function findExperiment(name: string): Experiment {
  const e = EXPERIMENTS.find((x) => x.name === name);
  if (e === undefined) {
    throw new UsageError(`unknown experiment '${name}' (valid: ${experimentNames().join(', ')})`);
  }
  return e;
}

export function tierOf(flags: { quick?: boolean; full?: boolean }): Tier {
  if (flags.quick === true && flags.full === true)
    throw new UsageError('give --quick or --full, not both');
  return flags.full === true ? 'full' : 'quick';
}

export function parseSeed(text: string): number {
  const v = parseInteger(text, '--seed');
  if (v < 0 || v > 0xffffffff)
    throw new UsageError(`--seed must be an integer from 0 to 4294967295 (got '${text.trim()}')`);
  return v;
}

/** The extra flags given, checked against what the experiment accepts. */
function extrasFor(
  experiment: Experiment,
  flags: ExperimentFlags,
  options: readonly Option[],
): Record<string, string> {
  const accepted = Object.keys(experiment.extraOptions ?? {});
  const extra: Record<string, string> = {};
  for (const option of options) {
    const value = flags[option.attributeName()];
    if (value === undefined) continue;
    const name = option.long!.slice(2);
    if (!accepted.includes(name)) {
      const has =
        accepted.length === 0
          ? 'no extra options'
          : `only ${accepted.map((a) => `--${a}`).join(', ')}`;
      throw new UsageError(
        `experiment ${experiment.name} has no --${name} option (it takes ${has})`,
      );
    }
    extra[name] = String(value);
  }
  return extra;
}

/** `<name>.json`: the experiment's JSON contract, written atomically. */
export function writeExperimentJson(entry: ExperimentEntry, dir: string): string {
  const json = join(dir, `${entry.result.name}.json`);
  writeFileAtomic(json, `${toJson(entry.result.json as JsonValue, 2)}\n`);
  return json;
}

/** `<name>.json` and each chart as `<id>.svg` and `<id>.png`, written atomically. */
export function writeExperimentFiles(entry: ExperimentEntry, dir: string): string[] {
  const written: string[] = [writeExperimentJson(entry, dir)];
  for (const c of entry.result.charts) {
    const svg = entry.svgs.get(c.id);
    if (svg === undefined) continue;
    const svgPath = join(dir, `${c.id}.svg`);
    const pngPath = join(dir, `${c.id}.png`);
    writeFileAtomic(svgPath, svg);
    writeFileAtomic(pngPath, svgToPng(svg));
    written.push(svgPath, pngPath);
  }
  return written;
}

function printHuman(entry: ExperimentEntry, ctx: CommandContext): void {
  const { stdout } = ctx.io;
  const r = entry.result;
  writeLine(stdout, `${r.title} (${r.name})`);
  writeLine(stdout);
  if (r.table !== undefined) {
    for (const line of formatTable(r.table.header, r.table.rows)) writeLine(stdout, line);
    writeLine(stdout);
  }
  for (const p of r.reading) {
    writeLine(stdout, p);
    writeLine(stdout);
  }
}

export function registerExperiment(program: Command, ctx: CommandContext): void {
  const extras = extraOptions();
  const command = program
    .command('experiment')
    .argument('<name>', `one of: ${experimentNames().join(', ')}`)
    .description('run an experiment and print its results (a table, charts and a reading)')
    .option('--quick', 'the quick tier, seconds (default)')
    .option('--full', 'the full tier: larger models and data, minutes')
    .option('--json', 'print only the JSON results on stdout')
    .option('--out <dir>', 'write <name>.json and every chart as SVG and PNG into this directory')
    .option('--seed <s>', 'seed of every random choice', parseSeed, 0);
  for (const option of extras) command.addOption(option);
  command.action(async (name: string, flags: ExperimentFlags) => {
    const experiment = findExperiment(name);
    const tier = tierOf(flags);
    const extra = extrasFor(experiment, flags, extras);
    const progress = new ExperimentProgress(ctx.io.stderr, experiment.name);
    let entry: ExperimentEntry;
    try {
      entry = await runExperiment(experiment, {
        tier,
        seed: flags.seed,
        extra,
        progress: (done, total, label) => progress.update(done, total, label),
      });
    } catch (error) {
      // A bad option found by the experiment itself stays a one-line usage error.
      if (!(error instanceof UsageError)) progress.finish(error);
      throw error;
    }
    progress.finish();
    if (flags.json === true) writeLine(ctx.io.stdout, toJson(entry.result.json as JsonValue, 2));
    else printHuman(entry, ctx);
    if (flags.out !== undefined) {
      const written = writeExperimentFiles(entry, flags.out);
      ctx.io.stderr.write(`wrote ${written.length} files to ${flags.out}\n`);
    }
  });
}
