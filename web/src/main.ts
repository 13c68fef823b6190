/** The lab's entry point: the tab bar, and the URL hash as the single source of state. */
import 'katex/dist/katex.min.css';
import './style.css';
import { h } from './dom.js';
import { Explorer } from './explorer.js';
import { Compare } from './playground/compare.js';
import { formatCompare, parseCompare } from './playground/compare-state.js';
import { formatPlayground, parsePlayground } from './playground/config.js';
import { Playground } from './playground/playground.js';
import { formatState, parseState } from './state.js';
import { formatRoute, parseRoute, type Tab, type TabInstance } from './tabs.js';

const explorerTab: Tab = {
  id: 'explorer',
  label: 'Explorer',
  mount(root, query, setQuery) {
    const parsed = parseState(query);
    const explorer = new Explorer(root, parsed.state, parsed.problems, (state) =>
      setQuery(formatState(state)),
    );
    return { restore: (q) => explorer.setState(parseState(q).state) };
  },
};

const playgroundTab: Tab = {
  id: 'playground',
  label: 'Playground',
  mount(root, query, setQuery) {
    const parsed = parsePlayground(query);
    const playground = new Playground(root, parsed.state, parsed.problems, (state) =>
      setQuery(formatPlayground(state)),
    );
    return { restore: (q) => playground.setState(parsePlayground(q).state) };
  },
};

const compareTab: Tab = {
  id: 'compare',
  label: 'Compare',
  mount(root, query, setQuery) {
    const parsed = parseCompare(query);
    const compare = new Compare(root, parsed.state, parsed.problems, (state) =>
      setQuery(formatCompare(state)),
    );
    return { restore: (q) => compare.setState(parseCompare(q).state) };
  },
};

const TABS: readonly Tab[] = [explorerTab, playgroundTab, compareTab];

/**
 * URL writes are coalesced: a slider fires many events per second, and
 * browsers throttle history updates made faster than that.
 */
function hashWriter(): (hash: string) => void {
  let pending: string | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  return (hash) => {
    pending = hash;
    if (timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      if (pending !== undefined && pending !== location.hash)
        history.replaceState(null, '', pending);
    }, 150);
  };
}

function start(): void {
  const nav = document.getElementById('tabs')!;
  const main = document.getElementById('main')!;
  const writeHash = hashWriter();
  const route = parseRoute(location.hash);
  const tab = TABS.find((t) => t.id === route.tab) ?? TABS[0]!;
  let current: TabInstance | undefined;
  let lastHash = '';
  const setQuery = (query: string) => {
    lastHash = formatRoute({ tab: tab.id, query });
    writeHash(lastHash);
  };
  nav.replaceChildren(
    ...TABS.map((t) =>
      h(
        'a',
        {
          href: `#${t.id}`,
          class: 'tab',
          'data-testid': `tab-${t.id}`,
          'aria-current': t === tab ? 'page' : undefined,
        },
        t.label,
      ),
    ),
  );
  const panel = h('div', { class: 'tab-panel', 'data-testid': `panel-${tab.id}` });
  main.replaceChildren(panel);
  current = tab.mount(panel, route.query, setQuery);
  window.addEventListener('hashchange', () => {
    if (location.hash === lastHash) return;
    const next = parseRoute(location.hash);
    if (next.tab !== tab.id && TABS.some((t) => t.id === next.tab)) {
      location.reload();
      return;
    }
    current?.restore(next.query);
  });
  document.documentElement.dataset.ready = 'true';
}

start();
