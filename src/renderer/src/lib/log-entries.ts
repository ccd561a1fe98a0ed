/**
 * How the Activity view reads sync log entries: which live entries match the
 * current filter (the same rules the core's log query applies), and how an
 * entry reads in one line. Pure, so it is unit-tested.
 */
import type { CallInput } from '../../../shared/contract';
import type { LogAction } from '../../../shared/log-actions';
import type { SyncLogEntry } from '../../../shared/model';

export type LogFilter = NonNullable<CallInput<'listLog'>['filter']>;

const ACTOR_KINDS = new Set(['human', 'agent', 'system']);

const json = (value: unknown): string => (value === undefined ? '' : JSON.stringify(value));

/** Whether an entry the core pushed live belongs in a list filtered this way (mirrors the core's SQL). */
export function matchesFilter(entry: SyncLogEntry, filter: LogFilter): boolean {
  if (filter.boardId && entry.boardId !== filter.boardId) return false;
  if (filter.taskId && entry.taskId !== filter.taskId) return false;
  if (filter.actor) {
    const kindOnly = ACTOR_KINDS.has(filter.actor);
    const ok = kindOnly
      ? entry.actor === filter.actor || entry.actor.startsWith(`${filter.actor}:`)
      : entry.actor === filter.actor;
    if (!ok) return false;
  }
  if (filter.action) {
    const ok = filter.action.endsWith('.') ? entry.action.startsWith(filter.action) : entry.action === filter.action;
    if (!ok) return false;
  }
  if (filter.text) {
    const haystack = [entry.field ?? '', json(entry.before), json(entry.after), entry.reason ?? '', entry.taskId ?? '']
      .join(' ')
      .toLowerCase();
    if (!haystack.includes(filter.text.toLowerCase())) return false;
  }
  return true;
}

/** Only the keys that are set, so the filter compares and serialises cleanly. */
export function cleanFilter(filter: LogFilter): LogFilter {
  const out: LogFilter = {};
  for (const [key, value] of Object.entries(filter) as [keyof LogFilter, string | undefined][]) {
    const trimmed = value?.trim();
    if (trimmed) out[key] = trimmed;
  }
  return out;
}

export function isFiltered(filter: LogFilter): boolean {
  return Object.keys(cleanFilter(filter)).length > 0;
}

/** The kinds the Activity view filters by: an action prefix (ending in a dot) or an exact action. */
export const LOG_KINDS: readonly { value: string; label: string }[] = [
  { value: 'field.', label: 'Field changes' },
  { value: 'conflict.', label: 'Conflicts' },
  { value: 'intent.', label: 'Agent intents' },
  { value: 'write.refused', label: 'Refused writes' },
  { value: 'echo', label: 'Echoes' },
  { value: 'task.', label: 'Tasks' },
  { value: 'comment.', label: 'Comments' },
  { value: 'outbox.', label: 'Outbox' },
  { value: 'agent.', label: 'Agents' },
  { value: 'ownership.', label: 'Ownership' },
  { value: 'board.', label: 'Board pauses' },
  { value: 'global.', label: 'Pause all' },
];

