/**
 * Vega-Lite specs for activation curves: one panel for f and, when asked, a
 * second for f' (with a dot at each kink showing the subgradient the spec
 * uses); several curves are coloured with a legend. Specs are plain data, so
 * the same chart renders to SVG/PNG in Node and live in a browser.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Curve, Interval } from './curves.js';

/** Fonts that resvg finds on common systems; the renderer embeds none of its own. */
export const CHART_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const FUNCTION_COLOUR = '#1f77b4';
const DERIVATIVE_COLOUR = '#d62728';

/** A chart row. Non-finite values become null, which Vega-Lite leaves out of the line. */
interface Row {
  readonly series: string;
  readonly x: number;
  readonly y: number | null;
  readonly dydx: number | null;
  readonly kink: boolean;
}

/**
 * The dashed y = 0 line. The aggregate reduces the data to one row (per
 * facet), so one rule is drawn instead of one per sample.
 */
const ZERO_LINE = {
  transform: [{ aggregate: [{ op: 'count' as const, as: 'n' }] }],
  mark: { type: 'rule' as const, color: '#888', strokeDash: [4, 3] },
  encoding: { y: { datum: 0 } },
};

const finite = (v: number): number | null => (Number.isFinite(v) ? v : null);

function rows(curves: readonly Curve[]): Row[] {
  const out: Row[] = [];
  for (const c of curves) {
    for (let i = 0; i < c.x.length; i++) {
      out.push({
        series: c.label,
        x: c.x[i]!,
        y: finite(c.y[i]!),
        dydx: finite(c.dydx[i]!),
        kink: false,
      });
    }
    for (const k of c.kinks) {
      const i = c.x.indexOf(k.at);
      out.push({
        series: c.label,
        x: k.at,
        y: finite(c.y[i]!),
        dydx: finite(k.derivative),
        kink: true,
      });
    }
  }
  return out;
}

export interface CurveChartOptions {
  readonly title: string;
  readonly range: Interval;
  /** Adds the f' panel. */
  readonly derivative?: boolean;
  /** Legend title when there are several curves (e.g. the swept parameter). */
  readonly legendTitle?: string;
  readonly width?: number;
  readonly height?: number;
}

function panel(
  field: 'y' | 'dydx',
  yTitle: string,
  options: CurveChartOptions,
  colour: Record<string, unknown>,
) {
  const x = {
    field: 'x',
    type: 'quantitative' as const,
    title: 'x',
    scale: { domain: [options.range[0], options.range[1]], nice: false },
  };
  const y = { field, type: 'quantitative' as const, title: yTitle };
  return {
    width: options.width ?? 360,
    height: options.height ?? 260,
    layer: [
      ZERO_LINE,
      {
        transform: [{ filter: '!datum.kink' }],
        mark: { type: 'line' as const, strokeWidth: 2, clip: true },
        encoding: { x, y, ...colour },
      },
      {
        transform: [{ filter: 'datum.kink' }],
        mark: { type: 'point' as const, filled: true, size: 45, opacity: 1 },
        encoding: { x, y, ...colour },
      },
    ],
  };
}

/** f (and f') of one or more curves over options.range. */
export function curveChart(curves: readonly Curve[], options: CurveChartOptions): TopLevelSpec {
  const several = curves.length > 1;
  const legend = {
    color: {
      field: 'series',
      type: 'nominal' as const,
      title: options.legendTitle ?? null,
      sort: curves.map((c) => c.label),
      legend: {
        orient: 'right' as const,
        labelLimit: 400,
        symbolType: 'stroke',
        symbolStrokeWidth: 3,
      },
    },
  };
  const fixed = (colour: string) => ({ color: { value: colour } });
  const panels = [panel('y', 'f(x)', options, several ? legend : fixed(FUNCTION_COLOUR))];
  if (options.derivative) {
    panels.push(panel('dydx', 'f′(x)', options, several ? legend : fixed(DERIVATIVE_COLOUR)));
  }
  return {
    $schema: SCHEMA,
    title: { text: options.title, fontSize: 16 },
    data: { values: rows(curves) },
    hconcat: panels,
    resolve: { scale: { color: 'shared' } },
    config: { font: CHART_FONT, background: 'white' },
  } as TopLevelSpec;
}

/**
 * Small multiples: one panel per curve with f and f' overlaid, each panel
 * with its own y scale (exponential and sigmoid share no useful one).
 */
export function curveGrid(
  curves: readonly Curve[],
  options: { readonly title: string; readonly columns?: number },
): TopLevelSpec {
  const values: { activation: string; x: number; value: number | null; quantity: string }[] = [];
  for (const c of curves) {
    for (let i = 0; i < c.x.length; i++) {
      values.push({ activation: c.label, x: c.x[i]!, value: finite(c.y[i]!), quantity: 'f(x)' });
      values.push({
        activation: c.label,
        x: c.x[i]!,
        value: finite(c.dydx[i]!),
        quantity: 'f′(x)',
      });
    }
  }
  return {
    $schema: SCHEMA,
    title: { text: options.title, fontSize: 18 },
    data: { values },
    facet: {
      field: 'activation',
      type: 'nominal',
      sort: curves.map((c) => c.label),
      title: null,
      header: { labelFontSize: 13, labelFontWeight: 'bold' },
    },
    columns: options.columns ?? 6,
    spec: {
      width: 170,
      height: 110,
      layer: [
        ZERO_LINE,
        {
          mark: { type: 'line', strokeWidth: 1.8, clip: true },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: null },
            y: { field: 'value', type: 'quantitative', title: null },
            color: {
              field: 'quantity',
              type: 'nominal',
              title: null,
              scale: { range: [FUNCTION_COLOUR, DERIVATIVE_COLOUR] },
              legend: { orient: 'top', labelFontSize: 14, symbolStrokeWidth: 3 },
            },
          },
        },
      ],
    },
    // Every panel keeps its own x axis too, so panels far from the bottom row can be read alone.
    resolve: { scale: { y: 'independent' }, axis: { x: 'independent' } },
    config: { font: CHART_FONT, background: 'white' },
  } as TopLevelSpec;
}
