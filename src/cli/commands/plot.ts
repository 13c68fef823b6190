/** `actlab plot`: a Vega-Lite chart of one or more activations, written as SVG or PNG. */
import type { Command } from 'commander';
import {
  type ElementwiseSpec,
  type ResolvedActivation,
  resolveActivation,
  UsageError,
} from '../../activations/index.js';
import { curveChart } from '../../plot/activation-chart.js';
import { type Curve, DEFAULT_RANGE, sampleCurve } from '../../plot/curves.js';
import { imageFormatOf, saveChart } from '../../plot/save.js';
import type { CommandContext } from '../context.js';
import { writeLine } from '../io.js';
import {
  addParamOptions,
  type ParamOptions,
  parseParamPairs,
  parseRange,
  parseSweep,
  type Sweep,
} from '../options.js';

interface PlotOptions extends ParamOptions {
  readonly derivative?: boolean;
  readonly range: string;
  readonly sweep?: string;
  readonly output: string;
}

function resolvePlottable(
  id: string,
  given: Record<string, string>,
  opts: PlotOptions,
): ResolvedActivation<ElementwiseSpec> {
  const { spec, params } = resolveActivation(id, given, opts.preset);
  if (spec.kind !== 'elementwise') {
    throw new UsageError(
      `${spec.id} is a vector activation: plot draws elementwise activations only`,
    );
  }
  return { spec, params };
}

/** One curve per activation, or per activation and swept value. */
function curves(ids: readonly string[], sweep: Sweep | undefined, opts: PlotOptions): Curve[] {
  const given = parseParamPairs(opts.param);
  const range = parseRange(opts.range);
  const out: Curve[] = [];
  for (const id of ids) {
    if (sweep === undefined) {
      out.push(sampleCurve(resolvePlottable(id, given, opts), id, range));
      continue;
    }
    for (const swept of sweep.values) {
      const activation = resolvePlottable(id, { ...given, [sweep.name]: swept }, opts);
      // With one activation the legend title names the parameter; the label is its value.
      const value = String(activation.params[sweep.name]);
      const label = ids.length > 1 ? `${id} ${sweep.name}=${value}` : value;
      out.push(sampleCurve(activation, label, range));
    }
  }
  return out;
}

export function registerPlot(program: Command, ctx: CommandContext): void {
  const command = program
    .command('plot')
    .description('draw activations (and their derivatives) to an SVG or PNG file')
    .argument('<ids>', 'activation ids or aliases, comma-separated: relu,gelu,silu')
    .requiredOption('-o, --output <file>', 'output file, .svg or .png')
    .option('--derivative', "add a panel with the derivative f'")
    .option('--range <lo,hi>', 'x interval', `${DEFAULT_RANGE[0]},${DEFAULT_RANGE[1]}`)
    .option('--sweep <name=v1,v2,...>', 'one curve per value of a parameter')
    .addHelpText(
      'after',
      `
Examples:
  actlab plot gelu --derivative -o gelu.svg
  actlab plot relu,gelu,silu --range -4,3 -o compare.png
  actlab plot leaky_relu --sweep negative_slope=0.01,0.1,0.3 --derivative -o slopes.png`,
    );
  addParamOptions(command).action(async (idList: string, opts: PlotOptions) => {
    imageFormatOf(opts.output); // refuse a bad file name before any work
    const ids = idList
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    if (ids.length === 0) throw new UsageError('plot needs at least one activation id');
    const sweep = opts.sweep === undefined ? undefined : parseSweep(opts.sweep);
    const drawn = curves(ids, sweep, opts);
    const first = resolveActivation(ids[0]!).spec;
    const title =
      sweep !== undefined && ids.length === 1
        ? `${first.name}, ${sweep.name} sweep`
        : ids.length === 1
          ? first.name
          : ids.map((id) => resolveActivation(id).spec.name).join(' vs ');
    const spec = curveChart(drawn, {
      title,
      range: parseRange(opts.range),
      derivative: opts.derivative ?? false,
      legendTitle: sweep?.name ?? 'activation',
    });
    await saveChart(spec, opts.output);
    writeLine(ctx.io.stdout, `wrote ${opts.output}`);
  });
}