const ACTION_LABELS: Record<LogAction, string> = {
  'field.changed': 'Changed on the board',
  'field.written': 'Written to the board',
  'field.lost': 'Value lost',
  echo: 'Echo of our write',
  'write.refused': 'Write refused',
  'conflict.opened': 'Conflict opened',
  'conflict.resolved': 'Conflict resolved',
  'intent.queued': 'Agent write queued',
  'intent.duplicate': 'Duplicate intent',
  'task.discovered': 'Task found',
  'task.created': 'Task created',
  'task.deleted': 'Task deleted',
  'comment.added': 'Comment added',
  'outbox.retry': 'Write will be retried',
  'outbox.parked': 'Write parked',
  'outbox.retry-requested': 'Retry requested',
  'ownership.changed': 'Ownership changed',
  'board.paused': 'Board paused',
  'board.resumed': 'Board resumed',
  'global.paused': 'All agents paused',
  'global.resumed': 'All agents resumed',
  'agent.paused': 'Agent paused',
  'agent.resumed': 'Agent resumed',
  'agent.run.queued': 'Agent run queued',
  'agent.run.claimed': 'Agent claimed the task',
  'agent.run.started': 'Agent run started',
  'agent.run.output': 'Agent output',
  'agent.run.done': 'Agent run finished',
  'agent.run.failed': 'Agent run failed',
  'agent.run.retry': 'Agent run will be retried',
  'agent.run.board-wait': 'Agent run waits for the board',
  'agent.run.retry-requested': 'Agent run retry requested',
  'agent.run.dismissed': 'Failed run dismissed',
  'agent.run.waiting': 'Agent asked a question',
  'agent.run.answered': 'Question answered',
  'agent.run.skipped': 'Agent run skipped',
  'agent.run.task-changed': 'Task changed while the agent worked',
  'agent.run.paused': 'Agent run paused',
  'agent.run.resumed': 'Agent run resumed',
  'agent.run.recovered': 'Agent run recovered',
  'agent.question.unanswered': 'Question still unanswered',
  'agent.question.answered': 'You answered a question',
  'agent.reconfigured': 'Agent settings changed',
  'agent.added': 'Agent added',
  'agent.updated': 'Agent changed',
  'agent.removed': 'Agent removed',
  'agent.token-rotated': 'Agent MCP token replaced',
  'agent.process.stopped': 'Leftover agent process stopped',
  'agent.claim.stale-released': 'Stale claim released',
  'board.added': 'Board added',
  'board.updated': 'Board updated',
  'board.removed': 'Board removed',
  'board.column-created': 'Column added to the board',
  'secret.set': 'Secret set',
  'secret.delete': 'Secret deleted',
  'mcp.call': 'MCP tool called',
  'mcp.refused': 'MCP call refused',
};

/** A readable name for an action; unknown ones are shown as they are. */
export function actionLabel(action: string): string {
  return (ACTION_LABELS as Record<string, string>)[action] ?? action;
}

/** The tone of an action's marker: conflicts and losses stand out, echoes recede. */
export function actionTone(action: string): 'neutral' | 'good' | 'warn' | 'bad' | 'quiet' {
  if (action === 'conflict.opened' || action === 'write.refused' || action === 'field.lost') return 'warn';
  if (action === 'outbox.parked' || action === 'agent.run.failed') return 'bad';
  if (action === 'agent.run.waiting' || action === 'agent.question.unanswered') return 'warn';
  if (action === 'agent.run.task-changed') return 'warn';
  if (action === 'conflict.resolved' || action === 'field.written' || action === 'task.created') return 'good';
  if (action === 'echo' || action === 'intent.duplicate') return 'quiet';
  return 'neutral';
}

/** `human:http` → `you (web UI)`, `agent:x` → `agent x`, `human` → `a person on the board`. */
export function describeLogActor(actor: string): string {
  const known: Record<string, string> = {
    human: 'a person on the board',
    system: 'Deckhand',
    'human:http': 'you (web UI)',
    'human:ipc': 'you (app)',
    'human:app': 'you (app)',
    'human:tray': 'you (tray)',
    'human:cli': 'you (command line)',
  };
  if (known[actor]) return known[actor];
  if (actor.startsWith('agent:')) return `agent ${actor.slice('agent:'.length)}`;
  return actor;
}

/** A value in a few words: strings quoted, lists joined, objects as compact JSON, long ones cut. */
export function shortValue(value: unknown, max = 60): string {
  let text: string;
  if (value === null) text = 'none';
  else if (typeof value === 'string') text = value === '' ? '(empty)' : `“${value.replace(/\s+/g, ' ')}”`;
  else if (Array.isArray(value) && value.every((v) => typeof v === 'string')) {
    text = value.length === 0 ? '(none)' : value.join(', ');
  } else text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Where an entry happened: `task 3 · status`, or the board for board-wide entries. */
export function entryWhere(entry: SyncLogEntry): string {
  const parts: string[] = [];
  if (entry.taskId) parts.push(`task ${entry.taskId}`);
  if (entry.field) parts.push(entry.field);
  if (parts.length === 0 && entry.boardId) parts.push(`board ${entry.boardId}`);
  return parts.join(' · ');
}

/** The change in one line (`“To do” → “Done”`), or the reason when there is no before/after to show. */
export function entryChange(entry: SyncLogEntry): string {
  const hasBefore = entry.before !== undefined;
  const hasAfter = entry.after !== undefined;
  if (entry.field && (hasBefore || hasAfter)) {
    return `${hasBefore ? shortValue(entry.before, 40) : '—'} → ${hasAfter ? shortValue(entry.after, 40) : '—'}`;
  }
  return entry.reason ?? '';
}
