import { create } from 'zustand';

export const VIEW_IDS = ['activity', 'conflicts', 'ownership', 'agents', 'boards', 'board', 'settings'] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export interface Route {
  view: ViewId;
  /** Only for the board view: which board. */
  boardId?: string;
}

export interface ViewStore extends Route {
  go(view: ViewId, boardId?: string): void;
}

function isViewId(value: string): value is ViewId {
  return (VIEW_IDS as readonly string[]).includes(value);
}

/** `#/boards`, `#/board/local`; anything else is the default view. Hash routes work over file:// and HTTP alike. */
export function parseHash(hash: string): Route {
  const [view = '', ...rest] = hash.replace(/^#\/?/, '').split('/');
  if (!isViewId(view)) return { view: 'activity' };
  if (view === 'board' && rest.length > 0) return { view, boardId: decodeURIComponent(rest.join('/')) };
  return { view };
}

export function formatHash(route: Route): string {
  return route.view === 'board' && route.boardId ? `#/board/${encodeURIComponent(route.boardId)}` : `#/${route.view}`;
}

const initial = typeof location === 'undefined' ? { view: 'activity' as const } : parseHash(location.hash);

export const useViewStore = create<ViewStore>()((set) => ({
  ...initial,
  go(view, boardId) {
    const route: Route = boardId === undefined ? { view } : { view, boardId };
    set({ view, boardId });
    const hash = formatHash(route);
    if (typeof location !== 'undefined' && location.hash !== hash) history.pushState(null, '', hash);
  },
}));

/** Keeps the store in step with the back and forward buttons. Returns a function that stops listening. */
export function followHistory(): () => void {
  const onPop = (): void => {
    const route = parseHash(location.hash);
    useViewStore.setState({ view: route.view, boardId: route.boardId });
  };
  window.addEventListener('popstate', onPop);
  return () => window.removeEventListener('popstate', onPop);
}
