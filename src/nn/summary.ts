/**
 * The Keras summary table: Layer (type), Output Shape, Param # (and, for
 * functional models, Connected to), then total, trainable and non-trainable
 * parameter counts.
 */
import { InputLayer } from './layers/core.js';
import { type Layer, shapeWithBatch } from './layers/layer.js';
import type { Model } from './model.js';

/** 697046 -> "697,046". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

function row(cells: readonly string[], widths: readonly number[]): string {
  return cells
    .map((c, i) => ` ${c}`.padEnd(widths[i]!))
    .join('')
    .trimEnd();
}

export function summaryText(model: Model): string {
  const functional = model.className !== 'Sequential';
  const layers: readonly Layer[] = model.layers;
  const inbound = new Map<Layer, string[]>();
  if (functional) {
    for (const l of layers) inbound.set(l, []);
    // Each non-input symbolic tensor names the layers that feed it.
    const visit = new Set<object>();
    const walk = (t: (typeof model.outputs)[number]): void => {
      if (visit.has(t)) return;
      visit.add(t);
      for (const p of t.node.inputs) {
        inbound.get(t.node.layer)!.push(p.node.layer.name);
        walk(p);
      }
    };
    for (const o of model.outputs) walk(o);
  }
  const header = [
    'Layer (type)',
    'Output Shape',
    'Param #',
    ...(functional ? ['Connected to'] : []),
  ];
  const rows = layers
    .filter((l) => functional || !(l instanceof InputLayer))
    .map((l) => [
      `${l.name} (${l.className})`,
      shapeWithBatch(l.outputShape ?? []),
      formatCount(l.countParams()),
      ...(functional ? [(inbound.get(l) ?? []).join(', ')] : []),
    ]);
  const minimum = functional ? [29, 25, 10, 20] : [29, 26, 10];
  const widths = header.map((h, i) =>
    Math.max(minimum[i]!, h.length + 3, ...rows.map((r) => r[i]!.length + 3)),
  );
  const total = widths.reduce((a, b) => a + b, 0);
  const weights = model.weights;
  const all = weights.reduce((s, w) => s + w.shape.reduce((a, b) => a * b, 1), 0);
  const trainable = model.trainableWeights.reduce(
    (s, w) => s + w.shape.reduce((a, b) => a * b, 1),
    0,
  );
  return [
    `Model: "${model.name}"`,
    '_'.repeat(total),
    row(header, widths),
    '='.repeat(total),
    ...rows.map((r) => row(r, widths)),
    '='.repeat(total),
    `Total params: ${formatCount(all)}`,
    `Trainable params: ${formatCount(trainable)}`,
    `Non-trainable params: ${formatCount(all - trainable)}`,
    '_'.repeat(total),
  ].join('\n');
}
