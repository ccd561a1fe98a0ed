import { create } from 'zustand';

import {
  activityHash,
  filterFromQuery,
  formatHash,
  parseHash,
  type ActivityFilter,
  type Route,
  type ViewId,
} from '../lib/routes';

export { activityHash, formatHash, parseHash, VIEW_IDS } from '../lib/routes';
export type { ActivityFilter, Route, ViewId } from '../lib/routes';

export interface ViewStore extends Route {
  go(view: ViewId, boardId?: string, taskId?: string): void;
  /** The card named in the route was opened: drop it from the route (and the address) without a new history entry. */
  taskOpened(): void;
  /** The Activity filters changed: the address follows, without a new history entry for every keystroke. */
  showFilter(filter: ActivityFilter): void;
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
