/**
 * The small HTML vocabulary of the report: escaping, tables, lists, formulas
 * (KaTeX rendered on the server, so the page runs no script) and the chart
 * wrapper every figure goes in.
 */
import katex from 'katex';

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

/** A formula as KaTeX HTML (with MathML for screen readers); the page carries KaTeX's CSS. */
export function math(latex: string, display = true): string {
  return katex.renderToString(latex, {
    displayMode: display,
    throwOnError: false,
    output: 'htmlAndMathml',
  });
}

export function list(title: string, items: readonly string[]): string {
  if (items.length === 0) return '';
  return `<h4>${escapeHtml(title)}</h4><ul>${items.map((i) => `<li>${escapeHtml(i)}</li>`).join('')}</ul>`;
}

/** A table of text cells (escaped); `numeric` right-aligns every column but the first. */
export function table(
  rows: readonly (readonly string[])[],
  header?: readonly string[],
  options: { readonly numeric?: boolean; readonly className?: string } = {},
): string {
  const head = header
    ? `<thead><tr>${header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>`
    : '';
  const body = rows
    .map((r) => `<tr>${r.map((c) => `<td>${escapeHtml(c)}</td>`).join('')}</tr>`)
    .join('');
  const classes = [options.className ?? '', options.numeric === true ? 'numeric' : ''].filter(
    (c) => c !== '',
  );
  const cls = classes.length > 0 ? ` class="${classes.join(' ')}"` : '';
  return `<table${cls}>${head}<tbody>${body}</tbody></table>`;
}

/**
 * Ids inside an SVG (Vega's clip paths) prefixed with the chart id, so that
 * many SVGs inlined in one page never point at each other's definitions.
 */
function scopeIds(svg: string, scope: string): string {
  const prefix = scope.replace(/[^A-Za-z0-9_-]/g, '_');
  return svg
    .replace(/\bid="([^"]+)"/g, (_, id: string) => `id="${prefix}-${id}"`)
    .replace(/url\(#([^)]+)\)/g, (_, id: string) => `url(#${prefix}-${id})`)
    .replace(/href="#([^"]+)"/g, (_, id: string) => `href="#${prefix}-${id}"`);
}

/** A figure: inline SVG in an element that names the chart (`data-chart`), with a caption. */
export function chart(id: string, title: string, svg: string): string {
  return `<figure class="chart" data-chart="${escapeHtml(id)}">${scopeIds(svg, id)}<figcaption>${escapeHtml(title)}</figcaption></figure>`;
}
