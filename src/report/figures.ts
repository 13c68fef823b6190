/** The standard figures of the catalogue, shared by the docs page and the HTML tour. */
import type { ElementwiseSpec, Params } from '../activations/index.js';
import { curveChart, curveGrid } from '../plot/activation-chart.js';
import { DEFAULT_RANGE, type Interval, sampleCurve } from '../plot/curves.js';
import { renderSvg } from '../plot/render.js';
import { defaultParams } from './catalogue.js';

/**
 * The default interval, widened symmetrically when a kink lies near or beyond
 * its edge, so that relu6's cap at 6 is seen with room on both sides.
 */
export function figureRange(spec: ElementwiseSpec, params: Params): Interval {
  const farthest = Math.max(0, ...spec.kinks(params).map((k) => Math.abs(k.at)));
  const half = Math.max(DEFAULT_RANGE[1], Math.ceil(1.5 * farthest));
  return [-half, half];
}

/** f and f' side by side, at the default parameters, as SVG text. */
export function activationFigureSvg(spec: ElementwiseSpec): Promise<string> {
  const params = defaultParams(spec);
  const range = figureRange(spec, params);
  const curve = sampleCurve({ spec, params }, spec.id, range);
  return renderSvg(
    curveChart([curve], {
      title: spec.name,
      range,
      derivative: true,
      width: 280,
      height: 190,
    }),
  );
}

/** Small multiples of every given activation, f and f' overlaid, as SVG text. */
export function catalogueGridSvg(
  specs: readonly ElementwiseSpec[],
  title: string,
): Promise<string> {
  const curves = specs.map((spec) =>
    sampleCurve({ spec, params: defaultParams(spec) }, spec.name, DEFAULT_RANGE, 161),
  );
  return renderSvg(curveGrid(curves, { title }));
}
