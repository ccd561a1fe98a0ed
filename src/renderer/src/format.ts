/** Small display helpers shared by the views. Pure, so they are easy to test. */

export function formatTime(iso: string | undefined, now: Date = new Date()): string {
  if (!iso) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const sameDay = date.toDateString() === now.toDateString();
  return sameDay
    ? date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
    : date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** `human:http` → `you (web UI)`; anything unknown is shown as is. */
export function describeActor(by: string | undefined): string {
  if (!by) return 'unknown';
  const known: Record<string, string> = {
    'human:http': 'you (web UI)',
    'human:ipc': 'you (app)',
    'human:tray': 'you (tray)',
    'human:cli': 'you (command line)',
  };
  return known[by] ?? by;
}

/** "by you (web UI) at 10:02: lunch", or "by system:mass-deletion-brake at 10:02: 6 of 6 tasks vanished…". */
export function pausedBy(pause: { by?: string; at?: string; reason?: string }): string {
  return `by ${describeActor(pause.by)}${pause.at ? ` at ${formatTime(pause.at)}` : ''}${pause.reason ? `: ${pause.reason}` : ''}`;
}

/** A log time: seconds matter there. Today as 15:21:04, other days with the date. */
export function formatLogTime(iso: string, now: Date = new Date()): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  const time = date.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  if (date.toDateString() === now.toDateString()) return time;
  return `${date.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })} ${time}`;
}

/** The full local date and time, for detail views. */
export function formatFullTime(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

export const PRIORITY_NAMES = ['None', 'Low', 'Medium', 'High', 'Urgent'] as const;

export function priorityName(priority: number): string {
  return PRIORITY_NAMES[priority] ?? `P${priority}`;
}

/** Task field names as people say them. */
export const FIELD_LABELS: Record<string, string> = {
  title: 'Title',
  description: 'Description',
  status: 'Status',
  assignee: 'Assignee',
  priority: 'Priority',
  labels: 'Labels',
  agentNotes: 'Agent notes',
  parentId: 'Parent task',
  dueDate: 'Due date',
};

export function fieldLabel(field: string): string {
  return FIELD_LABELS[field] ?? field;
}
