/** The app's hash routes as pure functions (no DOM), so they are unit-tested. */

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

export function filterFromQuery(query: string): ActivityFilter | undefined {
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
