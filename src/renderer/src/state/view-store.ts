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
}

export interface ViewStore extends Route {
  go(view: ViewId, boardId?: string, taskId?: string): void;
  /** The card named in the route was opened: drop it from the route (and the address) without a new history entry. */
  taskOpened(): void;
}

function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value);
}

/** `#/boards`, `#/board/local`; anything else is the default view. Hash routes work over file:// and HTTP alike. */
export function parseHash(hash: string): Route {
  const [path = '', query = ''] = hash.replace(/^#\/?/, '').split('?');
  const [view = '', ...rest] = path.split('/');
  if (!isViewId(view)) return { view: 'activity' };
  if (view === 'board' && rest.length > 0) {
    const taskId = new URLSearchParams(query).get('task');
    return { view, boardId: decodeURIComponent(rest.join('/')), ...(taskId ? { taskId } : {}) };
  }
  return { view };
}

export function formatHash(route: Route): string {
  if (route.view !== 'board' || !route.boardId) return `#/${route.view}`;
  const task = route.taskId ? `?task=${encodeURIComponent(route.taskId)}` : '';
  return `#/board/${encodeURIComponent(route.boardId)}${task}`;
}

const initial = typeof location === 'undefined' ? { view: 'activity' as const } : parseHash(location.hash);

export const useViewStore = create<ViewStore>()((set, get) => ({
  ...initial,
  go(view, boardId, taskId) {
    const route: Route = { view, ...(boardId === undefined ? {} : { boardId }), ...(taskId ? { taskId } : {}) };
    set({ view, boardId, taskId });
    const hash = formatHash(route);
    if (typeof location !== 'undefined' && location.hash !== hash) history.pushState(null, '', hash);
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
    useViewStore.setState({ view: route.view, boardId: route.boardId, taskId: route.taskId });
  };
  window.addEventListener('popstate', onPop);
  return () => window.removeEventListener('popstate', onPop);
}
