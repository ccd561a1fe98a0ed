import { parseKanboardDate, sqlLike, startOfDay } from './php';
import type { KanboardStore, TaskRow } from './store';

/**
 * The part of Kanboard's task filter language (app/Core/Filter/Lexer.php and
 * app/Filter/Task*Filter.php) that clients use for incremental sync: `id:`,
 * `status:`, `ref:`/`reference:`, `modified:`/`updated:` with <, <=, >, >=
 * (whole days only: the time is dropped, server timezone), `column:`,
 * `assignee:` and `title:`, which is also where free text goes. Repeated
 * attributes are OR-ed, different ones AND-ed.
 */

const ATTRIBUTES = ['id', 'status', 'ref', 'reference', 'modified', 'updated', 'column', 'assignee', 'title'];

interface Token {
  kind: string;
  match: string;
}

const STRING_PATTERNS = [
  /^([<=>]{0,2}[0-9]{4}-[0-9]{2}-[0-9]{2})/,
  /^([<=>]{1,2}\w+)/u,
  /^([<=>]{1,2}".+")/,
  /^("(.*?)")/,
  /^(\S+)/u,
];

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let rest = input;
  while (rest.length > 0) {
    const attribute = ATTRIBUTES.find((a) => rest.toLowerCase().startsWith(`${a}:`));
    if (attribute) {
      tokens.push({ kind: attribute, match: rest.slice(0, attribute.length + 1) });
      rest = rest.slice(attribute.length + 1);
      continue;
    }
    const space = /^(\s+)/.exec(rest);
    if (space) {
      tokens.push({ kind: 'space', match: space[1]! });
      rest = rest.slice(space[1]!.length);
      continue;
    }
    const string = STRING_PATTERNS.map((p) => p.exec(rest)).find((m) => m !== null);
    if (!string) return [];
    tokens.push({ kind: 'string', match: string[1]!.replace(/"/g, '') });
    rest = rest.slice(string[1]!.length);
  }
  return tokens;
}

/** attribute → values, plus the leftover text that the title filter takes. */
export function parseQuery(input: string): Map<string, string[]> {
  const tokens = tokenize(input);
  const map = new Map<string, string[]>();
  let leftover = '';
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.kind === 'string' || token.kind === 'space') {
      leftover += token.match;
      continue;
    }
    const next = tokens[i + 1];
    if (next && next.kind === 'string') {
      map.set(token.kind, [...(map.get(token.kind) ?? []), next.match]);
      i++;
    }
  }
  if (leftover.trim() !== '') map.set('title', [...(map.get('title') ?? []), leftover.trim()]);
  return map;
}

function dateMatcher(store: KanboardStore, raw: string): (value: number) => boolean {
  const operator = ['<=', '>=', '<', '>'].find((op) => raw.startsWith(op)) ?? '';
  const value = raw.slice(operator.length);
  const parsed = /^\d+$/.test(value)
    ? Number(value)
    : (parseKanboardDate(value, store.timeZone(), store.now()) ?? Math.floor(Date.parse(value) / 1000));
  const day = startOfDay(Number.isFinite(parsed) ? parsed : 0, store.timeZone());
  switch (operator) {
    case '>=':
      return (v) => v >= day;
    case '>':
      return (v) => v >= day + 86400;
    case '<=':
      return (v) => v <= day + 86399;
    case '<':
      return (v) => v < day;
    default:
      return (v) => v >= day && v <= day + 86399;
  }
}

function matcher(store: KanboardStore, attribute: string, value: string): (task: TaskRow) => boolean {
  switch (attribute) {
    case 'id':
      return (t) => String(t.id) === value;
    case 'status':
      if (value === 'open' || value === 'closed') return (t) => t.is_active === (value === 'open' ? 1 : 0);
      return /^\d+$/.test(value) ? (t) => t.is_active === Number(value) : () => true;
    case 'ref':
    case 'reference':
      if (value === 'none') return (t) => t.reference === '';
      return (t) => sqlLike(t.reference, value.replace(/\*/g, '%'));
    case 'modified':
    case 'updated': {
      const inRange = dateMatcher(store, value);
      return (t) => inRange(t.date_modification);
    }
    case 'column':
      return /^\d+$/.test(value)
        ? (t) => t.column_id === Number(value)
        : (t) => sqlLike(store.column(t.column_id)?.title ?? '', value);
    case 'assignee':
      if (/^\d+$/.test(value)) return (t) => t.owner_id === Number(value);
      if (value === 'nobody') return (t) => t.owner_id === 0;
      if (value === 'anybody') return (t) => t.owner_id > 0;
      return (t) => {
        const user = store.user(t.owner_id);
        return user !== undefined && (sqlLike(user.username, `%${value}%`) || sqlLike(user.name, `%${value}%`));
      };
    default: {
      const id = /^#?(\d+)$/.exec(value);
      return (t) => (id !== null && String(t.id) === id[1]) || sqlLike(t.title, `%${value}%`);
    }
  }
}

/** The project's tasks matching a query, in id order (as the SQL without ORDER BY returns them). */
export function searchTasks(store: KanboardStore, projectId: number, query: string): TaskRow[] {
  const criteria = [...parseQuery(query ?? '').entries()].map(([attribute, values]) => {
    const matchers = values.map((v) => matcher(store, attribute, v));
    return (t: TaskRow): boolean => matchers.some((m) => m(t));
  });
  return store.tasks
    .filter((t) => t.project_id === projectId && criteria.every((c) => c(t)))
    .sort((a, b) => a.id - b.id);
}
