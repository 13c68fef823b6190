/**
 * A small SVG line chart for training curves: loss against step, or a
 * gradient norm on a log axis. Drawn as one string of markup per update;
 * curves of a few hundred points each redraw in well under a millisecond.
 */
import { formatNumber, ticks } from '../ticks.js';

export interface LineSeries {
  readonly label: string;
  readonly colour: string;
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly dashed?: boolean;
  readonly testId?: string;
}

export interface ChartOptions {
  readonly width: number;
  readonly height: number;
  readonly log: boolean;
  readonly xTitle: string;
  readonly yTitle: string;
  /** Lower end of the linear y axis (the top follows the data); ignored on a log axis. */
  readonly yMin?: number;
}

const M = { left: 46, right: 20, top: 8, bottom: 32 };

function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  for (let e = Math.ceil(Math.log10(lo) - 1e-9); e <= Math.floor(Math.log10(hi) + 1e-9); e++)
    out.push(10 ** e);
  return out;
}

function powerText(v: number): string {
  const e = Math.round(Math.log10(v));
  return e >= -2 && e <= 3 ? formatNumber(v) : `1e${e}`.replace('-', '−');
}

/** Chart markup for an `<svg>` whose viewBox is 0 0 width height. */
export function chartMarkup(series: readonly LineSeries[], o: ChartOptions): string {
  const x0 = M.left;
  const x1 = o.width - M.right;
  const y0 = M.top;
  const y1 = o.height - M.bottom;
  let xmax = 1;
  let ylo = Number.POSITIVE_INFINITY;
  let yhi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      xmax = Math.max(xmax, s.xs[i]!);
      if (!Number.isFinite(y) || (o.log && !(y > 0))) continue;
      ylo = Math.min(ylo, y);
      yhi = Math.max(yhi, y);
    }
  }
  if (!(ylo <= yhi)) [ylo, yhi] = o.log ? [1e-3, 1] : [0, 1];
  if (o.log) {
    ylo = 10 ** Math.floor(Math.log10(ylo));
    yhi = 10 ** Math.ceil(Math.log10(yhi));
    if (yhi <= ylo) yhi = ylo * 10;
  } else {
    ylo = Math.min(o.yMin ?? ylo, ylo);
    if (yhi <= ylo) yhi = ylo + 1;
    yhi += (yhi - ylo) * 0.05;
  }
  const ty = (v: number) => (o.log ? Math.log10(v) : v);
  const sx = (v: number) => x0 + (v / xmax) * (x1 - x0);
  const sy = (v: number) => y1 - ((ty(v) - ty(ylo)) / (ty(yhi) - ty(ylo))) * (y1 - y0);
  const out: string[] = [
    `<rect class="frame" x="${x0}" y="${y0}" width="${x1 - x0}" height="${y1 - y0}"/>`,
  ];
  for (const t of ticks(0, xmax, Math.max(3, Math.round((x1 - x0) / 70)))) {
    const x = sx(t).toFixed(1);
    out.push(`<line class="grid" x1="${x}" x2="${x}" y1="${y0}" y2="${y1}"/>`);
    out.push(
      `<text class="tick" x="${x}" y="${y1 + 14}" text-anchor="middle">${formatNumber(t)}</text>`,
    );
  }
  const yt = o.log ? logTicks(ylo, yhi) : ticks(ylo, yhi, Math.max(3, Math.round((y1 - y0) / 40)));
  for (const t of yt) {
    const y = sy(t).toFixed(1);
    out.push(`<line class="grid" x1="${x0}" x2="${x1}" y1="${y}" y2="${y}"/>`);
    out.push(
      `<text class="tick" x="${x0 - 5}" y="${y}" dy="0.32em" text-anchor="end">${o.log ? powerText(t) : formatNumber(t)}</text>`,
    );
  }
  out.push(
    `<text class="axis-title" x="${(x0 + x1) / 2}" y="${o.height - 4}" text-anchor="middle">${o.xTitle}</text>`,
  );
  out.push(
    `<text class="axis-title" transform="translate(11 ${(y0 + y1) / 2}) rotate(-90)" text-anchor="middle">${o.yTitle}</text>`,
  );
  for (const s of series) {
    let d = '';
    let pen = false;
    let last: [number, number] | null = null;
    for (let i = 0; i < s.xs.length; i++) {
      const y = s.ys[i]!;
      if (!Number.isFinite(y) || (o.log && !(y > 0))) {
        pen = false;
        continue;
      }
      last = [sx(s.xs[i]!), sy(y)];
      d += `${pen ? 'L' : 'M'}${last[0].toFixed(1)} ${last[1].toFixed(1)}`;
      pen = true;
    }
    // The newest value as a dot: visible from the first point on, and where the eye looks.
    if (last !== null)
      out.push(
        `<circle class="end" cx="${last[0].toFixed(1)}" cy="${last[1].toFixed(1)}" r="3" fill="${s.colour}"/>`,
      );
    const id = s.testId === undefined ? '' : ` data-testid="${s.testId}"`;
    out.push(
      `<path class="line${s.dashed === true ? ' dashed' : ''}"${id} d="${d}" stroke="${s.colour}"><title>${s.label}</title></path>`,
    );
  }
  return out.join('');
}

/** An `<svg>` element that redraws from series. */
export class LineChart {
  readonly svg: SVGSVGElement;

  constructor(
    testId: string,
    label: string,
    private readonly options: Omit<ChartOptions, 'width'>,
  ) {
    this.svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.svg.setAttribute('class', 'line-chart');
    this.svg.setAttribute('data-testid', testId);
    this.svg.setAttribute('role', 'img');
    this.svg.setAttribute('aria-label', label);
  }

  draw(series: readonly LineSeries[]): void {
    const width = Math.max(260, Math.round(this.svg.parentElement?.clientWidth ?? 360));
    const o = { ...this.options, width };
    this.svg.setAttribute('viewBox', `0 0 ${width} ${o.height}`);
    this.svg.setAttribute('width', String(width));
    this.svg.setAttribute('height', String(o.height));
    this.svg.innerHTML = chartMarkup(series, o);
  }
}
