/**
 * Canvas pictures of the model over the plane: the decision-boundary heat
 * map with the data points on top, and the small per-unit thumbnails. The
 * grid is painted pixel per cell and scaled up by the canvas, which smooths it.
 */
import { CLASS_COLOURS, divergingRgb } from './colours.js';
import type { Domain } from './data.js';

function paintCells(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  offset: number,
  size: number,
  toUnit: (v: number) => number,
  grey: boolean,
): void {
  const cells = document.createElement('canvas');
  cells.width = size;
  cells.height = size;
  const cctx = cells.getContext('2d')!;
  const image = cctx.createImageData(size, size);
  for (let i = 0; i < size * size; i++) {
    let [r, g, b] = divergingRgb(toUnit(values[offset + i]!));
    if (grey) {
      const l = Math.round(0.3 * r + 0.59 * g + 0.11 * b);
      r = g = b = Math.round(l * 0.35 + 200 * 0.65);
    }
    image.data[4 * i] = r;
    image.data[4 * i + 1] = g;
    image.data[4 * i + 2] = b;
    image.data[4 * i + 3] = 255;
  }
  cctx.putImageData(image, 0, 0);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(cells, 0, 0, canvas.width, canvas.height);
}

export interface PointSet {
  readonly x: Float32Array;
  readonly y: Int32Array;
}

/** The output p(class 1) over the plane, with the training points (white rim) and test points (dark rim). */
export function drawHeatmap(
  canvas: HTMLCanvasElement,
  output: Float32Array,
  size: number,
  domain: Domain,
  train: PointSet | null,
  test: PointSet | null,
): void {
  paintCells(canvas, output, 0, size, (p) => 2 * p - 1, false);
  const ctx = canvas.getContext('2d')!;
  const w = canvas.width;
  const h = canvas.height;
  const sx = (x: number) => ((x - domain.x[0]) / (domain.x[1] - domain.x[0])) * w;
  const sy = (y: number) => h - ((y - domain.y[0]) / (domain.y[1] - domain.y[0])) * h;
  const radius = Math.max(2.5, w / 110);
  const draw = (set: PointSet | null, rim: string) => {
    if (set === null) return;
    ctx.lineWidth = 1;
    ctx.strokeStyle = rim;
    for (let i = 0; i < set.y.length; i++) {
      ctx.beginPath();
      ctx.arc(sx(set.x[2 * i]!), sy(set.x[2 * i + 1]!), radius, 0, 2 * Math.PI);
      ctx.fillStyle = CLASS_COLOURS[set.y[i]! === 1 ? 1 : 0];
      ctx.fill();
      ctx.stroke();
    }
  };
  draw(train, '#ffffff');
  draw(test, '#1d2330');
}

/**
 * One hidden unit over the plane. Its output is scaled by the largest |value|
 * on the grid, so a ReLU unit's range shows as well as a tanh unit's; a dead
 * unit is drawn in grey.
 */
export function drawUnit(
  canvas: HTMLCanvasElement,
  values: Float32Array,
  unit: number,
  size: number,
  dead: boolean,
): void {
  const cells = size * size;
  let peak = 0;
  for (let i = unit * cells; i < (unit + 1) * cells; i++) {
    const a = Math.abs(values[i]!);
    if (Number.isFinite(a) && a > peak) peak = a;
  }
  const scale = peak > 0 ? 1 / peak : 0;
  paintCells(canvas, values, unit * cells, size, (v) => v * scale, dead);
}

/** A data set's points alone, small, on a pale ground: the picture on a data-set button. */
export function drawPreview(canvas: HTMLCanvasElement, domain: Domain, set: PointSet): void {
  const ctx = canvas.getContext('2d')!;
  ctx.fillStyle = '#f3f5f7';
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const w = canvas.width;
  const h = canvas.height;
  for (let i = 0; i < set.y.length; i++) {
    const x = ((set.x[2 * i]! - domain.x[0]) / (domain.x[1] - domain.x[0])) * w;
    const y = h - ((set.x[2 * i + 1]! - domain.y[0]) / (domain.y[1] - domain.y[0])) * h;
    ctx.fillStyle = CLASS_COLOURS[set.y[i]! === 1 ? 1 : 0];
    ctx.fillRect(x - 1, y - 1, 2, 2);
  }
}
