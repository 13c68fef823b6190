/**
 * Vega-Lite specs for experiment results: lines (one per series) and bars.
 * Plain data in, a TopLevelSpec out, so every experiment draws the same way
 * and the charts render to SVG/PNG in Node and live in a browser alike.
 */
import type { TopLevelSpec } from 'vega-lite';

/** The catalogue charts' font list (fonts resvg finds on common systems; none is embedded). */
const CHART_FONT = 'DejaVu Sans, Liberation Sans, Arial, Helvetica, sans-serif';
const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** One chart row; non-finite numbers must be replaced by null before they get here. */
export type ChartRow = Readonly<Record<string, string | number | null>>;

/** Non-finite values become null, which Vega-Lite leaves out of lines and bars. */
export function finiteOrNull(v: number): number | null {
  return Number.isFinite(v) ? v : null;
}

interface Axis {
  readonly field: string;
  readonly title: string;
  /** Logarithmic scale (values must be positive). */
  readonly log?: boolean;
  readonly domain?: readonly [number, number];
}

export interface LineChartOptions {
  readonly title: string;
  readonly x: Axis;
  readonly y: Axis;
  /** Field naming the series (one line and colour each). */
  readonly series: string;
  readonly seriesTitle?: string;
  /** Draw a dot at each data point (for short series). */
  readonly points?: boolean;
  readonly width?: number;
  readonly height?: number;
}

function scale(axis: Axis): Record<string, unknown> {
  const s: Record<string, unknown> = {};
  if (axis.log === true) s['type'] = 'log';
  if (axis.domain !== undefined) {
    s['domain'] = [...axis.domain];
    s['nice'] = false;
  }
  // A linear axis starting at 0 hides differences between curves that all sit near 0.9.
  if (axis.log !== true) s['zero'] = false;
  return s;
}

/** Log axes label powers of ten as 1e-7 rather than 0.0000001. */
function axis(a: Axis): Record<string, unknown> {
  return a.log === true ? { format: '~e' } : {};
}

function config() {
  return { font: CHART_FONT, background: 'white' };
}

export function lineChart(rows: readonly ChartRow[], o: LineChartOptions): TopLevelSpec {
  return {
    $schema: SCHEMA,
    title: { text: o.title, fontSize: 15 },
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'line', strokeWidth: 2, point: o.points === true, clip: true },
    encoding: {
      x: {
        field: o.x.field,
        type: 'quantitative',
        title: o.x.title,
        scale: scale(o.x),
        axis: axis(o.x),
      },
      y: {
        field: o.y.field,
        type: 'quantitative',
        title: o.y.title,
        scale: scale(o.y),
        axis: axis(o.y),
      },
      color: {
        field: o.series,
        type: 'nominal',
        title: o.seriesTitle ?? null,
        sort: null,
        legend: { labelLimit: 300 },
      },
    },
    config: config(),
  } as TopLevelSpec;
}

export interface BarChartOptions {
  readonly title: string;
  /** Category field, drawn on the y axis (long names read better horizontally). */
  readonly category: string;
  readonly categoryTitle?: string;
  readonly value: string;
  readonly valueTitle: string;
  /** Optional field that splits each category into coloured bars side by side. */
  readonly group?: string;
  readonly log?: boolean;
  readonly width?: number;
  /** Keep the rows' order instead of sorting the categories by name. */
  readonly keepOrder?: boolean;
}

export function barChart(rows: readonly ChartRow[], o: BarChartOptions): TopLevelSpec {
  const order =
    o.keepOrder === true ? [...new Set(rows.map((r) => String(r[o.category])))] : 'ascending';
  const encoding: Record<string, unknown> = {
    y: {
      field: o.category,
      type: 'nominal',
      title: o.categoryTitle ?? null,
      sort: order,
      axis: { labelLimit: 320 },
    },
    x: {
      field: o.value,
      type: 'quantitative',
      title: o.valueTitle,
      ...(o.log === true ? { scale: { type: 'log' } } : {}),
    },
  };
  if (o.group !== undefined) {
    encoding['color'] = { field: o.group, type: 'nominal', title: null, sort: null };
    encoding['yOffset'] = { field: o.group, sort: null };
  }
  return {
    $schema: SCHEMA,
    title: { text: o.title, fontSize: 15 },
    width: o.width ?? 420,
    data: { values: rows.map((r) => ({ ...r })) },
    mark: { type: 'bar' },
    encoding,
    config: config(),
  } as TopLevelSpec;
}
