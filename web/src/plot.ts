/**
 * A small SVG chart drawn by hand, so that a slider redraws it within a frame:
 * a panel for f, and below it a panel for f' (and f'' dashed), sharing the x
 * axis. Kinks are marked on f' with the subgradient the spec uses there.
 */
import type { Series } from './series.js';
import { formatNumber, ticks } from './ticks.js';

export interface PlotOptions {
  readonly range: readonly [number, number];
  readonly showDf: boolean;
  readonly showD2: boolean;
}

const MARGIN = { left: 64, right: 18, top: 22, bottom: 44 };
const F_HEIGHT = 300;
const D_HEIGHT = 210;
const GAP = 52;

interface Panel {
  readonly key: 'f' | 'd';
  readonly top: number;
  readonly height: number;
  readonly lo: number;
  readonly hi: number;
}

/** The y extent of the finite values, padded, always containing 0 so the axis is in view. */
function extent(arrays: readonly Float64Array[]): [number, number] {
  let lo = 0;
  let hi = 0;
  for (const a of arrays) {
    for (const v of a) {
      if (!Number.isFinite(v)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  if (hi - lo < 1e-12) return [lo - 1, hi + 1];
  const pad = (hi - lo) * 0.06;
  return [lo - pad, hi + pad];
}

export class Plot {
  readonly svg: SVGSVGElement;
  private series: readonly Series[] = [];
  private options: PlotOptions = { range: [-6, 6], showDf: true, showD2: false };
  private panels: Panel[] = [];
  private width = 800;
  private hoverX: number | undefined;

  constructor(
    container: HTMLElement,
    private readonly onHover: (x: number | undefined) => void,
  ) {
    this.svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
    this.svg.setAttribute('data-testid', 'plot');
    this.svg.setAttribute('role', 'img');
    container.append(this.svg);
    this.svg.addEventListener('pointermove', (e) => this.hover(e));
    this.svg.addEventListener('pointerleave', () => this.setHover(undefined));
  }

  private sx(x: number): number {
    const [lo, hi] = this.options.range;
    return MARGIN.left + ((x - lo) / (hi - lo)) * (this.width - MARGIN.left - MARGIN.right);
  }

  private sy(p: Panel, y: number): number {
    return p.top + p.height - ((y - p.lo) / (p.hi - p.lo)) * p.height;
  }

  render(series: readonly Series[], options: PlotOptions, width: number): void {
    this.series = series;
    this.options = options;
    this.width = Math.max(320, Math.round(width));
    const showDerivatives = options.showDf || options.showD2;
    const [flo, fhi] = extent(series.map((s) => s.y));
    this.panels = [{ key: 'f', top: MARGIN.top, height: F_HEIGHT, lo: flo, hi: fhi }];
    if (showDerivatives) {
      const arrays = series.flatMap((s) => [
        ...(options.showDf ? [s.dy] : []),
        ...(options.showD2 ? [s.d2] : []),
      ]);
      const [dlo, dhi] = extent(arrays);
      this.panels.push({
        key: 'd',
        top: MARGIN.top + F_HEIGHT + GAP,
        height: D_HEIGHT,
        lo: dlo,
        hi: dhi,
      });
    }
    const last = this.panels.at(-1)!;
    const height = last.top + last.height + MARGIN.bottom;
    this.svg.setAttribute('viewBox', `0 0 ${this.width} ${height}`);
    this.svg.setAttribute('width', String(this.width));
    this.svg.setAttribute('height', String(height));
    this.svg.setAttribute('aria-label', `Plot of ${series.map((s) => s.label).join(', ')}`);
    const parts: string[] = [];
    for (const p of this.panels) parts.push(this.panelMarkup(p));
    parts.push(
      `<text class="axis-title" x="${(MARGIN.left + this.width - MARGIN.right) / 2}" y="${height - 8}" text-anchor="middle">x</text>`,
    );
    parts.push(`<g class="hover" data-testid="plot-hover"></g>`);
    this.svg.innerHTML = parts.join('');
    this.drawHover();
  }

  private panelMarkup(p: Panel): string {
    const { range, showDf, showD2 } = this.options;
    const x0 = MARGIN.left;
    const x1 = this.width - MARGIN.right;
    const out: string[] = [`<g class="panel" data-panel="${p.key}">`];
    out.push(
      `<clipPath id="clip-${p.key}"><rect x="${x0}" y="${p.top}" width="${x1 - x0}" height="${p.height}"/></clipPath>`,
    );
    out.push(
      `<rect class="frame" x="${x0}" y="${p.top}" width="${x1 - x0}" height="${p.height}"/>`,
    );
    for (const t of ticks(range[0], range[1], Math.max(4, Math.round((x1 - x0) / 80)))) {
      const x = this.sx(t).toFixed(1);
      out.push(
        `<line class="${t === 0 ? 'zero' : 'grid'}" x1="${x}" x2="${x}" y1="${p.top}" y2="${p.top + p.height}"/>`,
      );
      out.push(
        `<text class="tick" x="${x}" y="${p.top + p.height + 16}" text-anchor="middle">${formatNumber(t)}</text>`,
      );
    }
    for (const t of ticks(p.lo, p.hi, Math.max(3, Math.round(p.height / 50)))) {
      const y = this.sy(p, t).toFixed(1);
      out.push(
        `<line class="${t === 0 ? 'zero' : 'grid'}" x1="${x0}" x2="${x1}" y1="${y}" y2="${y}"/>`,
      );
      out.push(
        `<text class="tick" x="${x0 - 6}" y="${y}" dy="0.32em" text-anchor="end">${formatNumber(t)}</text>`,
      );
    }
    const title =
      p.key === 'f' ? 'f(x)' : showDf && showD2 ? 'f′(x), f″(x)' : showDf ? 'f′(x)' : 'f″(x)';
    const cy = p.top + p.height / 2;
    out.push(
      `<text class="axis-title" transform="translate(16 ${cy}) rotate(-90)" text-anchor="middle">${title}</text>`,
    );
    out.push(`<g clip-path="url(#clip-${p.key})">`);
    this.series.forEach((s, i) => {
      // Earlier curves are drawn wider, so one that coincides with a later one
      // (softmax on (x, 0) is the sigmoid) still shows at its edges.
      const width = 2 + 0.75 * (this.series.length - 1 - i);
      if (p.key === 'f') {
        out.push(this.path(p, s.x, s.y, s.colour, `curve-f-${i}`, '', new Set(), width));
        return;
      }
      // f' jumps at a kink: lift the pen there and mark the subgradient with a dot instead.
      const kinkIndex = new Set(s.kinks.map((k) => s.x.indexOf(k.at)));
      if (showDf)
        out.push(this.path(p, s.x, s.dy, s.colour, `curve-df-${i}`, '', kinkIndex, width));
      if (showD2)
        out.push(
          this.path(p, s.x, s.d2, s.colour, `curve-d2-${i}`, 'dashed', kinkIndex, width - 0.5),
        );
      if (showDf) {
        for (const k of s.kinks) {
          out.push(
            `<circle class="kink" cx="${this.sx(k.at).toFixed(1)}" cy="${this.sy(p, k.derivative).toFixed(1)}" r="4" stroke="${s.colour}"><title>kink at x = ${formatNumber(k.at)}: f′ taken as ${formatNumber(k.derivative)}</title></circle>`,
          );
        }
      }
    });
    out.push('</g></g>');
    return out.join('');
  }

  private path(
    p: Panel,
    xs: Float64Array,
    ys: Float64Array,
    colour: string,
    testId: string,
    cls: string,
    breaks: ReadonlySet<number>,
    width: number,
  ): string {
    // Far outside the panel the line is clipped anyway; bounding it keeps the SVG numbers sane.
    const limit = (p.hi - p.lo) * 50;
    let d = '';
    let penDown = false;
    for (let i = 0; i < xs.length; i++) {
      const y = ys[i]!;
      if (breaks.has(i) || !Number.isFinite(y)) {
        penDown = false;
        continue;
      }
      const yy = Math.min(p.hi + limit, Math.max(p.lo - limit, y));
      d += `${penDown ? 'L' : 'M'}${this.sx(xs[i]!).toFixed(2)} ${this.sy(p, yy).toFixed(2)}`;
      penDown = true;
    }
    return `<path class="curve ${cls}" data-testid="${testId}" d="${d}" stroke="${colour}" stroke-width="${width}"/>`;
  }

  private hover(e: PointerEvent): void {
    const box = this.svg.getBoundingClientRect();
    const px = ((e.clientX - box.left) / box.width) * this.width;
    const [lo, hi] = this.options.range;
    const t = (px - MARGIN.left) / (this.width - MARGIN.left - MARGIN.right);
    this.setHover(t < 0 || t > 1 ? undefined : lo + t * (hi - lo));
  }

  setHover(x: number | undefined): void {
    this.hoverX = x;
    this.drawHover();
    this.onHover(x);
  }

  private drawHover(): void {
    const layer = this.svg.querySelector('g.hover');
    if (layer === null) return;
    const x = this.hoverX;
    if (x === undefined) {
      layer.innerHTML = '';
      return;
    }
    const px = this.sx(x).toFixed(1);
    const parts: string[] = [];
    for (const p of this.panels) {
      parts.push(
        `<line class="rule" x1="${px}" x2="${px}" y1="${p.top}" y2="${p.top + p.height}"/>`,
      );
      for (const s of this.series) {
        const v = s.at(x);
        const values =
          p.key === 'f'
            ? [v.f]
            : [...(this.options.showDf ? [v.df] : []), ...(this.options.showD2 ? [v.d2] : [])];
        for (const y of values) {
          if (!Number.isFinite(y) || y < p.lo || y > p.hi) continue;
          parts.push(
            `<circle class="dot" cx="${px}" cy="${this.sy(p, y).toFixed(1)}" r="3.5" fill="${s.colour}"/>`,
          );
        }
      }
    }
    layer.innerHTML = parts.join('');
  }
}
