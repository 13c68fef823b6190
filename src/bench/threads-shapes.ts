/**
 * The GEMMs a training step runs, as the wasm backend calls them: the MLP
 * 784-128-64-10 at batch 64 (Dense forward x·w, backward gx = gz·wᵀ and
 * gw = xᵀ·gz, no gx for the first layer), and LeNet-5's largest convolution
 * GEMM at batch 256, derived from the backend's own choices (tap classes,
 * column-matrix budget) so that it follows them when they change.
 */
import type { Conv2DGeometry } from '../kernels/backend.js';
import { chunkImages, isPointwise } from '../kernels/conv-geometry.js';
import { COLS_BUDGET } from '../kernels/wasm/conv.js';
import { tapClasses } from '../kernels/wasm/conv-taps.js';

/** C (m×n) = op(A) (m×k) · op(B) (k×n). */
export interface GemmShape {
  readonly label: string;
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
}

function shape(label: string, m: number, n: number, k: number, ta = false, tb = false): GemmShape {
  return { label, m, n, k, transA: ta, transB: tb };
}

/** One step of the MLP: forward, then backward from the last layer. */
export function mlpStepGemms(
  batch = 64,
  layers: readonly number[] = [784, 128, 64, 10],
): GemmShape[] {
  const out: GemmShape[] = [];
  for (let l = 0; l + 1 < layers.length; l++) {
    const [i, u] = [layers[l]!, layers[l + 1]!];
    out.push(shape(`dense ${l + 1} forward x·w`, batch, u, i));
  }
  for (let l = layers.length - 2; l >= 0; l--) {
    const [i, u] = [layers[l]!, layers[l + 1]!];
    if (l > 0) out.push(shape(`dense ${l + 1} gx = gz·wᵀ`, batch, i, u, false, true));
    out.push(shape(`dense ${l + 1} gw = xᵀ·gz`, i, u, batch, true, false));
  }
  return out;
}

/** LeNet-5's convolutions ('same' 5×5) on 28×28×1 images. */
function lenetConvs(batch: number): Conv2DGeometry[] {
  const conv = (hw: number, inC: number, outC: number): Conv2DGeometry => ({
    batch,
    inH: hw,
    inW: hw,
    inC,
    outH: hw,
    outW: hw,
    outC,
    kh: 5,
    kw: 5,
    strideH: 1,
    strideW: 1,
    dilationH: 1,
    dilationW: 1,
    padTop: 2,
    padLeft: 2,
  });
  return [conv(28, 1, 6), conv(14, 6, 16), conv(7, 16, 120)];
}

/** The forward GEMM with the most work among those the backend makes for g: rows, depth. */
function largestForward(g: Conv2DGeometry): { m: number; k: number } {
  const perImage = g.outH * g.outW;
  const kSize = g.kh * g.kw * g.inC;
  if (isPointwise(g)) return { m: g.batch * perImage, k: kSize };
  const classes = tapClasses(g);
  if (classes === null) return { m: chunkImages(g, COLS_BUDGET) * perImage, k: kSize };
  let best = { m: 0, k: 0 };
  for (const c of classes) {
    // As conv-taps.ts places a class: its taps × inC deep, as many images as the budget holds.
    const k = (c.ky1 - c.ky0) * (c.kx1 - c.kx0) * g.inC;
    const npos = c.pos.length;
    const chunk = Math.max(1, Math.min(g.batch, Math.floor(COLS_BUDGET / (npos * k))));
    if (chunk * npos * k > best.m * best.k) best = { m: chunk * npos, k };
  }
  return best;
}

/**
 * LeNet's largest conv GEMM as the backend runs it (forward, backward input,
 * backward filter), and the same layer's forward over the whole batch in one
 * GEMM — what a threaded convolution could split instead of each chunk.
 */
export function lenetConvGemms(batch = 256): { asRun: GemmShape[]; wholeBatch: GemmShape } {
  let best: { g: Conv2DGeometry; m: number; k: number } | undefined;
  for (const g of lenetConvs(batch)) {
    const f = largestForward(g);
    if (best === undefined || f.m * f.k * g.outC > best.m * best.k * best.g.outC) {
      best = { g, ...f };
    }
  }
  const { g, m, k } = best!;
  const name = `conv ${g.inC}→${g.outC} on ${g.inH}×${g.inW}`;
  return {
    asRun: [
      shape(`${name} forward`, m, g.outC, k),
      shape(`${name} gx = gz·wᵀ`, m, k, g.outC, false, true),
      shape(`${name} gw = colsᵀ·gz`, k, g.outC, m, true, false),
    ],
    wholeBatch: shape(
      `${name} forward, whole batch`,
      g.batch * g.outH * g.outW,
      g.outC,
      g.kh * g.kw * g.inC,
    ),
  };
}
