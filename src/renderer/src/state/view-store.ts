import { create } from 'zustand';

export const VIEW_IDS = [
  'inbox',
  'activity',
  'conflicts',
  'ownership',
  'agents',
  'boards',
  'board',
  'settings',
] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export interface Route {
  view: ViewId;
  /** Only for the board view: which board. */
  boardId?: string;
  /** Only for the board view: the card to open (`#/board/local?task=12`, the local board's "Open on board"). */
  taskId?: string;
  /** Only for the Activity view: its filters (`#/activity?task=12&action=write.`), so a filtered view can be shared. */
  logFilter?: ActivityFilter;
}

/** The Activity filters as the address carries them: short names, only those set. */
export interface ActivityFilter {
  boardId?: string;
  taskId?: string;
  actor?: string;
  action?: string;
  text?: string;
}

const FILTER_PARAMS: Record<keyof ActivityFilter, string> = {
  boardId: 'board',
  taskId: 'task',
  actor: 'actor',
  action: 'action',
  text: 'q',
};

function filterFromQuery(query: string): ActivityFilter | undefined {
  const params = new URLSearchParams(query);
  const filter: ActivityFilter = {};
  for (const [key, param] of Object.entries(FILTER_PARAMS) as [keyof ActivityFilter, string][]) {
    const value = params.get(param)?.trim();
    if (value) filter[key] = value;
  }
  return Object.keys(filter).length > 0 ? filter : undefined;
}

/** `#/activity?board=local&task=12`: the Activity view narrowed to these filters. */
export function activityHash(filter: ActivityFilter): string {
  const params = new URLSearchParams();
  for (const [key, param] of Object.entries(FILTER_PARAMS) as [keyof ActivityFilter, string][]) {
    const value = filter[key]?.trim();
    if (value) params.set(param, value);
  }
  const query = params.toString();
  return query ? `#/activity?${query}` : '#/activity';
}

export interface ViewStore extends Route {
  go(view: ViewId, boardId?: string, taskId?: string): void;
  /** The card named in the route was opened: drop it from the route (and the address) without a new history entry. */
  taskOpened(): void;
  /** The Activity filters changed: the address follows, without a new history entry for every keystroke. */
  showFilter(filter: ActivityFilter): void;
}

function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value);
}

/** `#/boards`, `#/board/local`; anything else is the default view. Hash routes work over file:// and HTTP alike. */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [view = '', ...rest] = path.split('/');
  if (!isViewId(view)) return { view: 'activity' };
  if (view === 'activity') {
    const logFilter = filterFromQuery(query);
    return logFilter ? { view, logFilter } : { view };
  }
  if (view === 'board' && rest.length > 0) {
    const taskId = new URLSearchParams(query).get('task');
    return { view, boardId: decodeURIComponent(rest.join('/')), ...(taskId ? { taskId } : {}) };
  }
  return { view };
}

export function formatHash(route: Route): string {
  if (route.view === 'activity' && route.logFilter) return activityHash(route.logFilter);
  if (route.view !== 'board' || !route.boardId) return `#/${route.view}`;
  const task = route.taskId ? `?task=${encodeURIComponent(route.taskId)}` : '';
  return `#/board/${encodeURIComponent(route.boardId)}${task}`;
}

const initial = typeof location === 'undefined' ? { view: 'activity' as const } : parseHash(location.hash);

export const useViewStore = create<ViewStore>()((set, get) => ({
  ...initial,
  go(view, boardId, taskId) {
    const route: Route = { view, ...(boardId === undefined ? {} : { boardId }), ...(taskId ? { taskId } : {}) };
    set({ view, boardId, taskId, logFilter: undefined });
    const hash = formatHash(route);
    if (typeof location !== 'undefined' && location.hash !== hash) history.pushState(null, '', hash);
  },
  showFilter(filter) {
    const logFilter = filterFromQuery(activityHash(filter).split('?')[1] ?? '');
    set({ logFilter });
    const hash = formatHash({ view: 'activity', ...(logFilter ? { logFilter } : {}) });
    if (typeof location !== 'undefined' && location.hash !== hash) history.replaceState(null, '', hash);
  },
  taskOpened() {
    const { view, boardId } = get();
    set({ taskId: undefined });
    const hash = formatHash({ view, ...(boardId === undefined ? {} : { boardId }) });
    if (typeof location !== 'undefined' && location.hash !== hash) history.replaceState(null, '', hash);
  },
}));

/** Keeps the store in step with the back and forward buttons. Returns a function that stops listening. */
export function followHistory(): () => void {
  const onPop = (): void => {
    const route = parseHash(location.hash);
    useViewStore.setState({
      view: route.view,
      boardId: route.boardId,
      taskId: route.taskId,
      logFilter: route.logFilter,
    });
  };
  window.addEventListener('popstate', onPop);
  return () => window.removeEventListener('popstate', onPop);
}
