/** Decisions about a convolution that both backends make the same way. */
import type { Conv2DGeometry } from './backend.js';

/** Images per chunk so that one column matrix stays within `budget` elements. */
export function chunkImages(g: Conv2DGeometry, budget: number): number {
  const perImage = g.outH * g.outW * g.kh * g.kw * g.inC;
  return Math.max(1, Math.min(g.batch, Math.floor(budget / Math.max(1, perImage))));
}

/** A 1×1 kernel with unit stride and no padding needs no im2col: x already is the column matrix. */
export function isPointwise(g: Conv2DGeometry): boolean {
  return (
    g.kh === 1 &&
    g.kw === 1 &&
    g.strideH === 1 &&
    g.strideW === 1 &&
    g.padTop === 0 &&
    g.padLeft === 0 &&
    g.outH === g.inH &&
    g.outW === g.inW
  );
}
