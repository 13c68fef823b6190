/** `actlab show`: everything the catalogue knows about one activation, with a terminal plot. */
import type { Command } from 'commander';
import { type ActivationSpec, type Params, resolveActivation } from '../../activations/index.js';
import { type Interval, sampleCurve } from '../../plot/curves.js';
import { terminalChart } from '../../plot/terminal-chart.js';
import { catalogueEntry, PARAM_HEADERS, paramRows, propertyRows } from '../../report/catalogue.js';
import { figureRange } from '../../report/figures.js';
import type { CommandContext } from '../context.js';
import { writeLine } from '../io.js';
import { toJson } from '../json.js';
import { addParamOptions, type ParamOptions, parseParamPairs, parseRange } from '../options.js';
import { formatTable } from '../table.js';

interface ShowOptions extends ParamOptions {
  readonly range?: string;
  readonly json?: boolean;
}

function section(title: string, lines: readonly string[]): string[] {
  return lines.length === 0 ? [] : ['', `${title}:`, ...lines.map((l) => `  ${l}`)];
}

function describe(spec: ActivationSpec, params: Params, range: Interval | undefined): string[] {
  const lines = [`${spec.name} (${spec.id}) — ${spec.kind} activation`];
  if (spec.aliases.length > 0) lines.push(`aliases: ${spec.aliases.join(', ')}`);
  lines.push('', spec.notes.summary);
  lines.push(...section('formula (LaTeX)', [`f:  ${spec.latex.f}`, `f': ${spec.latex.df}`]));
  const rows = paramRows(spec, params);
  if (rows.length > 0) {
    lines.push(...section('parameters', formatTable(PARAM_HEADERS, rows)));
  } else {
    lines.push('', 'parameters: none');
  }
  lines.push(...section('properties', formatTable(['property', 'value'], propertyRows(spec))));
  if (spec.kind === 'elementwise') {
    const kinks = spec.kinks(params);
    lines.push(
      ...section(
        'kinks (not differentiable; the subgradient used)',
        kinks.length === 0
          ? ['none: differentiable everywhere']
          : kinks.map((k) => `x = ${k.at}: f'(x) taken as ${k.derivative}`),
      ),
    );
  }
  const notes: [string, string, readonly string[]][] = [
    ['pros', '+ ', spec.notes.pros],
    ['cons', '- ', spec.notes.cons],
    ['used in', '• ', spec.notes.usedIn],
    ['references', '', spec.refs.map((r) => `${r.title} — ${r.url}`)],
  ];
  for (const [title, mark, items] of notes) {
    lines.push(
      ...section(
        title,
        items.map((item) => mark + item),
      ),
    );
  }
  if (spec.kind === 'elementwise') {
    const interval = range ?? figureRange(spec, params);
    const curve = sampleCurve({ spec, params }, spec.id, interval, 481);
    lines.push('', ...terminalChart(curve.x, curve.y, { title: 'f(x)' }));
    lines.push('', ...terminalChart(curve.x, curve.dydx, { title: "f'(x)" }));
  } else {
    lines.push(
      '',
      'vector activation: applied to a whole slice along an axis, so there is no curve to draw',
    );
  }
  return lines;
}

export function registerShow(program: Command, ctx: CommandContext): void {
  const command = program
    .command('show')
    .description('formula, derivative, parameters, properties, notes and a plot of one activation')
    .argument('<id>', 'activation id or alias')
    .option(
      '--range <lo,hi>',
      'x interval of the terminal plot (default: -6,6, wider for far kinks)',
    )
    .option('--json', 'print the description as JSON');
  addParamOptions(command).action((id: string, opts: ShowOptions) => {
    const { spec, params } = resolveActivation(id, parseParamPairs(opts.param), opts.preset);
    const range = opts.range === undefined ? undefined : parseRange(opts.range);
    if (opts.json) {
      const entry = {
        ...catalogueEntry(spec),
        values: { ...params },
        kinks: spec.kind === 'elementwise' ? spec.kinks(params).map((k) => ({ ...k })) : [],
        latex: { ...spec.latex },
        notes: { ...spec.notes },
        refs: spec.refs.map((r) => ({ ...r })),
      };
      writeLine(ctx.io.stdout, toJson(entry, 2));
      return;
    }
    for (const line of describe(spec, params, range)) writeLine(ctx.io.stdout, line);
  });
}
