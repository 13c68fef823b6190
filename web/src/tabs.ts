/**
 * The lab's tabs and the URL hash that selects one: `#explorer?a=gelu&...`.
 * A tab owns the query after its name. Tabs are added to TABS as they are
 * built (the Playground and Compare tabs join here); none is shown before it works.
 */
export interface Tab {
  readonly id: string;
  readonly label: string;
  /** Builds the tab into `root` from its query; `setQuery` writes its state back to the URL. */
  mount(root: HTMLElement, query: string, setQuery: (query: string) => void): TabInstance;
}

export interface TabInstance {
  /** The URL changed under the tab (Back, or an edited hash). */
  restore(query: string): void;
}

export interface Route {
  readonly tab: string;
  readonly query: string;
}

export function parseRoute(hash: string): Route {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const q = text.indexOf('?');
  return q < 0 ? { tab: text, query: '' } : { tab: text.slice(0, q), query: text.slice(q + 1) };
}

export function formatRoute(route: Route): string {
  return `#${route.tab}${route.query === '' ? '' : `?${route.query}`}`;
}
