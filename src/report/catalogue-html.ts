/**
 * The catalogue part of the report: one section per activation, whose id
 * attribute is the activation's id — its curve and derivative (elementwise
 * ones), its formulas, parameters, properties, kinks and notes. References
 * are printed as text: the page never points the browser anywhere.
 */
import type { ActivationSpec } from '../activations/index.js';
import { allowedText, defaultKinks, propertyRows } from './catalogue.js';
import { chart, escapeHtml, list, math, table } from './html.js';

export interface CatalogueItem {
  readonly spec: ActivationSpec;
  /** The f / f′ chart as SVG text (elementwise activations only). */
  readonly svg?: string;
}

function paramsTable(spec: ActivationSpec): string {
  const rows = Object.entries(spec.params).map(([name, ps]) => [
    name,
    String(ps.default),
    allowedText(ps),
    'learnable' in ps && ps.learnable ? 'yes' : 'no',
    ps.doc,
  ]);
  if (rows.length === 0) return '<p>No parameters.</p>';
  return table(rows, ['parameter', 'default', 'allowed', 'learnable', 'meaning']);
}

function kinkText(spec: ActivationSpec): string {
  if (spec.kind === 'vector') return 'applied to a whole vector (along the last axis)';
  const kinks = defaultKinks(spec);
  return kinks.length === 0
    ? 'none: differentiable everywhere'
    : kinks.map((k) => `x = ${k.at}: f′ taken as ${k.derivative}`).join('; ');
}

export function catalogueSection({ spec, svg }: CatalogueItem): string {
  const refs = spec.refs.map((r) => `${r.title} — ${r.url}`);
  const figure =
    svg === undefined
      ? ''
      : chart(`curve-${spec.id}`, `${spec.name}: f(x) and f′(x) at the default parameters`, svg);
  const aliases =
    spec.aliases.length > 0
      ? `<p class="aliases">Also known as: ${escapeHtml(spec.aliases.join(', '))}</p>`
      : '';
  return `<section class="activation" id="${escapeHtml(spec.id)}">
<h3>${escapeHtml(spec.name)} <code>${escapeHtml(spec.id)}</code>${spec.kind === 'vector' ? ' <small>(vector)</small>' : ''}</h3>
<p>${escapeHtml(spec.notes.summary)}</p>${aliases}
${figure}
<div class="formulas">${math(spec.latex.f)}${math(spec.latex.df)}</div>
<div class="cols"><div>${paramsTable(spec)}${table(propertyRows(spec))}<p><b>Kinks:</b> ${escapeHtml(kinkText(spec))}</p></div>
<div>${list('Pros', spec.notes.pros)}${list('Cons', spec.notes.cons)}${list('Used in', spec.notes.usedIn)}${list('References', refs)}</div></div>
</section>`;
}

export function catalogueNav(items: readonly CatalogueItem[]): string {
  return items
    .map(({ spec }) => `<a href="#${escapeHtml(spec.id)}">${escapeHtml(spec.id)}</a>`)
    .join(' ');
}
