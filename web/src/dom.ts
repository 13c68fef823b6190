/** A tiny element builder: the lab needs no framework, only a few lines to make DOM readable. */
type Child = Node | string | null | undefined | false;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | boolean | undefined>> = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : value);
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

/** A coloured square for legends and chips. */
export function swatch(colour: string): HTMLSpanElement {
  const s = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  s.style.background = colour;
  return s;
}
